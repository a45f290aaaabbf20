import type { ClusterRecord, OperationRecord } from '../../shared/operations';

function line(op: OperationRecord): string {
  const when = op.endedAt ?? op.startedAt ?? op.requestedAt;
  const outcome = op.outcome ? ` — **${op.outcome}**${op.message ? `: ${op.message}` : ''}` : '';
  return `- \`${op.id}\` ${op.summary}, by ${op.requestedBy}, ${when}${outcome}`;
}

/** The cluster workflow's current details in the Web UI: version, what runs, what waits, what ended. */
export function recordMarkdown(record: ClusterRecord): string {
  const out = [`## Cluster ${record.name}`, '', `Kubernetes: ${record.kubernetesVersion ?? 'not brought up yet'}, ${record.nodes.length} nodes`, ''];
  out.push('### Running', record.current ? line(record.current) : '- nothing', '');
  out.push('### Queued', ...(record.queue.length ? record.queue.map(line) : ['- nothing']), '');
  const recent = record.history.slice(-10).reverse();
  out.push('### Recent operations', ...(recent.length ? recent.map(line) : ['- none']));
  return out.join('\n');
}
