import { ApplicationFailure, ChildWorkflowFailure, ParentClosePolicy } from '@temporalio/workflow';
import { z } from 'zod';
import {
  UPGRADE_FAILED,
  UPGRADE_WORKFLOW_TYPE,
  upgradeWorkflowId,
  type ClusterRecord,
  type NodeVersion,
  type UpgradeFailure,
  type UpgradeInput,
  type UpgradeResult,
} from '../../../shared/operations';
import { parseKubernetesVersion, upgradeProblem } from '../../../spec/version';
import { knob } from '../request-fields';
import { needsCluster, type OperationKindDefinition } from './kind';

function applyNodeVersions(record: ClusterRecord, nodes: readonly NodeVersion[]): void {
  for (const n of nodes) {
    const node = record.nodes.find((r) => r.name === n.host);
    if (node && n.kubelet) node.version = n.kubelet;
  }
}

/**
 * After an upgrade stopped half-way: the first control plane's kubelet is upgraded only after
 * `kubeadm upgrade apply` succeeded, so once it reports the target the control plane runs it.
 */
function followControlPlane(record: ClusterRecord, to: string): void {
  const first = record.spec?.hosts.find((h) => h.role === 'control-plane');
  const node = record.nodes.find((n) => n.name === first?.name);
  if (record.spec && node?.version === to) {
    record.kubernetesVersion = to;
    record.spec = { ...record.spec, kubernetesVersion: to };
  }
}

export const upgradeKind: OperationKindDefinition<'upgrade'> = {
  kind: 'upgrade',
  fields: {
    to: z.string().refine((v) => parseKubernetesVersion(v) !== undefined, { error: (iss) => `${JSON.stringify(iss.input)} is not a Kubernetes version vX.Y.Z` }),
    maxUnavailable: z.number().int().min(1).max(1000).optional(),
    tuning: z.record(z.string().max(64), knob).optional(),
  },
  workflowId: (cluster, operationId) => upgradeWorkflowId(cluster, operationId),
  summary: (request, record) => `upgrade ${record.kubernetesVersion ?? '?'} -> ${request.to} (maxUnavailable ${request.maxUnavailable ?? 1})`,
  admit(state, request, inFlight) {
    const noCluster = needsCluster(state, inFlight, 'upgrade');
    if (noCluster) return noCluster;
    const { record } = state;
    const current = record.kubernetesVersion as string;
    const upgrades = inFlight.flatMap((r) => (r.kind === 'upgrade' ? [r.to] : []));
    // Asking again for an upgrade that is queued, running or stopped half-way resumes it.
    if (upgrades.includes(request.to)) return undefined;
    if (request.to === current && record.nodes.some((n) => n.version !== undefined && n.version !== current)) return undefined;
    // Queued upgrades run first, so a new one starts from the last of their targets.
    const from = upgrades[upgrades.length - 1] ?? current;
    const problem = upgradeProblem(from, request.to);
    if (!problem) return undefined;
    return from === current ? `cluster ${record.name} runs ${current}: ${problem}` : `cluster ${record.name} will run ${from} after the queued upgrades: ${problem}`;
  },
  async run({ record, op, request, runChild }) {
    const spec = record.spec;
    if (!spec || !record.kubernetesVersion) return { outcome: 'failed', message: 'the cluster has no successful bring-up' };
    const input: UpgradeInput = {
      spec: { ...spec, kubernetesVersion: record.kubernetesVersion },
      to: request.to,
      maxUnavailable: request.maxUnavailable ?? 1,
      requestedBy: request.requestedBy,
      ...(request.tuning ? { tuning: request.tuning } : {}),
    };
    let result: UpgradeResult;
    try {
      result = await runChild<(input: UpgradeInput) => Promise<UpgradeResult>>(UPGRADE_WORKFLOW_TYPE, {
        args: [input],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: op.summary,
      });
    } catch (err) {
      const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === UPGRADE_FAILED) {
        const failure = cause.details?.[0] as UpgradeFailure | undefined;
        if (failure) {
          applyNodeVersions(record, failure.nodes);
          followControlPlane(record, request.to);
        }
      }
      throw err;
    }
    if (result.outcome === 'rejected') return { outcome: 'rejected', message: `${result.gate} rejected by ${result.by}: ${result.reason}` };
    applyNodeVersions(record, result.nodes);
    if (result.outcome === 'aborted') {
      followControlPlane(record, request.to);
      return { outcome: 'aborted', message: `aborted by ${result.by} before ${result.stoppedBefore}` };
    }
    record.kubernetesVersion = request.to;
    record.spec = { ...spec, kubernetesVersion: request.to };
    return { outcome: 'succeeded' };
  },
};
