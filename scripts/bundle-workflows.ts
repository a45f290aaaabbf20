/**
 * Bundles the workflow code once at build time (`npm run build`) into dist/workflow-bundle.js,
 * which `kubeha worker` loads instead of running webpack at every start.
 */
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../src/worker/bundle-options';
import { defaultWorkflowsPath } from '../src/worker/create-worker';
import { prebuiltBundlePath } from '../src/worker/prebuilt-bundle';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode(workflowBundleOptions(defaultWorkflowsPath()));
  await writeFile(prebuiltBundlePath(), code);
}

main().catch((err: unknown) => {
  process.stderr.write(`bundle-workflows: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
