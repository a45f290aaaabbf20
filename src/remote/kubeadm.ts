/** Remote scripts and commands around kubeadm. Secrets never appear in a script's text: they travel in 0600 config files. */
import { defineScript, q, qAll, sh } from '../ssh/quote';
import type { Quoted } from '../ssh/quote';
import { ADMIN_CONF, CA_CERT, KUBEHA_DIR, RUNS_DIR } from './paths';

const ignoreFlag = (ignore: string[]): Quoted => (ignore.length ? sh` ${q(`--ignore-preflight-errors=${ignore.join(',')}`)}` : ('' as Quoted));

/**
 * A copy of admin.conf pointed at this control plane's own API server (`$kc`, removed on exit):
 * cluster-level steps run from a control plane must not depend on the endpoint (a load balancer
 * blip or a VIP moving would fail them). The apiserver certificate carries the host's address.
 */
function withLocalKubeconfig(server: string, body: Quoted): Quoted {
  return sh`kc=$(mktemp ${q(`${KUBEHA_DIR}/admin-local.XXXXXX`)})
trap 'rm -f -- "$kc"' EXIT
awk -v s=${q(server)} '/^ *server: /{ sub(/server: .*/, "server: " s) } 1' ${q(ADMIN_CONF)} > "$kc"
${body}`;
}

/** Copies `files` into a temporary directory and restores them on exit (trap). */
function keepAside(files: string[]): Quoted {
  return sh`kept=$(mktemp -d ${q(`${KUBEHA_DIR}/kept.XXXXXX`)})
restore_kept() { for f in ${qAll(files)}; do if [ -e "$kept$f" ]; then mkdir -p -- "$(dirname -- "$f")"; cp -p -- "$kept$f" "$f"; fi; done; rm -rf -- "$kept"; }
trap restore_kept EXIT
for f in ${qAll(files)}; do if [ -e "$f" ]; then mkdir -p -- "$kept$(dirname -- "$f")"; cp -p -- "$f" "$kept$f"; fi; done`;
}

/** Detached run names (`RUNS_DIR/<unit>`). */
export const INIT_UNIT = 'kubeadm-init';
export const JOIN_UNIT = 'kubeadm-join';

/**
 * `kubeadm init` as a detached command: the config carries the bootstrap token and certificate key.
 * Without `uploadCerts` (manual certificate distribution) nothing is uploaded and no key is made.
 */
export function kubeadmInitCommand({ config, ignore, uploadCerts }: { config: string; ignore: string[]; uploadCerts: boolean }): Quoted {
  return sh`kubeadm init --config ${q(config)}${uploadCerts ? sh` --upload-certs` : ('' as Quoted)}${ignoreFlag(ignore)}`;
}

/**
 * The phases after the control plane is up, each idempotent: what completes an init whose
 * kubeadm died once its API server answered.
 */
export function kubeadmInitFinishCommand({ config, uploadCerts }: { config: string; uploadCerts: boolean }): Quoted {
  const phases = ['upload-config all', ...(uploadCerts ? ['upload-certs --upload-certs'] : []), 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize all', 'addon all'];
  return phases.map((p) => sh`kubeadm init phase ${qAll(p.split(' '))} --config ${q(config)}`).join(' && ') as Quoted;
}

export function kubeadmJoinCommand({ config, ignore }: { config: string; ignore: string[] }): Quoted {
  return sh`kubeadm join --config ${q(config)}${ignoreFlag(ignore)}`;
}

/** Completes a control-plane join whose kubeadm died after kubelet-start: etcd member, manifests, labels and taints. */
export function kubeadmJoinFinishCommand({ config }: { config: string }): Quoted {
  return sh`kubeadm join phase control-plane-join all --config ${q(config)}`;
}

/** Resets leftovers, removes kubeha's kubeadm configs (they may carry secrets) and archives the run that left them. */
/**
 * `keep`: files the user placed that kubeadm reset would delete with /etc/kubernetes/pki (external
 * etcd's CA and client pair on the init host), copied aside first and put back however it ends.
 */
export const kubeadmReset = defineScript<{ criSocket: string; unit: string; keep?: string[] }>('kubeadm-reset', {
  body: ({ criSocket, unit, keep = [] }) => sh`${keep.length > 0 ? keepAside(keep) : sh`:`}
kubeadm reset -f --cri-socket ${q(criSocket)}
rm -f -- ${q(KUBEHA_DIR)}/kubeadm-*.yaml
dir=${q(`${RUNS_DIR}/${unit}`)}
if [ -e "$dir" ]; then mv -f -- "$dir" "$dir.reset.$(date +%s%N)"; fi`,
});

/** Re-uploads the control-plane certificates encrypted with the key in `config` (never on a command line). */
export const uploadCertsWithConfig = defineScript<{ config: string; server: string }>('kubeadm-upload-certs', {
  body: ({ config, server }) =>
    withLocalKubeconfig(server, sh`trap ${q(sh`rm -f -- "$kc" ${q(config)}`)} EXIT
kubeadm init phase upload-certs --upload-certs --config ${q(config)} --kubeconfig "$kc"`),
});

/** Uploads the ClusterConfiguration in `config` to the kubeadm-config ConfigMap (kubeadm replaces it whole; the file is removed). */
export const uploadKubeadmConfig = defineScript<{ config: string; server: string }>('kubeadm-upload-config', {
  body: ({ config, server }) =>
    withLocalKubeconfig(server, sh`trap ${q(sh`rm -f -- "$kc" ${q(config)}`)} EXIT
kubeadm init phase upload-config kubeadm --config ${q(config)} --kubeconfig "$kc"`),
});

export const tokenCreate = defineScript<{ ttlSeconds: number; server: string }>('kubeadm-token-create', {
  body: ({ ttlSeconds, server }) => withLocalKubeconfig(server, sh`kubeadm token create --kubeconfig "$kc" --ttl ${q(`${ttlSeconds}s`)} --print-join-command`),
});

/** kubeadm's description of the token whose TTL the kubeadm-certs Secret lives by. */
const CERTS_PROXY_TOKEN = 'Proxy for managing TTL for the kubeadm-certs secret';

/** Deletes bootstrap tokens by id (the public half) and the uploaded-certs Secret; both idempotent. */
export const revokeJoinCredentials = defineScript<{ tokenIds: string[]; certificateSecret: boolean; files: string[]; server: string }>('revoke-join-credentials', {
  body: ({ tokenIds, certificateSecret, files, server }) => {
    const parts: Quoted[] = [];
    if (files.length) parts.push(sh`rm -f -- ${qAll(files)}`);
    if (certificateSecret) {
      // kubeadm makes the Secret owned by a TTL "proxy" token (no usages); deleting the token deletes the Secret too.
      parts.push(sh`kubeadm token list --kubeconfig "$kc" | awk ${q(`index($0, "${CERTS_PROXY_TOKEN}") { split($1, t, "."); print t[1] }`)} | while read -r id; do kubeadm token delete --kubeconfig "$kc" "$id" >/dev/null; done`);
      parts.push(sh`kubectl --kubeconfig "$kc" -n kube-system delete secret kubeadm-certs --ignore-not-found`);
    }
    for (const id of tokenIds) {
      parts.push(sh`out=$(kubeadm token delete --kubeconfig "$kc" ${q(id)} 2>&1) || case "$out" in *'not found'*) ;; *) echo "$out" >&2; exit 1;; esac`);
    }
    return withLocalKubeconfig(server, (parts.length ? parts.join('\n') : ':') as Quoted);
  },
});

export const readCaCert = defineScript<Record<string, never>>('read-ca-cert', { body: () => sh`cat -- ${q(CA_CERT)}` });

/** The init config kubeha wrote (it carries the token and key the init used); empty when gone. */
export const readFileIfPresent = defineScript<{ path: string }>('read-file-if-present', {
  body: ({ path }) => sh`if [ -f ${q(path)} ]; then cat -- ${q(path)}; fi`,
});

/** Removes `node`'s etcd member (started or learner, matched by name or peer URL) through a healthy member, and its Node object; both idempotent. */
export const forgetNode = defineScript<{ node: string; peerUrl: string; server: string; etcd?: { endpoint: string; caFile: string; certFile: string; keyFile: string } }>('forget-node', {
  body: ({ node, peerUrl, server, etcd }) => {
    const parts: Quoted[] = [];
    if (etcd) {
      const etcdctl = sh`ETCDCTL_API=3 etcdctl --endpoints=${q(etcd.endpoint)} --cacert=${q(etcd.caFile)} --cert=${q(etcd.certFile)} --key=${q(etcd.keyFile)} --dial-timeout=3s --command-timeout=8s`;
      parts.push(sh`ids=$(${etcdctl} member list -w simple | awk -F', ' -v n=${q(node)} -v p=${q(peerUrl)} '$3 == n || index($4, p) { print $1 }')
for id in $ids; do ${etcdctl} member remove "$id"; done
echo "etcd members removed: \${ids:-none}"`);
    }
    parts.push(sh`kubectl --kubeconfig ${q(ADMIN_CONF)} --server ${q(server)} --request-timeout=15s delete node ${q(node)} --ignore-not-found`);
    return parts.join('\n') as Quoted;
  },
});
