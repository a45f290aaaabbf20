/**
 * Remote scripts of the reset (kubeha reset): what a host still has of the cluster, and the
 * cleanup `kubeadm reset` leaves to the operator. iptables and IPVS rules are not touched: they
 * belong to the CNI and kube-proxy, and flushing them would also drop the host's own firewall.
 */
import { defineScript, q, sh } from '../ssh/quote';
import { RESTART_HOLD_DIR } from './certificates';
import { KUBEHA_DIR, KUBEHA_STATE_DIR, KUBELET_CONF, MANIFESTS_DIR, RUNS_DIR } from './paths';

export const KUBERNETES_DIR = '/etc/kubernetes';
export const ETCD_MEMBER_DIR = '/var/lib/etcd/member';
export const CNI_CONF_DIR = '/etc/cni/net.d';
export const ROOT_KUBECONFIG = '/root/.kube/config';

export interface ResetPaths {
  kubernetesDir: string;
  kubeletConf: string;
  manifestsDir: string;
  etcdMemberDir: string;
}

export const RESET_PATHS: ResetPaths = { kubernetesDir: KUBERNETES_DIR, kubeletConf: KUBELET_CONF, manifestsDir: MANIFESTS_DIR, etcdMemberDir: ETCD_MEMBER_DIR };

/**
 * One line, `kubelet.conf=yes|no confs=<n> manifests=<n> etcd=yes|no kubelet=<state>`: what is
 * left of the node (parsed by `parseResetHostState`). Nothing left means it was reset already.
 */
export const resetHostState = defineScript<ResetPaths>('reset-host-state', {
  body: ({ kubernetesDir, kubeletConf, manifestsDir, etcdMemberDir }) => sh`if [ -f ${q(kubeletConf)} ]; then k=yes; else k=no; fi
c=$({ find ${q(kubernetesDir)} -maxdepth 1 -name '*.conf' -type f 2>/dev/null || true; } | wc -l)
if [ -d ${q(manifestsDir)} ]; then m=$(find ${q(manifestsDir)} -mindepth 1 -maxdepth 1 | wc -l); else m=0; fi
if [ -d ${q(etcdMemberDir)} ]; then e=yes; else e=no; fi
s=$(systemctl is-active kubelet 2>/dev/null || true)
echo "kubelet.conf=$k confs=$c manifests=$m etcd=$e kubelet=\${s:-unknown}"`,
});

/**
 * After `kubeadm reset -f`, what its own output says it leaves: the CNI configuration in `cniDir`
 * and root's kubeconfig; and kubeha's own files: the configs it rendered in `kubehaDir`, its state
 * in `stateDir` (detached kubeadm runs in `runsDir`, a run still going stopped first; manifests a
 * drill parked) and manifests a certificate restart held back in `heldManifestsDir`: a later
 * operation would put those back into a new cluster's manifests. Idempotent.
 */
export const cleanAfterReset = defineScript<{ cniDir: string; kubeconfig: string; kubehaDir: string; stateDir: string; runsDir: string; heldManifestsDir: string }>('reset-cleanup', {
  body: ({ cniDir, kubeconfig, kubehaDir, stateDir, runsDir, heldManifestsDir }) => sh`if [ -d ${q(runsDir)} ]; then
  for dir in ${q(runsDir)}/*/; do
    [ -f "$dir/pid" ] && [ ! -f "$dir/exit" ] || continue
    pid=$(cat "$dir/pid"); kill -KILL -- -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  done
fi
for d in ${q(stateDir)} ${q(cniDir)} ${q(kubehaDir)}; do
  if [ -d "$d" ]; then find "$d" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +; fi
done
rm -rf -- ${q(heldManifestsDir)}
if [ -e ${q(kubeconfig)} ]; then rm -f -- ${q(kubeconfig)}; fi`,
});

export const RESET_CLEANUP_INPUT = { cniDir: CNI_CONF_DIR, kubeconfig: ROOT_KUBECONFIG, kubehaDir: KUBEHA_DIR, stateDir: KUBEHA_STATE_DIR, runsDir: RUNS_DIR, heldManifestsDir: RESTART_HOLD_DIR };

/** `kubeadm reset -f` with the CRI socket (kubeadm stops the kubelet and static Pods, wipes /etc/kubernetes, /var/lib/kubelet and /var/lib/etcd). */
export const kubeadmResetForce = defineScript<{ criSocket: string }>('kubeadm-reset-force', {
  body: ({ criSocket }) => sh`kubeadm reset -f --cri-socket ${q(criSocket)}`,
});
