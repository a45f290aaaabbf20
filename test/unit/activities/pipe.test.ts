/** Step.pipe: the sender's stdout goes to the receiver's stdin; when one side fails the other is stopped and the first failure is the one reported. */
import type { Readable, Writable } from 'node:stream';
import { hostStep } from '../../../src/activities/step';
import { silentLogger } from '../../../src/logging';
import type { RunOptions, RunResult, SshRunner } from '../../../src/ssh/pool';
import type { Script } from '../../../src/ssh/quote';
import type { SshTarget } from '../../../src/ssh/target';
import { CP1, CP2 } from './settings';

const script = (name: string): Script => ({ name, text: `echo ${name}` as Script['text'] });

/** Per host: what its command does with the streams it is given. */
type Behaviour = (options: RunOptions) => Promise<RunResult>;

function runner(byHost: Record<string, Behaviour>): SshRunner {
  return {
    run: (target: SshTarget, _s: Script, options: RunOptions = {}) => (byHost[target.name] as Behaviour)(options),
    runChecked: () => Promise.reject(new Error('not used')),
    writeFile: () => Promise.reject(new Error('not used')),
    close: async () => undefined,
  };
}

const deps = (ssh: SshRunner) => ({ ssh, logger: silentLogger(), clock: () => 0 });
const aborted = (signal: AbortSignal | undefined) => new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));

it('streams the bytes from one host into the other and returns both results', async () => {
  const ssh = runner({
    cp1: async ({ stdoutTo }) => {
      (stdoutTo as Writable).end(Buffer.from('tar bytes'));
      return { code: 0, stdout: '', stderr: '' };
    },
    cp2: async ({ stdin }) => {
      let got = '';
      for await (const chunk of stdin as Readable) got += String(chunk);
      return { code: 0, stdout: `got ${got}`, stderr: '' };
    },
  });
  const from = hostStep(deps(ssh), CP1, 'copy');
  const { sent, received } = await from.pipe(script('send'), hostStep(deps(ssh), CP2, 'receive'), script('receive'));
  expect(sent).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(received.stdout).toBe('got tar bytes');
});

it("reports the sender's lost connection, not the receiver it stopped because of it", async () => {
  const ssh = runner({
    cp1: () => Promise.reject(new Error('cp1: connection lost')),
    cp2: ({ signal }) => aborted(signal),
  });
  await expect(hostStep(deps(ssh), CP1, 'copy').pipe(script('send'), hostStep(deps(ssh), CP2, 'receive'), script('receive'))).rejects.toThrow('cp1: connection lost');
});

it("reports the receiver's failure, not the sender it stopped", async () => {
  const ssh = runner({
    cp1: ({ signal }) => aborted(signal),
    cp2: () => Promise.reject(new Error('cp2: no route to host')),
  });
  await expect(hostStep(deps(ssh), CP1, 'copy').pipe(script('send'), hostStep(deps(ssh), CP2, 'receive'), script('receive'))).rejects.toThrow('cp2: no route to host');
});

it('a receiver that exits first stops the sender, and its answer is what counts', async () => {
  const ssh = runner({
    cp1: ({ signal }) => aborted(signal),
    cp2: async () => ({ code: 3, stdout: 'differs /etc/kubernetes/pki/ca.crt\n', stderr: '' }),
  });
  const { sent, received } = await hostStep(deps(ssh), CP1, 'copy').pipe(script('send'), hostStep(deps(ssh), CP2, 'receive'), script('receive'));
  expect(sent.code).toBe(141);
  expect(received.code).toBe(3);
});
