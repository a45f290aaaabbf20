import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDevStateDir } from '../../../src/worker/state-dir';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kubeha-state-dir-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('uses .kubeha/dev in a kubeha checkout', () => {
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'kubeha' }));
  expect(defaultDevStateDir(root, {}, '/home/u')).toBe(join(root, '.kubeha', 'dev'));
});

it('uses .kubeha/dev where a .kubeha directory already exists', () => {
  mkdirSync(join(root, '.kubeha'));
  expect(defaultDevStateDir(root, {}, '/home/u')).toBe(join(root, '.kubeha', 'dev'));
});

it('uses the XDG state directory anywhere else', () => {
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'something-else' }));
  expect(defaultDevStateDir(root, {}, '/home/u')).toBe('/home/u/.local/state/kubeha/dev');
  expect(defaultDevStateDir(root, { XDG_STATE_HOME: '/state' }, '/home/u')).toBe('/state/kubeha/dev');
});
