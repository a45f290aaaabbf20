/**
 * What a host's local evidence says about kubeadm on it, and the one judge that turns that into
 * what an activity may do. Pure: no I/O, so every rule is unit-tested.
 *
 * The rule that matters on live clusters: `kubeadm reset -f` only on unambiguous leftovers of a
 * host that is neither a started etcd member nor a Ready node. Anything unclear is `cant-tell`
 * (a retryable error), and a host the cluster still counts as a member is never reset.
 */
import type { KubeadmFile } from '../remote/host-facts';
import { KUBEADM_FILES } from '../remote/host-facts';
import type { Section } from '../remote/sections';
import { joinHostPort } from '../spec/hosts';
import { parseMembers } from './etcd-json';
import type { EtcdMember } from './types';

export type RunRecord = { kind: 'none' } | { kind: 'running' } | { kind: 'exited'; code: number } | { kind: 'died' };

/** The host's own API server: `/readyz` 200, another status, connection refused, or no answer in time. */
export type LocalApi = 'ready' | 'not-ready' | 'refused' | 'no-answer';

/** The host's own etcd member: answering (a member of some cluster), no client certificate, or not answering. */
export type LocalEtcd = 'member' | 'no-certificate' | 'not-answering';

export interface HostFacts {
  files: ReadonlySet<KubeadmFile>;
  run: RunRecord;
  /** Present when asked: only a control plane's own API server is evidence (a worker runs none). */
  api?: LocalApi;
  /** Present when the host has a stacked etcd to ask. */
  etcd?: LocalEtcd;
}

export type HostState =
  | { state: 'fresh' }
  | { state: 'running' }
  | { state: 'done' }
  | { state: 'part-done'; seen: string }
  | { state: 'leftovers'; seen: string }
  /** Joins only: the host has leftovers, but whether the cluster still counts it needs the cluster's answer. */
  | { state: 'ask-cluster'; seen: string }
  | { state: 'cant-tell'; seen: string }
  /** The host's own evidence and the cluster's disagree: a person must look (never retried, never reset). */
  | { state: 'needs-attention'; seen: string };

function runText(run: RunRecord): string {
  switch (run.kind) {
    case 'none':
      return 'no kubeha run recorded';
    case 'running':
      return 'kubeadm still running';
    case 'died':
      return 'the last kubeadm run died without an exit code';
    case 'exited':
      return `the last kubeadm run exited ${run.code}`;
  }
}

export function describeFacts(f: HostFacts): string {
  const files = f.files.size ? [...f.files].join(', ') : 'no kubeadm files';
  return `${files}; ${runText(f.run)}${f.api ? `; local API ${f.api}` : ''}${f.etcd ? `; local etcd ${f.etcd}` : ''}`;
}

/** The first control plane, before or after `kubeadm init`. */
export function judgeInitHost(f: HostFacts): HostState {
  if (f.run.kind === 'running') return { state: 'running' };
  if (f.files.size === 0) return { state: 'fresh' };
  const seen = describeFacts(f);
  if (f.api === undefined || f.api === 'no-answer' || f.api === 'not-ready') return { state: 'cant-tell', seen };
  if (f.api === 'ready') return f.run.kind === 'exited' && f.run.code === 0 ? { state: 'done' } : { state: 'part-done', seen };
  // Nothing listens on the local API port.
  if (f.etcd === 'member') return { state: 'cant-tell', seen: `${seen}: its etcd still answers, so this is not a leftover to reset` };
  // kubeadm died after writing the manifests: the kubelet may still be starting the API server.
  if (f.run.kind === 'died' || (f.run.kind === 'exited' && f.run.code === 0)) return { state: 'cant-tell', seen };
  return { state: 'leftovers', seen };
}

/** A joining host. A worker's join is done once the kubelet has its kubeconfig (TLS bootstrap finished). */
export function judgeJoinHost(f: HostFacts, as: 'control-plane' | 'worker', stackedEtcd: boolean): HostState {
  if (f.run.kind === 'running') return { state: 'running' };
  if (f.files.size === 0) return { state: 'fresh' };
  const seen = describeFacts(f);
  if (!f.files.has('kubelet.conf')) return { state: 'ask-cluster', seen };
  if (as === 'worker') return { state: 'done' };
  const finished = f.run.kind === 'exited' && f.run.code === 0;
  // The kubelet is registered but control-plane-join (etcd member, etcd manifest) never ran.
  if (stackedEtcd && !f.files.has('manifests/etcd.yaml') && !finished) return { state: 'part-done', seen };
  if (f.api !== 'ready') return { state: 'cant-tell', seen };
  return finished ? { state: 'done' } : { state: 'part-done', seen };
}

/** What the rest of the cluster says about a host whose own evidence is leftovers. */
export interface ClusterView {
  node: 'ready' | 'not-ready' | 'absent';
  /** Undefined where etcd is external. */
  etcdMember?: EtcdMember;
}

/** A host is reset only when the cluster counts it neither as a Ready node nor as an etcd member (started or learner). */
export function judgeLeftovers(seen: string, view: ClusterView): HostState {
  if (view.node === 'ready') return { state: 'needs-attention', seen: `${seen}, yet the cluster lists it as a Ready node` };
  if (view.etcdMember) {
    const m = view.etcdMember;
    return { state: 'needs-attention', seen: `${seen}, yet etcd lists it as a ${m.isLearner ? 'learner' : m.started ? 'started member' : 'member that never started'} (${m.id})` };
  }
  return { state: 'leftovers', seen };
}

const isKubeadmFile = (line: string): line is KubeadmFile => (KUBEADM_FILES as readonly string[]).includes(line);

export function parseRun(text: string): RunRecord {
  const t = text.trim();
  if (/^running\b/.test(t)) return { kind: 'running' };
  if (t === 'died') return { kind: 'died' };
  const exited = /^exited (\d+)$/.exec(t);
  if (exited) return { kind: 'exited', code: Number(exited[1]) };
  return { kind: 'none' };
}

/** curl exit 7: refused; 0 with HTTP 200: ready; 0 with another status: not ready; anything else: no answer. */
export function parseReadyz(section: Section | undefined): LocalApi {
  if (!section) return 'no-answer';
  if (section.code === 7) return 'refused';
  if (section.code !== 0) return 'no-answer';
  return section.output.trim() === '200' ? 'ready' : 'not-ready';
}

export function parseLocalEtcd(section: Section | undefined): LocalEtcd | undefined {
  if (!section) return undefined;
  if (section.code === 3 && section.output.includes('no-etcd-client-certificate')) return 'no-certificate';
  return section.code === 0 && parseMembers(section.output) ? 'member' : 'not-answering';
}

export function parseHostFacts(sections: Map<string, Section>): HostFacts {
  const files = new Set((sections.get('files')?.output ?? '').split('\n').map((l) => l.trim()).filter(isKubeadmFile));
  const etcd = parseLocalEtcd(sections.get('etcd'));
  const readyz = sections.get('readyz');
  return {
    files,
    run: parseRun(sections.get('run')?.output ?? ''),
    ...(readyz ? { api: parseReadyz(readyz) } : {}),
    ...(etcd ? { etcd } : {}),
  };
}

/** `kubectl get node -o json` and `etcdctl member list -w json` from a control plane; undefined when either gave no clear answer. */
export function parseClusterView(sections: Map<string, Section>, host: { name: string; address: string }, withEtcd: boolean): ClusterView | undefined {
  const node = sections.get('node');
  let nodeState: ClusterView['node'];
  if (node?.code === 0) {
    try {
      const parsed = JSON.parse(node.output) as { status?: { conditions?: { type?: string; status?: string }[] } };
      nodeState = parsed.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'ready' : 'not-ready';
    } catch {
      return undefined;
    }
  } else if (node && /NotFound|not found/.test(node.output)) nodeState = 'absent';
  else return undefined;
  if (!withEtcd) return { node: nodeState };
  const members = sections.get('etcd')?.code === 0 ? parseMembers(sections.get('etcd')?.output ?? '') : undefined;
  if (!members) return undefined;
  const peer = `https://${joinHostPort(host.address, 2380)}`;
  const etcdMember = members.find((m) => m.name === host.name || m.peerURLs.includes(peer));
  return { node: nodeState, ...(etcdMember ? { etcdMember } : {}) };
}
