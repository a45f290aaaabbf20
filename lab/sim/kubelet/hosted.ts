/**
 * A host's kubelet inside the lab's simulator server: a Node process per host costs tens of MB
 * and its start-up CPU, so in the server the kubelet is a loop (kubeletLoop) in an Invocation of
 * its own, and the host holds a placeholder process (`sleep infinity`, entered into the host's
 * namespaces) as the kubelet's pid. What happens to that process happens to the kubelet: killed
 * with its host or by `systemctl stop`, the loop ends at its next sleep; stopped with a frozen
 * host, the loop waits (invocation.ts checkpoint). Static Pods it starts enter the host's
 * namespaces through the placeholder. Its log lines go to /var/log/kubeha-lab/kubelet.log.
 */
import { appendFileSync } from 'node:fs';
import { logFile, startDaemon } from '../daemons';
import type { Invocation } from '../invocation';
import { currentInvocation, runInvocation, SessionGone } from '../invocation';

export const KUBELET_PLACEHOLDER = ['/bin/sleep', 'infinity'] as const;

/** Starts the hosted kubelet of the calling command's host; undefined outside the server (then the kubelet is a process). */
export function startHostedKubelet(loop: (stopping: () => boolean) => Promise<void>): number | undefined {
  const caller = currentInvocation();
  if (!caller) return undefined;
  const [command, ...args] = KUBELET_PLACEHOLDER;
  const pid = startDaemon('kubelet', command, args);
  const log = logFile('kubelet');
  const kubelet: Invocation = {
    labDir: caller.labDir,
    host: caller.host,
    pid,
    cwd: '/',
    env: {},
    // checkpoint() sees the placeholder gone (or a zombie) in the state it reads anyway.
    clientGone: () => false,
    write: (_fd, text) => appendFileSync(log, text),
  };
  runInvocation(kubelet, () => loop(() => false)).catch((err: unknown) => {
    if (err instanceof SessionGone) return;
    appendFileSync(log, `${new Date().toISOString()} kubelet: died: ${(err as Error).stack ?? String(err)}\n`);
  });
  return pid;
}
