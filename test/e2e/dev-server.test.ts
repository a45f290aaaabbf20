import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { EnvironmentError } from '../../src/client/errors';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { findTemporalCli } from '../../src/temporal/cli-path';
import { freePort } from '../../src/temporal/port-check';
import { uniqueWorkflowId } from '../helpers/temporal';

jest.setTimeout(120_000);

const cliPath = findTemporalCli({ env: process.env })?.path;
let stateDir: string;
let server: DevServer | undefined;

beforeAll(() => {
  if (!cliPath) throw new Error('no Temporal CLI: run node dist/scripts/ensure-temporal-cli.js first');
});
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'kubeha-dev-server-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('serves gRPC and the Web UI, and a stopped server leaves no process behind', async () => {
  const port = await freePort();
  const uiPort = await freePort();
  server = await startDevServer({ cliPath: cliPath!, stateDir, port, uiPort });
  expect(server.address).toBe(`127.0.0.1:${port}`);
  expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  expect(statSync(server.logFile).mode & 0o077).toBe(0);
  const ui = await fetch(server.uiUrl!);
  expect(ui.status).toBe(200);
  const pid = server.pid;
  await server.stop();
  server = undefined;
  expect(processAlive(pid)).toBe(false);
});

it('keeps workflows across a restart and adds search attributes an existing database lacks', async () => {
  const port = await freePort();
  const dbFile = join(stateDir, 'temporal.db');
  // A database created without kubeha's search attributes, as an older kubeha or a plain CLI would.
  const bare = spawn(cliPath!, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', dbFile], { stdio: 'ignore' });
  const workflowId = uniqueWorkflowId('survivor');
  try {
    const connection = await connectWithRetry(`127.0.0.1:${port}`);
    const client = new Client({ connection });
    await client.workflow.start('neverRuns', { taskQueue: 'nobody-polls', workflowId });
    await connection.close();
  } finally {
    bare.kill('SIGTERM');
    await new Promise((resolve) => bare.once('exit', resolve));
  }

  expect(journalMode(dbFile)).toBe('rollback');
  server = await startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
  expect(server.addedSearchAttributes.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTES).sort());
  expect(journalMode(dbFile)).toBe('wal');
  const connection = await Connection.connect({ address: server.address });
  try {
    const described = await new Client({ connection }).workflow.getHandle(workflowId).describe();
    expect(described.status.name).toBe('RUNNING');
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(attributes.customAttributes?.[name]).toBeDefined();
  } finally {
    await connection.close();
  }
  await server.stop();
  server = await startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
  expect(server.addedSearchAttributes).toEqual([]);
});

/** SQLite's file header: bytes 18 and 19 (write and read format) are 2 in WAL mode, 1 with a rollback journal. */
function journalMode(dbFile: string): 'wal' | 'rollback' {
  return readFileSync(dbFile).subarray(18, 20).equals(Buffer.from([2, 2])) ? 'wal' : 'rollback';
}

it('keeps a workflow started just before the server was killed (its WAL is synced at checkpoints, not every commit)', async () => {
  const port = await freePort();
  server = await startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
  const workflowId = uniqueWorkflowId('killed-server');
  const connection = await Connection.connect({ address: server.address });
  try {
    await new Client({ connection }).workflow.start('neverRuns', { taskQueue: 'nobody-polls', workflowId });
  } finally {
    await connection.close();
  }
  const pid = server.pid;
  process.kill(pid, 'SIGKILL');
  while (processAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  server = await startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
  const again = await Connection.connect({ address: server.address });
  try {
    expect((await new Client({ connection: again }).workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  } finally {
    await again.close();
  }
});

it('refuses a busy port with an error naming it', async () => {
  const blocker: Server = createServer();
  const port = await new Promise<number>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, () => resolve((blocker.address() as { port: number }).port)));
  try {
    const attempt = startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
    await expect(attempt).rejects.toBeInstanceOf(EnvironmentError);
    await expect(attempt).rejects.toThrow(`port ${port} on 127.0.0.1 (Temporal gRPC) is already in use`);
  } finally {
    blocker.close();
  }
});

async function connectWithRetry(address: string): Promise<Connection> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

it('names the pid of a server an earlier run left on the same state dir', async () => {
  const port = await freePort();
  const first = await startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
  try {
    const attempt = startDevServer({ cliPath: cliPath!, stateDir, port, headless: true });
    await expect(attempt).rejects.toThrow(`is held by pid ${first.pid}, a dev server an earlier run left on ${stateDir}`);
  } finally {
    await first.stop();
  }
  expect(existsSync(join(stateDir, 'temporal.pid'))).toBe(false);
});
