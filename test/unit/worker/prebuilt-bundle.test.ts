import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freshPrebuiltBundle } from '../../../src/worker/prebuilt-bundle';

const dir = mkdtempSync(path.join(tmpdir(), 'kubeha-bundle-'));
const compiled = path.join(dir, 'index.js');
const bundle = path.join(dir, 'workflow-bundle.js');
writeFileSync(compiled, '');
writeFileSync(bundle, '');
const at = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

it('uses a bundle made after the compiled workflows', () => {
  at(compiled, 1_000);
  at(bundle, 1_001);
  expect(freshPrebuiltBundle(compiled, bundle)).toBe(bundle);
});

it('ignores a bundle older than the compiled workflows (tsc ran without the bundling step)', () => {
  at(compiled, 2_000);
  at(bundle, 1_999);
  expect(freshPrebuiltBundle(compiled, bundle)).toBeUndefined();
});

it('ignores a missing bundle', () => {
  expect(freshPrebuiltBundle(compiled, path.join(dir, 'none.js'))).toBeUndefined();
});
