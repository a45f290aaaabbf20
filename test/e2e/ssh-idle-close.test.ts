import { execFileSync } from 'node:child_process';
import { SshPool } from '../../src/ssh/pool';
import { defineScript, sh } from '../../src/ssh/quote';
import type { SshTarget } from '../../src/ssh/target';
import { labSsh, startTestLab } from '../helpers/lab';

jest.setTimeout(120_000);

type Lab = Awaited<ReturnType<typeof startTestLab>>;
let lab: Lab;
let pool: SshPool;

const IDLE_MS = 700;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hostname = defineScript('hostname', { body: () => sh`hostname` }).render(undefined);
const slow = defineScript('slow', { body: () => sh`sleep 2; echo done` }).render(undefined);

function target(): SshTarget {
  const host = lab.config.hosts.find((h) => h.name === 'cp1');
  if (!host) throw new Error('no lab host cp1');
  return { name: 'cp1', address: host.address, ssh: { ...labSsh(lab), acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 5000 } };
}

/** TCP connections from this machine to cp1's sshd, as the kernel sees them. */
function established(): number {
  const { address } = target();
  const out = execFileSync('ss', ['-Htn', 'state', 'established', `( dst ${address} and dport = :22 )`], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.trim() !== '').length;
}

beforeAll(async () => {
  lab = await startTestLab({ addressPrefix: '127.0.90', controlPlanes: 1, workers: 0 });
  pool = new SshPool({ idleCloseMs: IDLE_MS });
});
afterAll(async () => {
  await pool?.close();
  await lab?.dispose();
});

it('keeps one connection for back-to-back commands and for a command longer than the idle time, then closes it when idle', async () => {
  await pool.runChecked(target(), hostname);
  await pool.runChecked(target(), hostname);
  expect(established()).toBe(1);
  expect((await pool.runChecked(target(), slow)).stdout.trim()).toBe('done');
  expect(pool.openConnections).toBe(1);
  expect(established()).toBe(1);

  const deadline = Date.now() + 10_000;
  while (established() > 0 && Date.now() < deadline) await pause(100);
  expect(established()).toBe(0);
  expect(pool.openConnections).toBe(0);

  // The next command opens a fresh connection.
  expect((await pool.runChecked(target(), hostname)).stdout.trim()).toBe('cp1');
  expect(established()).toBe(1);
});
