import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

function isKubehaCheckout(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'kubeha';
  } catch {
    return false;
  }
}

/**
 * `.kubeha/dev` in the working directory when that is a kubeha checkout or already holds
 * `.kubeha/`, else `${XDG_STATE_HOME:-~/.local/state}/kubeha/dev`.
 */
export function defaultDevStateDir(cwd: string, env: NodeJS.ProcessEnv, home = homedir()): string {
  if (existsSync(join(cwd, '.kubeha')) || isKubehaCheckout(cwd)) return join(cwd, '.kubeha', 'dev');
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'kubeha', 'dev');
}
