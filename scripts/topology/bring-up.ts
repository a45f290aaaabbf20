/**
 * A bring-up on the lab through the topology: `kubeha worker` and `kubeha up --follow` over
 * mTLS, the Temporal server SIGKILLed while `kubeadm init` runs and started again after an
 * outage; the bring-up must still end well.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { startLab, stopLabHostsAt, type LabHandle } from '../../lab';
import { labPaths } from '../../lab/layout';
import { openKubehaClient, type OpenedClient } from '../../src/client/temporal-options';
import { OperationError } from '../../src/errors';
import type { BringUpProgress } from '../../src/shared/messages';
import { firstControlPlane } from '../../src/spec/hosts';
import { loadSpecFile } from '../../src/spec/load';
import type { Cleanups } from './cleanups';
import { clusterEvidence, type ClusterEvidence } from './cluster-check';
import { waitUntil } from './exec';
import { connectionFlags, runKubeha } from './kubeha-processes';
import { recordPid } from './pid-files';
import { CLI_CERT_NAME, NAMESPACE, tlsFiles, type TopologyLayout } from './layout';
import type { TemporalServices } from './services';

/** What the caller of the topology chooses for the bring-up (also part of the topology's options). */
export interface BringUpSettings {
  controlPlanes: number;
  workers: number;
  timeScale: number;
  outageMs: number;
  cleanups: Cleanups;
  say: (line: string) => void;
}

export interface BringUpInput extends BringUpSettings {
  layout: TopologyLayout;
  services: TemporalServices;
}

export interface BringUpEvidence {
  cluster: string;
  requestedBy?: string;
  killedDuring: string;
  killedAt: number;
  restartedAt: number;
  /** Steps that were not finished when the server died, all succeeded in the end. */
  finishedAfterKill: string[];
  upWallMs: number;
  lab: ClusterEvidence;
}

async function startTopologyLab(input: BringUpInput): Promise<LabHandle> {
  // A crashed earlier run may have left its hosts on these addresses.
  await stopLabHostsAt(input.layout.addressPrefix);
  const lab = await startLab({
    dir: input.layout.labDir,
    controlPlanes: input.controlPlanes,
    workers: input.workers,
    loadBalancer: 'haproxy',
    timeScale: input.timeScale,
    addressPrefix: input.layout.addressPrefix,
    name: 'topology',
  });
  input.cleanups.add('the lab', () => lab.stop());
  return lab;
}

const running = (p: BringUpProgress | undefined, step: string) => p?.steps.some((s) => s.id === step && s.status === 'running') ?? false;

export async function bringUpThroughRestart(input: BringUpInput): Promise<BringUpEvidence> {
  const { layout, services, cleanups, say } = input;
  const lab = await startTopologyLab(input);
  const specFile = labPaths(lab.dir).clusterSpec;
  const { spec } = await loadSpecFile(specFile);
  say(`lab: ${input.controlPlanes} control planes + ${input.workers} workers behind HAProxy on ${layout.addressPrefix}.*, time scale ${input.timeScale}`);

  // One codec key for the worker, `kubeha up` and the watcher below (whose client reads it from
  // process.env), as a deployment shares one key ring.
  const env = { KUBEHA_CODEC_KEY: randomBytes(32).toString('base64'), KUBEHA_CODEC_KEY_FILE: '' };
  Object.assign(process.env, env);
  const worker = runKubeha(
    ['worker', ...connectionFlags(layout.frontendAddress, NAMESPACE, tlsFiles(layout, 'worker')), '--ssh-key-dir', lab.dir, '--known-hosts', labPaths(lab.dir).knownHosts],
    env,
    path.join(layout.logDir, 'worker.log'),
  );
  recordPid(layout.dir, worker.child.pid);
  cleanups.add('kubeha worker', () => worker.stop());
  const tools = tlsFiles(layout, 'tools');
  const opened: OpenedClient = await openKubehaClient({
    address: layout.frontendAddress,
    namespace: NAMESPACE,
    tlsCa: tools.caFile,
    tlsCert: tools.certFile,
    tlsKey: tools.keyFile,
    tlsServerName: tools.serverName,
  });
  cleanups.add('the watching client', () => opened.close());
  const workerGone = () => worker.child.exitCode !== null || worker.child.signalCode !== null;
  await waitUntil(
    async () => workerGone() || (await opened.kubeha.hasWorkers()),
    120_000,
    () => new OperationError('no kubeha worker polled within 120 s', `see ${worker.logFile}`),
  );
  if (workerGone()) throw new OperationError(`kubeha worker exited (${await worker.exit}) before it polled`, `see ${worker.logFile}`);
  say('kubeha worker polling over mTLS (CN kubeha-worker)');

  const upStarted = Date.now();
  const up = runKubeha(['up', '-f', specFile, '--follow', ...connectionFlags(layout.frontendAddress, NAMESPACE, tlsFiles(layout, `cli-${CLI_CERT_NAME}`))], env, path.join(layout.logDir, 'up.log'));
  recordPid(layout.dir, up.child.pid);
  cleanups.add('kubeha up', () => up.stop());
  say(`kubeha up -f ${specFile} --follow (CN ${CLI_CERT_NAME}); waiting for kubeadm init to run`);

  let progress: BringUpProgress | undefined;
  const upGone = () => up.child.exitCode !== null || up.child.signalCode !== null;
  await waitUntil(
    async () => {
      if (upGone()) return true;
      progress = await opened.kubeha.progress(spec.name);
      return running(progress, 'init') || progress.phase === 'done';
    },
    300_000,
    () => new OperationError('kubeadm init did not start within 300 s', `see ${up.logFile} and ${worker.logFile}`),
    100,
  );
  if (upGone() || !progress || progress.phase === 'done') {
    throw new OperationError(`the bring-up ended before the server could be killed mid-way (kubeha up exited ${up.child.exitCode ?? up.child.signalCode})`, 'lower --time-scale, or see ' + up.logFile);
  }
  const pending = progress.steps.filter((s) => s.status !== 'succeeded' && s.status !== 'skipped').map((s) => s.id);
  const killedDuring = progress.phase;
  const killedAt = Date.now();
  const old = services.server();
  await old.kill();
  say(`SIGKILLed the Temporal server (pid ${old.pid}) during ${killedDuring}; steps not finished: ${pending.join(', ')}; restarting it in ${input.outageMs / 1000} s`);
  await new Promise((resolve) => setTimeout(resolve, input.outageMs));
  const restarted = await services.restart();
  const restartedAt = Date.now();
  say(`Temporal server back (pid ${restarted.pid}) ${((restartedAt - killedAt) / 1000).toFixed(1)} s after the kill; waiting for kubeha up to finish`);

  const exit = await up.exit;
  const upWallMs = Date.now() - upStarted;
  if (exit !== 0) throw new OperationError(`kubeha up exited ${exit} after the server restart`, `see ${up.logFile} and ${worker.logFile}`);
  const final = await opened.kubeha.progress(spec.name);
  const unfinished = final.steps.filter((s) => s.status !== 'succeeded' && s.status !== 'skipped');
  if (final.phase !== 'done' || unfinished.length > 0) {
    throw new OperationError(`kubeha up exited 0 but the bring-up reads ${final.phase} with ${unfinished.map((s) => `${s.id} ${s.status}`).join(', ')}`);
  }
  const evidence = await clusterEvidence(lab, firstControlPlane(spec));
  const controlPlanes = spec.hosts.filter((h) => h.role === 'control-plane').map((h) => h.name).sort();
  const nodes = spec.hosts.filter((h) => h.role === 'control-plane' || h.role === 'worker').map((h) => h.name).sort();
  if (JSON.stringify(evidence.etcdMembers) !== JSON.stringify(controlPlanes) || JSON.stringify(evidence.readyNodes) !== JSON.stringify(nodes)) {
    throw new OperationError(`the lab disagrees: etcd members ${evidence.etcdMembers.join(',')} (want ${controlPlanes.join(',')}), Ready nodes ${evidence.readyNodes.join(',')} (want ${nodes.join(',')})`);
  }
  return {
    cluster: spec.name,
    requestedBy: final.requestedBy,
    killedDuring,
    killedAt,
    restartedAt,
    finishedAfterKill: pending,
    upWallMs,
    lab: evidence,
  };
}
