/**
 * stdout and stderr of every simulated command, written the way a Go binary writes them:
 * synchronously, and a write into a closed pipe (the SSH session that ran the command is gone)
 * ends the process at once with 141, the status a shell reports for death by SIGPIPE. So a
 * kubeadm that lost its session stops at its next line and does nothing after it, as the real
 * one does. Node ignores SIGPIPE and reports EPIPE on process.stdout only asynchronously (after
 * the next effect has already happened), hence fs.writeSync on the raw descriptors. In the lab's
 * simulator server the output goes to the command's thin client, and a gone client makes the
 * write throw SessionGone, which ends the command the same way (invocation.ts).
 */
import { writeSync } from 'node:fs';
import { currentInvocation } from './invocation';

/** 128 + SIGPIPE. */
export const SIGPIPE_EXIT = 141;

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(SIGPIPE_EXIT);
      // A non-blocking pipe whose reader is slow: wait for room, as a blocking write would.
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

function write(fd: 1 | 2, text: string): void {
  const invocation = currentInvocation();
  if (invocation) invocation.write(fd, text);
  else writeAll(fd, text);
}

export function out(text: string): void {
  write(1, text);
}

export function errOut(text: string): void {
  write(2, text);
}
