/** Stacked (or external) etcd checked with the real etcdctl on a control plane. */
import { etcdState } from '../remote/etcd';
import type { EtcdctlTarget } from '../remote/etcd';
import { parseSections } from '../remote/sections';
import type { ActivityDeps } from './deps';
import { parseEndpoints, parseMembers } from './etcd-json';
import { failure, lastLines } from './failures';
import { localEtcd } from './kubeadm-state';
import { hostStep } from './step';
import type { ClusterSettings, EtcdReport, HostStepInput } from './types';
import { FailureTypes } from './types';
import type { HostSpec } from '../spec/types';

function etcdctlTarget(cluster: ClusterSettings, host: HostSpec): EtcdctlTarget {
  if (cluster.etcd.topology === 'external') {
    const { endpoints, caFile, certFile, keyFile } = cluster.etcd;
    return { endpoint: endpoints[0] ?? '', caFile, certFile, keyFile };
  }
  return localEtcd(host);
}

export function createEtcdActivities(deps: ActivityDeps) {
  return {
    async verifyEtcd({ cluster, host }: HostStepInput): Promise<EtcdReport> {
      const step = hostStep(deps, host, 'verify-etcd');
      const result = await step.runChecked(etcdState.render(etcdctlTarget(cluster, host)), { timeoutMs: 60_000 });
      const sections = parseSections(result.stdout);
      const members = parseMembers(sections.get('members')?.output ?? '');
      if (!members) {
        throw failure(FailureTypes.etcdUnhealthy, `${host.name}: etcdctl member list failed:\n${lastLines(sections.get('members')?.output ?? result.stdout, 4)}`);
      }
      const report: EtcdReport = { members, endpoints: parseEndpoints(sections.get('status')?.output ?? '', sections.get('health')?.output ?? '') };
      // Facts only: the bring-up's verify-etcd phase judges them (etcdProblems) and polls.
      step.log(`etcd: ${members.length} members, ${report.endpoints.filter((e) => e.healthy).length} healthy endpoints`);
      return report;
    },
  };
}
