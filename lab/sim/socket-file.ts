/**
 * Unix socket inodes without a live listener: enough for `test -S` and kubeadm's CRI socket
 * check in the lab (nothing speaks CRI). One short-lived process binds every path and exits
 * without unlinking them (one process for a whole lab, not one per host).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

// Binding happens synchronously inside listen(), so a chdir before each one keeps the path
// short (sun_path holds 108 bytes; lab directories can be deep).
const BIND_ALL = `const net = require('net');
const path = require('path');
const files = process.argv.slice(1);
let left = files.length;
if (left === 0) process.exit(0);
for (const f of files) {
  process.chdir(path.dirname(f));
  net.createServer().listen(path.basename(f), () => { if (--left === 0) process.exit(0); }).on('error', (e) => { console.error(f + ': ' + e.message); process.exit(1); });
}`;

export function createSocketFiles(files: string[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(f), { recursive: true });
    rmSync(f, { force: true });
  }
  const r = spawnSync(process.execPath, ['-e', BIND_ALL, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not create unix sockets: ${r.stderr.trim()}`);
}

export function createSocketFile(file: string): void {
  createSocketFiles([file]);
}
