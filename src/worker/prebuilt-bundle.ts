import { statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The workflow bundle `npm run build` writes beside the compiled code (scripts/bundle-workflows.ts).
 * Bundling in the worker costs seconds and ~180 MB of peak memory (webpack), so a built worker
 * loads this file instead.
 */
export const PREBUILT_BUNDLE_FILE = 'workflow-bundle.js';

/** dist/ when running compiled (dist/src/worker → dist); the repository root under ts-jest, where no bundle is written. */
function outputRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

export function prebuiltBundlePath(): string {
  return path.join(outputRoot(), PREBUILT_BUNDLE_FILE);
}

const modifiedAt = (file: string): number | undefined => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

/**
 * The prebuilt bundle when it is at least as new as the compiled workflows it was made from: a
 * `tsc` run without the bundling step leaves an older bundle, which must not run in their place.
 */
export function freshPrebuiltBundle(workflowsPath: string, bundle = prebuiltBundlePath()): string | undefined {
  const bundledAt = modifiedAt(bundle);
  const compiledAt = modifiedAt(workflowsPath);
  if (bundledAt === undefined || compiledAt === undefined) return undefined;
  return bundledAt >= compiledAt ? bundle : undefined;
}
