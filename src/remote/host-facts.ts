/**
 * Local evidence of what kubeadm left on a host: its files, kubeha's detached run, the host's
 * own API server and etcd member. Nothing here goes through the control-plane endpoint, so a
 * load balancer blip or a VIP moving cannot make a healthy host look broken.
 */
import { defineScript, lines, q, qAll, sh } from '../ssh/quote';
import { runState } from './detached';
import { KUBEHA_DIR, RUNS_DIR } from './paths';
import { section } from './sections';

/** Files under /etc/kubernetes whose presence tells how far kubeadm got. */
export const KUBEADM_FILES = [
  'admin.conf',
  'kubelet.conf',
  'bootstrap-kubelet.conf',
  'manifests/kube-apiserver.yaml',
  'manifests/etcd.yaml',
  'pki/ca.crt',
] as const;
export type KubeadmFile = (typeof KUBEADM_FILES)[number];

export interface EtcdClient {
  endpoint: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

const etcdMembers = (etcd: EtcdClient) =>
  sh`if [ -f ${q(etcd.certFile)} ]; then ETCDCTL_API=3 etcdctl --endpoints=${q(etcd.endpoint)} --cacert=${q(etcd.caFile)} --cert=${q(etcd.certFile)} --key=${q(etcd.keyFile)} --dial-timeout=3s --command-timeout=5s member list -w json; else echo no-etcd-client-certificate; (exit 3); fi`;

/** `curl`'s exit code tells refused (7) from no answer (28) from an answer; stdout is the HTTP status. */
const readyz = (url: string) => sh`curl -sk --max-time 5 -o /dev/null -w '%{http_code}' ${q(url)}`;

/** `readyzUrl`: the host's own API server, asked only where it is evidence (curl is a costly process start). */
export const kubeadmHostFacts = defineScript<{ unit: string; readyzUrl?: string; etcd?: EtcdClient }>('kubeadm-host-facts', {
  body: ({ unit, readyzUrl, etcd }) => {
    const parts = [
      // The one write before judging: kubeha's dirs hold kubeadm configs with secrets, root only.
      sh`[ -d ${q(KUBEHA_DIR)} ] && [ -d ${q(RUNS_DIR)} ] || install -d -m 0700 ${q(KUBEHA_DIR)} ${q(RUNS_DIR)}`,
      sh`set +e`,
      section('files', sh`cd /etc/kubernetes 2>/dev/null && for f in ${qAll(KUBEADM_FILES)}; do [ -e "$f" ] && echo "$f"; done; true`),
      section('run', runState(unit)),
    ];
    if (readyzUrl) parts.push(section('readyz', readyz(readyzUrl)));
    if (etcd) parts.push(section('etcd', etcdMembers(etcd)));
    return lines(...parts);
  },
});

/**
 * What the cluster says about `node`, asked on a control plane through its own API server and
 * etcd member (not the endpoint): the Node object and the etcd member list.
 */
export const clusterMembership = defineScript<{ node: string; server: string; etcd?: EtcdClient }>('cluster-membership', {
  body: ({ node, server, etcd }) => {
    const parts = [
      sh`set +e`,
      section('node', sh`kubectl --kubeconfig /etc/kubernetes/admin.conf --server ${q(server)} --request-timeout=8s get node ${q(node)} -o json`),
    ];
    if (etcd) parts.push(section('etcd', etcdMembers(etcd)));
    return lines(...parts);
  },
});
