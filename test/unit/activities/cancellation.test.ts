import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../src/activities';
import type { JoinInput } from '../../../src/activities/types';
import { silentLogger } from '../../../src/logging';
import { SshAbortedError } from '../../../src/ssh/errors';
import type { RunOptions, RunResult, SshRunner } from '../../../src/ssh/pool';
import type { Script } from '../../../src/ssh/quote';
import type { SshTarget } from '../../../src/ssh/target';
import { CLUSTER, W1 } from './settings';

/** A join that never ends unless its AbortSignal fires. */
class HangingSsh implements SshRunner {
  async run(target: SshTarget, script: Script, options: RunOptions = {}): Promise<RunResult> {
    if (script.name === 'join-state') return { code: 0, stdout: 'state=clean\n', stderr: '' };
    return new Promise((_, reject) => {
      options.signal?.addEventListener('abort', () => reject(new SshAbortedError(`${script.name} cancelled`, { host: target.name, op: 'exec', command: script.name })));
    });
  }
  runChecked(target: SshTarget, script: Script, options?: RunOptions): Promise<RunResult> {
    return this.run(target, script, options);
  }
  async writeFile(): Promise<{ changed: boolean }> {
    return { changed: true };
  }
  async close(): Promise<void> {}
}

class JoinedSsh extends HangingSsh {
  override async run(target: SshTarget, script: Script, options: RunOptions = {}): Promise<RunResult> {
    if (script.name === 'join-state') return { code: 0, stdout: 'state=joined\n', stderr: '' };
    return super.run(target, script, options);
  }
}

it('heartbeats while kubeadm join runs and stops it when the activity is cancelled; reports the attempt', async () => {
  const env = new MockActivityEnvironment();
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(d));
  const acts = createActivities({ ssh: new HangingSsh(), logger: silentLogger() });
  const token = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'1'.repeat(64)}`, expiresAt: '2030-01-01T00:00:00Z' };
  const input: JoinInput = { cluster: CLUSTER, host: W1, as: 'worker', token };
  const running = env.run(acts.joinNode, input);
  await new Promise((r) => setTimeout(r, 100));
  expect(beats).toContainEqual({ step: 'join-worker', command: 'kubeadm-join' });
  expect(JSON.stringify(beats)).not.toContain(token.token);
  env.cancel();
  const joined = new MockActivityEnvironment({ attempt: 3 });
  const done = createActivities({ ssh: new JoinedSsh(), logger: silentLogger() });
  await expect(joined.run(done.joinNode, input)).resolves.toEqual({ alreadyJoined: true, attempt: 3 });
  await expect(running).rejects.toMatchObject({ name: 'CancelledFailure', message: expect.stringContaining('kubeadm-join cancelled') });
});
