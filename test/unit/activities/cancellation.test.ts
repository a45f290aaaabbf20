import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../src/activities';
import type { JoinInput } from '../../../src/activities/types';
import { silentLogger } from '../../../src/logging';
import type { RunOptions, RunResult, SshRunner } from '../../../src/ssh/pool';
import type { Script } from '../../../src/ssh/quote';
import type { SshTarget } from '../../../src/ssh/target';
import { CLUSTER, W1 } from './settings';

const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: '' });

/** A fresh host whose detached kubeadm join keeps running until told otherwise. */
class RunningJoinSsh implements SshRunner {
  readonly scripts: string[] = [];
  constructor(private readonly joined = false) {}
  async run(_target: SshTarget, script: Script, _options: RunOptions = {}): Promise<RunResult> {
    this.scripts.push(script.name);
    switch (script.name) {
      case 'kubeadm-host-facts':
        return ok(this.joined ? 'kubelet.conf\n@@files 0\nexited 0\n@@run 0\n000\n@@readyz 7\n' : '\n@@files 0\nnone\n@@run 0\n000\n@@readyz 7\n');
      case 'detached-start':
        return ok('started\nrunning 4242\n');
      case 'detached-state':
        return ok('running 4242\n');
      default:
        throw new Error(`unexpected ${script.name}`);
    }
  }
  runChecked(target: SshTarget, script: Script, options?: RunOptions): Promise<RunResult> {
    return this.run(target, script, options);
  }
  async writeFile(): Promise<{ changed: boolean }> {
    return { changed: true };
  }
  async close(): Promise<void> {}
}

it('heartbeats while following a detached kubeadm join; a cancelled activity stops following and leaves kubeadm running; reports the attempt', async () => {
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  const ssh = new RunningJoinSsh();
  const acts = createActivities({ ssh, logger: silentLogger() });
  const token = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'1'.repeat(64)}`, expiresAt: '2030-01-01T00:00:00Z' };
  const input: JoinInput = { cluster: CLUSTER, host: W1, as: 'worker', token };
  const running = env.run(acts.joinNode, input);
  // The start command saw the join still running; the next look comes a poll later.
  const following = { step: 'join-worker', command: 'detached-state' };
  for (let i = 0; i < 60 && !beats.some((b) => JSON.stringify(b) === JSON.stringify(following)); i++) await new Promise((r) => setTimeout(r, 50));
  expect(beats).toContainEqual(following);
  expect(JSON.stringify(beats)).not.toContain(token.token);
  env.cancel();
  await expect(running).rejects.toMatchObject({ name: 'CancelledFailure' });
  expect(ssh.scripts).not.toContain('detached-stop');
  const joined = new MockActivityEnvironment({ attempt: 3 });
  const done = createActivities({ ssh: new RunningJoinSsh(true), logger: silentLogger() });
  await expect(joined.run(done.joinNode, input)).resolves.toEqual({ alreadyJoined: true, attempt: 3 });
});
