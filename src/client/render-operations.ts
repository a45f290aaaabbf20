import type { ClusterRecord, OperationRecord } from '../shared/operations';

function when(op: OperationRecord): string {
  return op.endedAt ?? op.startedAt ?? op.requestedAt;
}

export function operationLine(op: OperationRecord): string {
  const state = op.state === 'ended' ? (op.outcome ?? 'ended') : op.state;
  const message = op.message ? ` — ${op.message}` : '';
  return `${op.id.padEnd(7)} ${state.padEnd(10)} ${op.summary}  by ${op.requestedBy} at ${when(op)}${message}`;
}

/** `kubeha ops`: what runs, what waits (in order), what ended (newest first). */
export function opsText(record: ClusterRecord): string {
  const out = [`cluster ${record.name}: Kubernetes ${record.kubernetesVersion ?? '(not brought up yet)'}, ${record.nodes.length} nodes`];
  out.push('', 'running:', record.current ? `  ${operationLine(record.current)}  (workflow ${record.current.workflowId})` : '  nothing');
  out.push('', 'queued:', ...(record.queue.length ? record.queue.map((op, i) => `  ${i + 1}. ${operationLine(op)}`) : ['  nothing']));
  const ended = [...record.history].reverse();
  out.push('', 'history:', ...(ended.length ? ended.map((op) => `  ${operationLine(op)}`) : ['  none']));
  return out.join('\n');
}

export function nodesText(record: ClusterRecord): string {
  const rows = record.nodes.map((n) => `  ${n.name.padEnd(16)} ${n.role.padEnd(14)} ${(n.version ?? '?').padEnd(10)} ${n.etcdMemberId ?? ''}`.trimEnd());
  return ['nodes:', ...(rows.length ? rows : ['  none'])].join('\n');
}
