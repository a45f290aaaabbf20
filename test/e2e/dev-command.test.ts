import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { isPortFree, freePort } from '../../src/temporal/port-check';

jest.setTimeout(300_000);

const cli = join(__dirname, '..', '..', 'dist', 'src', 'client', 'cli.js');
let stateDir: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first (npm test does)`);
  stateDir = mkdtempSync(join(tmpdir(), 'kubeha-dev-command-'));
  writeFileSync(join(stateDir, 'codec.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
});
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

function waitForOutput(process: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output so far:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    process.stdout?.on('data', onData);
    process.stderr?.on('data', onData);
    process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubeha dev exited with ${code}:\n${output}`));
    });
  });
}

it('kubeha dev serves the UI, polls the kubeha task queue, and Ctrl-C stops worker and server with exit 0', async () => {
  const port = await freePort();
  const uiPort = await freePort();
  child = spawn(process.execPath, [cli, 'dev', '--state-dir', stateDir, '--port', String(port), '--ui-port', String(uiPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KUBEHA_CODEC_KEY_FILE: join(stateDir, 'codec.key') },
  });
  const banner = await waitForOutput(child, /Press Ctrl-C to stop/, 180_000);
  expect(banner).toContain(`Web UI:              http://127.0.0.1:${uiPort}`);
  expect(banner).toContain('polling task queue kubeha');
  expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
  const codecUrl = /UI codec server:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  expect(codecUrl).toBeDefined();
  const preflight = await fetch(`${codecUrl}/decode`, { method: 'OPTIONS', headers: { Origin: `http://localhost:${uiPort}` } });
  expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://localhost:${uiPort}`);
  // The token the Web UI was given is not printed, and the codec server decrypts nothing without it.
  expect(banner).toMatch(/UI codec server:\s+http:\/\/127\.0\.0\.1:\d+\/<token> /);
  expect((await fetch(`${codecUrl}/decode`, { method: 'POST', body: '{"payloads":[]}' })).status).toBe(401);

  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  try {
    const deadline = Date.now() + 30_000;
    let pollers = 0;
    while (pollers === 0 && Date.now() < deadline) {
      const queue = await connection.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: 'kubeha' },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      pollers = queue.pollers?.length ?? 0;
      if (pollers === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(pollers).toBeGreaterThan(0);
  } finally {
    await connection.close();
  }

  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(await isPortFree('127.0.0.1', port)).toBe(true);
  expect(await isPortFree('127.0.0.1', uiPort)).toBe(true);
  expect(existsSync(join(stateDir, 'temporal.db'))).toBe(true);
});
