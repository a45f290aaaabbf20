/** Remote scripts of the rejoin (kubeha rejoin): what the host has, and the cleanup kubeadm reset leaves to the operator. */
import { defineScript, q, sh } from '../ssh/quote';
import { KUBELET_CONF, MANIFESTS_DIR } from './paths';

/** One line: `kubelet.conf=yes|no manifests=<n>`: whether the host still runs as a node. */
export const rejoinHostState = defineScript<{ kubeletConf: string; manifestsDir: string }>('rejoin-host-state', {
  body: ({ kubeletConf, manifestsDir }) => sh`if [ -f ${q(kubeletConf)} ]; then k=yes; else k=no; fi
if [ -d ${q(manifestsDir)} ]; then n=$(find ${q(manifestsDir)} -mindepth 1 -maxdepth 1 | wc -l); else n=0; fi
echo "kubelet.conf=$k manifests=$n"`,
});

export const REJOIN_HOST_STATE_INPUT = { kubeletConf: KUBELET_CONF, manifestsDir: MANIFESTS_DIR };

/**
 * After `kubeadm reset -f`, what its own output says it does not clean: the CNI configuration in
 * `cniDir` and root's kubeconfig. (iptables/IPVS rules are the CNI's and kube-proxy's; the lab has none.)
 */
export const cleanAfterReset = defineScript<{ cniDir: string; kubeconfig: string }>('clean-after-reset', {
  body: ({ cniDir, kubeconfig }) => sh`if [ -d ${q(cniDir)} ]; then find ${q(cniDir)} -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +; fi
if [ -e ${q(kubeconfig)} ]; then rm -f -- ${q(kubeconfig)}; fi`,
});
