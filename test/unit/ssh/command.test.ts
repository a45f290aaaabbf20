import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { killCommand, PID_MARKER, wrapCommand } from '../../../src/ssh/command';
import { defineScript, q, sh } from '../../../src/ssh/quote';

const script = defineScript<{ text: string }>('echo', { body: ({ text }) => sh`printf '%s\\n' ${q(text)}; false | true; echo "pipefail-ok"` });

it('wraps a script so the remote shell prints its pid first, then runs it with bash (pipefail)', () => {
  const result = spawnSync('/bin/sh', ['-c', wrapCommand(script.render({ text: "it's `x` $(y)" }), false)], { encoding: 'utf8' });
  const [first, ...rest] = result.stdout.split('\n');
  expect(first).toMatch(new RegExp(`^${PID_MARKER}\\d+$`));
  // `false | true` fails the script under pipefail, so the last echo never runs.
  expect(rest.join('\n')).toBe("it's `x` $(y)\n");
  expect(result.status).toBe(1);
});

it('puts sudo -n in front when asked', () => {
  expect(wrapCommand(script.render({ text: 'x' }), true).startsWith("sudo -n -- bash -c '")).toBe(true);
});

it('kills the process group of a wrapped command', async () => {
  const sleeper = defineScript('sleeper', { body: () => sh`sleep 30 & wait` });
  const child = spawn('/bin/sh', ['-c', wrapCommand(sleeper.render(undefined), false)], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().split('\n')[0]?.slice(PID_MARKER.length)))));
  const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  execFileSync('/bin/sh', ['-c', killCommand(pid, false)]);
  expect(await exited).toBe('SIGTERM');
});
