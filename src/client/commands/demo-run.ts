import * as path from 'node:path';
import { firstControlPlane } from '../../spec/hosts';
import { loadSpecFile } from '../../spec/load';
import type { ApprovalGate } from '../../spec/types';
import { createLogger } from '../../logging';
import { startDevEnvironment } from '../../worker/dev-environment';
import { installRuntimeLogging } from '../../worker/runtime';
import { startLab, runOnHost, type LabHandle } from '../../../lab';
import type { LabLoadBalancer } from '../../../lab/layout';
import { labPaths } from '../../../lab/layout';
import { OperationError } from '../errors';
import { followBringUp } from '../follow';
import { liveTerminal } from '../live/terminal';
import type { KubehaClient } from '../kubeha-client';
import { openKubehaClient } from '../temporal-options';

export interface RunDemoInput {
  controlPlanes: number;
  workers: number;
  loadBalancer: LabLoadBalancer;
  dir: string;
  timeScale: number;
  port: number;
  uiPort: number;
  manualApprovals: boolean;
  keep: boolean;
  cluster: string;
  out: NodeJS.WritableStream;
  say: (line: string) => void;
  /** A demo line as `say` prints it (without the newline). */
  label: (line: string) => string;
}

const DEMO_GATES: ApprovalGate[] = ['before-init', 'before-workers'];
const DEMO_ACTOR = 'kubeha-demo';

/** Answers each gate as it opens, the way a person running `kubeha approve` would. */
function approveGatesAsTheyOpen(kubeha: KubehaClient, cluster: string, say: (line: string) => void): { stop(): void } {
  let stopped = false;
  const answered = new Set<string>();
  void (async () => {
    while (!stopped) {
      const progress = await kubeha.progress(cluster).catch(() => undefined);
      for (const pending of progress?.pendingApprovals ?? []) {
        if (answered.has(pending.gate)) continue;
        answered.add(pending.gate);
        say(`gate ${pending.gate} is waiting: approving as ${DEMO_ACTOR} (yourself: kubeha approve ${cluster} ${pending.gate})`);
        await kubeha.approve(cluster, pending.gate, DEMO_ACTOR, 'approved by the demo').catch((err: unknown) => {
          say(`approving ${pending.gate} failed: ${err instanceof Error ? err.message : String(err)}`);
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  return { stop: () => void (stopped = true) };
}

async function showEvidence(lab: LabHandle, controlPlane: { name: string; address: string }, out: NodeJS.WritableStream): Promise<void> {
  const pki = '/etc/kubernetes/pki/etcd';
  const commands = [
    `ETCDCTL_API=3 etcdctl --endpoints https://${controlPlane.address}:2379 --cacert ${pki}/ca.crt --cert ${pki}/healthcheck-client.crt --key ${pki}/healthcheck-client.key member list -w table`,
    'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o wide',
  ];
  for (const command of commands) {
    out.write(`\n${controlPlane.name}# ${command.replace(/ --cacert .*(member list)/, ' … $1')}\n`);
    const result = await runOnHost(lab, controlPlane.name, command);
    out.write(result.stdout);
    if (result.code !== 0) out.write(result.stderr);
  }
}

function untilInterrupted(): { promise: Promise<never>; dispose(): void } {
  let onSignal: () => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onSignal = () => reject(new OperationError('interrupted: the demo stopped everything it started', 'run `kubeha demo` again'));
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    promise,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/**
 * `kubeha demo`: everything kubeha needs, started on this machine, then a real bring-up
 * driven through the same client and worker code a production install uses.
 */
export async function runDemo(input: RunDemoInput): Promise<void> {
  const { say, out } = input;
  const logger = createLogger({ level: process.env.KUBEHA_LOG_LEVEL ?? 'error' });
  // Retries and their errors show in the progress lines; the SDK's own WARN lines would repeat them with stacks.
  installRuntimeLogging('ERROR');
  const cleanups: Array<() => Promise<void>> = [];
  const interrupted = untilInterrupted();
  interrupted.promise.catch(() => undefined);
  const step = <T>(work: Promise<T>): Promise<T> => Promise.race([work, interrupted.promise]);
  try {
    say('starting the Temporal dev server and a kubeha worker');
    const env = await step(
      startDevEnvironment({
        stateDir: path.join(input.dir, 'temporal'),
        logger,
        port: input.port,
        uiPort: input.uiPort,
        progress: say,
        // The worker reads the lab's key and known_hosts from the lab directory, whatever the spec says.
        files: { sshKeyDir: path.join(input.dir, 'lab'), knownHosts: labPaths(path.join(input.dir, 'lab')).knownHosts, acceptNewHostKeys: false },
      }),
    );
    cleanups.push(() => env.stop());
    say(`Temporal ${env.address}, Web UI ${env.uiUrl ?? '(headless)'}`);

    say(`starting a lab: ${input.controlPlanes} control planes, ${input.workers} workers, load balancer ${input.loadBalancer}, time scale ${input.timeScale}`);
    const lab = await step(
      startLab({
        dir: path.join(input.dir, 'lab'),
        controlPlanes: input.controlPlanes,
        workers: input.workers,
        loadBalancer: input.loadBalancer,
        timeScale: input.timeScale,
        name: input.cluster,
      }),
    );
    cleanups.push(() => lab.stop());
    const specFile = labPaths(lab.dir).clusterSpec;
    const { spec } = await loadSpecFile(specFile);
    // The demo answers its own gates, which a real bring-up refuses unless its spec allows it.
    const gated = { ...spec, approvals: DEMO_GATES, allowSelfApproval: true };
    say(`spec ${path.relative(process.cwd(), specFile)} (approval gates ${DEMO_GATES.join(', ')} added for the demo)`);

    const opened = await openKubehaClient({ address: env.address, namespace: env.namespace, taskQueue: env.taskQueue });
    cleanups.push(() => opened.close());
    const started = await opened.kubeha.startBringUp(gated, { requestedBy: DEMO_ACTOR });
    say(`bring-up of ${spec.name} started: workflow ${started.workflowId} (${env.uiUrl ?? ''})`);
    // On a terminal the follow redraws a live view: the demo's own lines then go above it, not through it.
    const live = liveTerminal(out);
    const sayAbove = live ? (line: string) => live.log(input.label(line)) : say;
    const approver = input.manualApprovals ? undefined : approveGatesAsTheyOpen(opened.kubeha, spec.name, sayAbove);
    try {
      await step(followBringUp(opened.kubeha, spec.name, { out, ...(live ? { live } : {}) }));
    } finally {
      approver?.stop();
    }
    await showEvidence(lab, firstControlPlane(spec), out);

    if (input.keep) {
      say(`everything keeps running: Web UI ${env.uiUrl ?? ''}, lab in ${lab.dir} (kubeha lab status --dir ${lab.dir}); Ctrl-C stops it all`);
      await interrupted.promise.catch(() => undefined);
    }
  } finally {
    interrupted.dispose();
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => say(`cleanup: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}
