import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ed25519KeyPair } from '../helpers/ssh-keys';
import { HostKeyMismatchError, HostKeyUnknownError, type RemoteCommandError, SshAbortedError, SshAuthError, SshConnectError, SshTimeoutError } from '../../src/ssh/errors';
import { SshPool } from '../../src/ssh/pool';
import { defineScript, q, sh } from '../../src/ssh/quote';
import type { SshTarget } from '../../src/ssh/target';
import { labSsh, startTestLab } from '../helpers/lab';

jest.setTimeout(120_000);

type Lab = Awaited<ReturnType<typeof startTestLab>>;
let lab: Lab;
let pool: SshPool;
let scratch: string;

const echo = defineScript<{ text: string }>('echo', { body: ({ text }) => sh`printf '%s' ${q(text)}` });
const sleepy = defineScript<{ marker: string }>('sleepy', { body: ({ marker }) => sh`echo started; exec sh -c 'sleep 300; :' ${q(marker)}` });

function target(name: string, overrides: Partial<SshTarget['ssh']> = {}): SshTarget {
  const host = lab.config.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no lab host ${name}`);
  const s = labSsh(lab);
  return {
    name,
    address: host.address,
    ssh: { ...s, acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 5000, ...overrides },
  };
}

beforeAll(async () => {
  lab = await startTestLab({ addressPrefix: '127.0.51', controlPlanes: 1, workers: 1 });
  scratch = mkdtempSync(path.join(os.tmpdir(), 'kubeha-ssh-e2e-'));
  pool = new SshPool();
});
afterAll(async () => {
  await pool?.close();
  await lab?.dispose();
});

it('runs a command with a host key from known_hosts and returns exit code and output', async () => {
  const nasty = "it's $(id) `x`\nline2 ☸";
  const result = await pool.run(target('cp1'), echo.render({ text: nasty }));
  expect(result).toEqual({ code: 0, stdout: nasty, stderr: '' });
  const host = await pool.runChecked(target('cp1'), defineScript('hostname', { body: () => sh`hostname` }).render(undefined));
  expect(host.stdout.trim()).toBe('cp1');
});

it('reports a non-zero exit with redacted stderr', async () => {
  const failing = defineScript('fail', { body: () => sh`echo 'token abcdef.0123456789abcdef is bad' >&2; exit 3` }).render(undefined);
  const result = await pool.run(target('cp1'), failing);
  expect(result.code).toBe(3);
  const error = await pool.runChecked(target('cp1'), failing).catch((e: unknown) => e);
  expect(error).toMatchObject({ exitCode: 3, host: 'cp1', command: 'fail' });
  expect(String((error as Error).message)).not.toContain('abcdef.0123456789abcdef');
});

it('refuses an unknown host (non-retryable) and accepts it with acceptNewHostKeys, recording it', async () => {
  const kh = path.join(scratch, 'empty_known_hosts');
  writeFileSync(kh, '');
  const fresh = new SshPool();
  try {
    const error = await fresh.run(target('w1', { knownHosts: kh }), echo.render({ text: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyUnknownError);
    expect((error as HostKeyUnknownError).retryable).toBe(false);
    const ok = await fresh.run(target('w1', { knownHosts: kh, acceptNewHostKeys: true }), echo.render({ text: 'tofu' }));
    expect(ok.stdout).toBe('tofu');
    const recorded = readFileSync(kh, 'utf8');
    expect(recorded).toMatch(/^\|1\|\S+ ssh-ed25519 \S+\n$/);
    expect(recorded).not.toContain(target('w1').address);
    await fresh.close();
    const again = new SshPool();
    try {
      expect((await again.run(target('w1', { knownHosts: kh }), echo.render({ text: 'known' }))).stdout).toBe('known');
    } finally {
      await again.close();
    }
  } finally {
    await fresh.close();
  }
});

it('refuses a changed host key even with acceptNewHostKeys, naming both fingerprints and the line', async () => {
  const kh = path.join(scratch, 'swapped_known_hosts');
  const lines = readFileSync(labSsh(lab).knownHosts, 'utf8').trim().split('\n');
  const cp1 = lines.find((l) => l.startsWith(`${target('cp1').address} `));
  const w1 = lines.find((l) => l.startsWith(`${target('w1').address} `));
  expect(cp1 && w1).toBeTruthy();
  writeFileSync(kh, `${target('cp1').address} ${w1?.split(' ').slice(1).join(' ')}\n`);
  const fresh = new SshPool();
  try {
    const error = await fresh.run(target('cp1', { knownHosts: kh, acceptNewHostKeys: true }), echo.render({ text: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const e = error as HostKeyMismatchError;
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/expected SHA256:\S+, presented SHA256:\S+/);
    expect(e.hint).toContain(`${kh}:1`);
  } finally {
    await fresh.close();
  }
});

it('refuses a wrong key as an auth failure (non-retryable)', async () => {
  const other = path.join(scratch, 'other_key');
  writeFileSync(other, ed25519KeyPair().private, { mode: 0o600 });
  const fresh = new SshPool();
  try {
    const error = await fresh.run(target('cp1', { privateKey: other }), echo.render({ text: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect((error as SshAuthError).retryable).toBe(false);
  } finally {
    await fresh.close();
  }
});

it('times out a command and kills the remote process', async () => {
  const marker = `kubeha-timeout-${process.pid}`;
  const started = Date.now();
  const error = await pool.run(target('cp1'), sleepy.render({ marker }), { timeoutMs: 1000 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SshTimeoutError);
  expect((error as SshTimeoutError).retryable).toBe(true);
  expect(Date.now() - started).toBeLessThan(5000);
  await expectGone(marker);
});

it('cancels a command through its AbortSignal and kills the remote process', async () => {
  const marker = `kubeha-abort-${process.pid}`;
  const controller = new AbortController();
  const run = pool.run(target('cp1'), sleepy.render({ marker }), {
    signal: controller.signal,
    onOutput: (chunk) => {
      if (chunk.includes('started')) controller.abort();
    },
  });
  await expect(run).rejects.toBeInstanceOf(SshAbortedError);
  await expectGone(marker);
});

it('streams output as redacted whole lines: a secret split across packets, a PEM block, an explicit secret and a 4,000-char cut never leak', async () => {
  const token = 'abcdef.0123456789abcdef';
  const dribble = defineScript<{ secret: string }>('dribble', {
    body: ({ secret }) => sh`for part in 'join --token abc' 'def.01234' '56789abcdef' ' ok'; do printf '%s' "$part"; sleep 0.05; done; echo
printf '%s\\n' '-----BEGIN EC PRIVATE KEY-----'; sleep 0.05; printf '%s\\n' 'MHcCAQEEIsecretbody' '-----END EC PRIVATE KEY-----'
printf 'minted %s\\n' ${q(secret)}
printf '%s\\n' '-----BEGIN RSA PRIVATE KEY-----' >&2; head -c 6000 /dev/zero | tr '\\0' 'A' >&2; printf '\\n%s\\n' '-----END RSA PRIVATE KEY-----' 'failed' >&2; exit 3`,
  });
  const chunks: string[] = [];
  const error = await pool
    .runChecked(target('cp1'), dribble.render({ secret: 'explicit-secret-value' }), { secrets: ['explicit-secret-value'], onOutput: (chunk) => chunks.push(chunk) })
    .catch((e: unknown) => e);
  expect(error).toMatchObject({ name: 'RemoteCommandError' });
  const shown = [chunks.join(''), (error as Error).message, (error as RemoteCommandError).stderr ?? '', (error as RemoteCommandError).stdout ?? ''].join('\n');
  for (const leak of [token, 'abcdef.01234', 'secretbody', 'explicit-secret-value', 'AAAAAAAA']) expect(shown).not.toContain(leak);
  expect(chunks.join('')).toContain('join --token [REDACTED TOKEN] ok\n[REDACTED PRIVATE KEY]\nminted [REDACTED]\n');
  expect((error as RemoteCommandError).stderr).toMatch(/^\[REDACTED PRIVATE KEY\]\n+failed\n$/);
  for (const c of chunks) expect(c.endsWith('\n')).toBe(true);
});

it('writes a file atomically, only when the content or mode changed', async () => {
  const file = `/root/kubeha e2e/it's.conf`;
  const t = target('cp1');
  expect(await pool.writeFile(t, file, 'a=1\n', 0o600)).toEqual({ changed: true });
  expect(await pool.writeFile(t, file, 'a=1\n', 0o600)).toEqual({ changed: false });
  expect(await pool.writeFile(t, file, 'a=1\n', 0o644)).toEqual({ changed: true });
  expect(await pool.writeFile(t, file, 'a=2\n', 0o644)).toEqual({ changed: true });
  const check = await pool.runChecked(t, defineScript<{ f: string }>('cat', { body: ({ f }) => sh`stat -c %a ${q(f)}; cat ${q(f)}; ls -a "$(dirname ${q(f)})"` }).render({ f: file }));
  expect(check.stdout).toBe("644\na=2\n.\n..\nit's.conf\n");
});

it('reaches a host through a jump host (forwardOut)', async () => {
  const cp1 = target('cp1');
  const viaJump = target('w1', { jumpHost: { address: cp1.address, port: 22, user: 'root' } });
  const result = await pool.runChecked(viaJump, defineScript('hostname', { body: () => sh`hostname` }).render(undefined));
  expect(result.stdout.trim()).toBe('w1');
  const deadJump = target('w1', { jumpHost: { address: cp1.address, port: 1, user: 'root' } });
  await expect(pool.run(deadJump, echo.render({ text: 'x' }))).rejects.toMatchObject({ name: 'SshConnectError', message: expect.stringContaining(`${cp1.address}:1`) });
});

it('reconnects after the connection was dropped, and a stopped host is a retryable connect error', async () => {
  expect((await pool.run(target('w1'), echo.render({ text: 'before' }))).stdout).toBe('before');
  lab.host('w1').dropConnections();
  await waitFor(async () => (await pool.run(target('w1'), echo.render({ text: 'after' }))).stdout === 'after');
  await lab.host('w1').stop();
  const error = await waitForError(() => pool.run(target('w1'), echo.render({ text: 'x' })));
  expect(error).toBeInstanceOf(SshConnectError);
  expect((error as SshConnectError).retryable).toBe(true);
});

async function expectGone(marker: string): Promise<void> {
  const probe = defineScript<{ m: string }>('pgrep', { body: ({ m }) => sh`pgrep -f ${q(m)} || true` });
  await waitFor(async () => (await pool.run(target('cp1'), probe.render({ m: `[:] ${marker}` }))).stdout.trim() === '');
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await check().catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForError(fn: () => Promise<unknown>, timeoutMs = 10_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = await fn().then(() => undefined, (e: unknown) => e);
    if (error) return error;
    if (Date.now() > deadline) throw new Error('no error in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
