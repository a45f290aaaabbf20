/**
 * A unix socket inode without a live listener: enough for `test -S` and kubeadm's CRI socket
 * check in the lab (nothing speaks CRI). Made by a short-lived process that binds the path and
 * exits without unlinking it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

export function createSocketFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  rmSync(file, { force: true });
  const r = spawnSync(process.execPath, ['-e', 'require("net").createServer().listen(process.argv[1], () => process.exit(0))', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not create the socket ${file}: ${r.stderr.trim()}`);
}
