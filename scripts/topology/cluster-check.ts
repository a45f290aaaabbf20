/** The lab's own evidence that the cluster is up: started (non-learner) etcd members and Ready nodes, read on the first control plane. */
import type { LabHandle } from '../../lab';
import { OperationError } from '../../src/errors';

const ETCD_PKI = '--cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key';

export interface ClusterEvidence {
  etcdMembers: string[];
  readyNodes: string[];
}

async function ok(lab: LabHandle, host: string, command: string): Promise<string> {
  const result = await lab.host(host).run(command, { timeoutMs: 60_000 });
  if (result.code !== 0) throw new OperationError(`${host}: \`${command}\` exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

export async function clusterEvidence(lab: LabHandle, controlPlane: { name: string; address: string }): Promise<ClusterEvidence> {
  const members = JSON.parse(await ok(lab, controlPlane.name, `ETCDCTL_API=3 etcdctl --endpoints https://${controlPlane.address}:2379 ${ETCD_PKI} member list -w json`)) as {
    members?: Array<{ name?: string; clientURLs?: string[]; isLearner?: boolean }>;
  };
  const nodes = JSON.parse(await ok(lab, controlPlane.name, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json')) as {
    items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }> } }>;
  };
  return {
    etcdMembers: (members.members ?? []).filter((m) => m.name && (m.clientURLs?.length ?? 0) > 0 && !m.isLearner).map((m) => m.name as string).sort(),
    readyNodes: nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata.name).sort(),
  };
}
