/**
 * The Temporal Web UI as a person sees it, in Debian's chromium: a private dev server whose UI
 * decodes payloads through kubeha's codec server, a worker with fake activities, and a bring-up
 * held at its before-workers gate so its current details are live.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { KubehaClient } from '../../src/client/kubeha-client';
import { EncryptionCodec, kubehaDataConverter, newKeyRing } from '../../src/codec';
import { clusterWorkflowId } from '../../src/shared/operations';
import { DEFAULT_TASK_QUEUE } from '../../src/shared/task-queue';
import { bringUpWorkflowId, hostJoinWorkflowId } from '../../src/shared/workflow-ids';
import { findTemporalCli } from '../../src/temporal/cli-path';
import { startCodecServer, type CodecServer } from '../../src/temporal/codec-server';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/port-check';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { launchChromium } from '../helpers/chromium';
import { historyText } from '../helpers/history-text';
import { createFakeCluster, fakeSpec } from './workflow-fakes';
import { bundleWorkflows, FAST_TUNING, waitFor } from './workflow-harness';

jest.setTimeout(180_000);

/** `UPDATE_SCREENSHOTS=1` writes the README's screenshot from this run. */
const SCREENSHOT = join(__dirname, '..', '..', 'docs', 'images', 'web-ui-bring-up.png');
/** base64 of `binary/encrypted`: how the UI shows a payload's encoding when nothing decoded it. */
const ENCRYPTED_ENCODING_B64 = Buffer.from('binary/encrypted').toString('base64');
const UI_WAIT_MS = 60_000;

const spec = fakeSpec({ name: 'prod-a', controlPlanes: 3, workers: 3, approvals: ['before-workers'] });
const fake = createFakeCluster(spec);
const codec = new EncryptionCodec(newKeyRing());
/** Payloads the codec server decrypted (for the UI: the worker and the client use `codec` directly). */
let decodedByCodecServer = 0;

let browser: Browser | undefined;
let stateDir: string | undefined;
let codecServer: CodecServer | undefined;
let server: DevServer | undefined;
let connection: Connection | undefined;
let nativeConnection: NativeConnection | undefined;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  // First, so a machine without the browser fails at once, naming the package.
  browser = await launchChromium();
  const bundled = bundleWorkflows();
  bundled.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  const cliPath = findTemporalCli({ env: process.env })?.path;
  if (!cliPath) throw new Error('no Temporal CLI: run node dist/scripts/ensure-temporal-cli.js first');
  stateDir = mkdtempSync(join(tmpdir(), 'kubeha-web-ui-'));
  const uiPort = await freePort();
  const countingCodec = {
    encode: (payloads: Payload[]) => codec.encode(payloads),
    decode: (payloads: Payload[]) => {
      decodedByCodecServer += payloads.length;
      return codec.decode(payloads);
    },
  };
  codecServer = await startCodecServer({ codec: countingCodec, host: '127.0.0.1', port: 0, allowOrigins: [`http://127.0.0.1:${uiPort}`] });
  server = await startDevServer({ cliPath, stateDir, port: await freePort(), uiPort, uiCodecEndpoint: codecServer.url });
  connection = await Connection.connect({ address: server.address });
  nativeConnection = await NativeConnection.connect({ address: server.address });
  bundle = await bundled;
});
afterAll(async () => {
  await browser?.close();
  await nativeConnection?.close();
  await connection?.close();
  await server?.stop();
  await codecServer?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const listUrl = (query: string): string => `${server!.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;

/** The workflow ids the UI's list shows for `query`, once its count says `expected` and as many rows are drawn. */
async function uiListRows(page: Page, query: string, expected: number): Promise<string[]> {
  await page.goto(listUrl(query));
  const rows = page.locator('table tbody tr');
  let seen = '';
  const drawn = await waitFor(
    async () => {
      try {
        const count = (await page.getByTestId('workflow-count').innerText({ timeout: 1_000 })).trim();
        const ids = await Promise.all((await rows.all()).map(async (row) => (await row.locator('a[href*="/workflows/"]').first().innerText({ timeout: 1_000 })).trim()));
        seen = `count ${count}, rows ${ids.join(', ')}`;
        return count === String(expected) && ids.length === expected ? ids : undefined;
      } catch (err) {
        seen = String(err);
        throw err;
      }
    },
    `the list for ${query} to show ${expected} workflows`,
    UI_WAIT_MS,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last seen: ${seen})`);
  });
  return drawn.sort();
}

async function visibilityRows(client: Client, query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids.sort();
}

/** The text of every markdown panel (the UI renders summaries and details in iframes) once one contains `expected`. */
async function markdownPanels(page: Page, expected: string): Promise<string> {
  return waitFor(
    async () => {
      const frames = page.locator('iframe[title="output"]');
      const texts = await Promise.all(Array.from({ length: await frames.count() }, (_, i) => frames.nth(i).contentFrame().locator('body').innerText()));
      const joined = texts.join('\n---\n');
      return joined.includes(expected) ? joined : undefined;
    },
    `a markdown panel showing "${expected}"`,
    UI_WAIT_MS,
  );
}

it('shows the bring-up found by cluster name with its summary, live details and input decoded only by the codec server', async () => {
  const worker = await createKubehaWorker({
    connection: nativeConnection!,
    namespace: 'default',
    taskQueue: DEFAULT_TASK_QUEUE,
    activities: fake.activities,
    workflowBundle: bundle,
    dataConverter: kubehaDataConverter(codec),
    shutdownGraceTimeMs: 1_000,
  });
  const encrypted = new Client({ connection: connection!, namespace: 'default', dataConverter: kubehaDataConverter(codec) });
  const raw = new Client({ connection: connection!, namespace: 'default' });
  const kubeha = new KubehaClient({ client: encrypted, taskQueue: DEFAULT_TASK_QUEUE });
  const bringUp = bringUpWorkflowId(spec.name);

  await worker.runUntil(async () => {
    await kubeha.startBringUp(spec, { requestedBy: 'alice@example.com', tuning: FAST_TUNING });
    await waitFor(async () => ((await kubeha.progress(spec.name)).pendingApprovals.some((p) => p.gate === 'before-workers') ? true : undefined), 'gate before-workers');
    const secrets = [...fake.tokensMinted, ...fake.keysMinted];
    expect(secrets.length).toBeGreaterThanOrEqual(2);

    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });

    // Found by cluster name: the cluster's workflow, the bring-up, and one join per control plane so far.
    const cluster = `KubehaCluster = '${spec.name}'`;
    const joins = ['cp2', 'cp3'].map((host) => hostJoinWorkflowId(spec.name, host));
    const everything = [clusterWorkflowId(spec.name), bringUp, ...joins].sort();
    expect(await uiListRows(page, cluster, 4)).toEqual(everything);
    await page.getByRole('link', { name: bringUp, exact: true }).click();

    // The input (the spec) readable, decrypted by the codec server the UI was pointed at.
    await page.getByText(`"controlPlaneEndpoint": "${spec.controlPlaneEndpoint}"`).waitFor({ timeout: UI_WAIT_MS });
    expect(decodedByCodecServer).toBeGreaterThan(0);

    await page.getByRole('tab', { name: 'User Metadata' }).click();
    const panels = await markdownPanels(page, 'approve-before-workers');
    expect(panels).toContain(`bring up cluster ${spec.name}`);
    expect(panels).toContain('Join 2 control planes in parallel: succeeded');
    expect(panels).toContain('Wait for approval: before-workers: running');
    for (const secret of secrets) expect(panels).not.toContain(secret);
    const screenshot = await page.screenshot({ fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
      writeFileSync(SCREENSHOT, screenshot);
    }

    // The same page with the codec server out of reach: only ciphertext, no summary, no details.
    const blind = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
    let refused = 0;
    await blind.route(`${codecServer!.baseUrl}/**`, (route) => {
      refused++;
      return route.abort();
    });
    const blindPage = await blind.newPage();
    await blindPage.goto(`${server!.uiUrl}/namespaces/default/workflows/${bringUp}`);
    await blindPage.getByText(`"encoding": "${ENCRYPTED_ENCODING_B64}"`).first().waitFor({ timeout: UI_WAIT_MS });
    expect(refused).toBeGreaterThan(0);
    const blindText = await blindPage.locator('body').innerText();
    expect(blindText).not.toContain('controlPlaneEndpoint');
    expect(blindText).not.toContain(spec.controlPlaneEndpoint);
    await blindPage.getByRole('tab', { name: 'User Metadata' }).click();
    await blindPage.getByText('No summary available').waitFor({ timeout: UI_WAIT_MS });
    expect(await blindPage.locator('body').innerText()).not.toContain(`bring up cluster ${spec.name}`);
    await blind.close();

    // Histories as stored: every payload encrypted, no secret and no spec in plaintext.
    for (const id of everything) {
      const text = historyText(await raw.workflow.getHandle(id).fetchHistory());
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain('controlPlaneEndpoint');
    }

    // The README's queries: per-host children hidden, or found by host; on the server's visibility store and in the UI.
    const operations = `${cluster} AND KubehaHost IS NULL`;
    const oneHost = `${cluster} AND KubehaHost = 'cp2'`;
    const allOperations = 'KubehaCluster IS NOT NULL AND KubehaHost IS NULL';
    expect(await visibilityRows(raw, operations)).toEqual([bringUp, clusterWorkflowId(spec.name)].sort());
    expect(await visibilityRows(raw, allOperations)).toEqual([bringUp, clusterWorkflowId(spec.name)].sort());
    expect(await visibilityRows(raw, oneHost)).toEqual([hostJoinWorkflowId(spec.name, 'cp2')]);
    expect(await visibilityRows(raw, `ParentWorkflowId = '${clusterWorkflowId(spec.name)}'`)).toEqual([bringUp]);
    expect(await uiListRows(page, operations, 2)).toEqual([bringUp, clusterWorkflowId(spec.name)].sort());
    await page.close();
  });
});
