/**
 * `kubeha up --follow` in a real terminal (tmux): a 3+60 bring-up on fake activities fits one
 * screen and is redrawn in place, nothing scrolls off; piped, it is the plain line log.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { kubehaDataConverter, loadCodec } from '../../src/codec';
import { loadSpecFile } from '../../src/spec/load';
import { createKubehaWorker } from '../../src/worker/create-worker';
import { testTemporalAddress, uniqueTaskQueue } from '../helpers/temporal';
import { createFakeCluster } from './workflow-fakes';
import { useWorkflowEnvironment } from './workflow-harness';

jest.setTimeout(120_000);

process.env.KUBEHA_CODEC_KEY = randomBytes(32).toString('base64');

const cli = path.join(__dirname, '..', '..', 'dist', 'src', 'client', 'cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'kubeha-tty-'));
const ROWS = 24;
const COLS = 100;
/** Its own tmux server (socket), so the test never touches a person's sessions. */
const socket = `kubeha-e2e-${process.pid}`;
// Child processes see jest's process.env (the test's codec key) only when it is passed; the tmux server started here hands it to the CLI.
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: { ...process.env } });

const wf = useWorkflowEnvironment();
afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
});

function specFile(name: string, workers: number): string {
  const file = path.join(dir, `${name}.yaml`);
  const hosts = [
    ...[1, 2, 3].map((i) => `    - { name: cp${i}, address: 127.0.6.${10 + i}, role: control-plane }`),
    ...Array.from({ length: workers }, (_, i) => `    - { name: w${i + 1}, address: 127.0.7.${i + 1}, role: worker }`),
  ];
  writeFileSync(
    file,
    `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata:
  name: ${name}
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoint: 127.0.6.10:6443
  loadBalancer: { type: kube-vip, vip: 127.0.6.10, interface: lo }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12, cni: calico }
  ssh: { user: root, privateKey: /root/.ssh/id_ed25519, knownHosts: /root/.ssh/known_hosts }
  hosts:
${hosts.join('\n')}
`,
  );
  return file;
}

async function withFakeWorker<T>(file: string, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const { spec } = await loadSpecFile(file);
  // Slow enough that the view is redrawn many times while workers join ten at a time.
  const fake = createFakeCluster(spec, { delays: { preflight: 300, joinNode: 400, initControlPlane: 500 } });
  const worker = await createKubehaWorker({ connection: wf.env.nativeConnection, namespace: 'default', taskQueue, activities: fake.activities, workflowBundle: wf.bundle, dataConverter: kubehaDataConverter(loadCodec().codec), shutdownGraceTimeMs: 1_000 });
  return worker.runUntil(fn);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('in a terminal: one screen, redrawn in place until the cluster is up', async () => {
  const name = `tty-${process.pid}`;
  const file = specFile(name, 60);
  const taskQueue = uniqueTaskQueue('tty');
  const command = [process.execPath, cli, 'up', '-f', file, '--follow', '--address', testTemporalAddress(), '--task-queue', taskQueue].map((w) => `'${w}'`).join(' ');
  const panes: string[] = [];
  await withFakeWorker(file, taskQueue, async () => {
    tmux('new-session', '-d', '-s', name, '-x', String(COLS), '-y', String(ROWS), `${command} 2>/dev/null; echo "exit $?"; sleep 60`);
    for (;;) {
      const pane = tmux('capture-pane', '-p', '-t', name);
      if (pane !== panes.at(-1)) panes.push(pane);
      if (/^exit \d+$/m.test(pane)) break;
      await pause(200);
    }
  });
  const last = panes.at(-1) ?? '';
  expect(last).toMatch(new RegExp(`cluster ${name} is up: 63/63 hosts`));
  expect(last).toMatch(/^exit 0$/m);
  // Nothing scrolled off the top: the whole follow, start line to summary, is the one screen.
  expect(tmux('display-message', '-p', '-t', name, '#{history_size}').trim()).toBe('0');
  const frames = panes.filter((p) => /join-workers +running/.test(p));
  expect(frames.length).toBeGreaterThan(1);
  for (const frame of frames) {
    expect(frame.split('\n')[0]).toMatch(new RegExp(`^bring-up of ${name} started`));
    expect(frame).toMatch(/^hosts: 63 · /m);
    expect(frame).toMatch(/^slowest running: \d+ of \d+$/m);
  }
  // Joined counts only go up from one frame to the next, on the same row.
  const joined = frames.map((f) => Number(/join-workers +running +\[[#.]+\] +(\d+)\/60/.exec(f)?.[1]));
  expect(joined.every((n, i) => i === 0 || n >= (joined[i - 1] ?? 0))).toBe(true);
  const row = (f: string) => f.split('\n').findIndex((l) => /join-workers +running/.test(l));
  expect(new Set(frames.map(row)).size).toBe(1);
});

it('piped: the plain line log, a line per step and host change', async () => {
  const name = `pipe-${process.pid}`;
  const file = specFile(name, 6);
  const taskQueue = uniqueTaskQueue('pipe');
  const out = await withFakeWorker(file, taskQueue, async () => {
    const child = spawn(process.execPath, [cli, 'up', '-f', file, '--follow', '--address', testTemporalAddress(), '--task-queue', taskQueue], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    let text = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, text, errors };
  });
  expect({ code: out.code, errors: out.errors.replace(/^.*warning: .*\n/gm, '') }).toEqual({ code: 0, errors: '' });
  expect(out.text).not.toContain('\x1b');
  const lines = out.text.trimEnd().split('\n');
  expect(lines[0]).toMatch(new RegExp(`^bring-up of ${name} started`));
  expect(lines).toContain('  w6: join-workers succeeded');
  expect(lines.at(-1)).toBe(`cluster ${name} is up: 9/9 hosts, 3 etcd members, Kubernetes v1.30.2`);
});
