import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const ENTRY_POINTS = ['src/workflows/index.ts', 'src/plan/operation.ts', 'src/plan/steps.ts', 'src/spec/hosts.ts', 'src/spec/types.ts', 'src/spec/version.ts', 'src/workflows/bring-up/plan.ts'];
/**
 * The workflow sandbox's own APIs, plus the pure, deterministic validators the workflow re-checks
 * its input with (src/spec/wire.ts: zod and ipaddr.js, no I/O, no clock, no randomness);
 * everything else from a package (node:*, yaml, ssh2…) is out.
 */
const ALLOWED_PACKAGES = ['@temporalio/workflow', '@temporalio/common', 'zod', 'ipaddr.js'];

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^import(?!\s+type)[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] as string);
}

describe('modules workflow code may import', () => {
  it('reach no Node API or I/O package, directly or through their value imports', () => {
    const seen = new Set<string>();
    const queue = [...ENTRY_POINTS];
    const offenders: string[] = [];
    while (queue.length > 0) {
      const file = queue.shift() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = path.join(path.dirname(file), spec);
          queue.push(existsSync(path.join(ROOT, `${target}.ts`)) ? `${target}.ts` : path.join(target, 'index.ts'));
        }
        else if (!ALLOWED_PACKAGES.includes(spec)) offenders.push(`${file} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    expect(seen.size).toBeGreaterThanOrEqual(ENTRY_POINTS.length);
  });
});
