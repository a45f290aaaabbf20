import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { labPaths } from '../layout';

/** What the lab machinery remembers about a running host (not part of the shared layout). */
export interface HostRuntime {
  sshdPid: number;
  mountNamespace: string;
}

export function runtimePath(labDir: string, host: string): string {
  return path.join(labPaths(labDir).hostRoot(host), 'runtime.json');
}

export function readRuntime(labDir: string, host: string): HostRuntime | undefined {
  try {
    return JSON.parse(readFileSync(runtimePath(labDir, host), 'utf8')) as HostRuntime;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function writeRuntime(labDir: string, host: string, runtime: HostRuntime): void {
  writeFileSync(runtimePath(labDir, host), `${JSON.stringify(runtime, null, 2)}\n`);
}
