/** `kubeadm reset -f`: leave etcd, stop the static Pods and the kubelet, wipe the node's state. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { SimContext } from '../context';
import { hostPath, simPid } from '../context';
import { SimExit } from '../errors';
import { etcdctl, memberIdHex, memberList } from '../etcdctl';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { stopAllStaticPods } from '../kubelet/static-pods';
import { stopUnit } from '../services';
import { readStore, updateStore } from '../store';
import { sleep } from '../time';
import { etcdEndpoints, removeNode } from './node';
import { errOut, out } from '../output';

const ETCD_DATA_DIR = '/var/lib/etcd';

/** klog's header: `W1201 02:41:42.123456   12345 file.go:71]`. */
function klogPrefix(level: 'W', where: string): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${level}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${micros} ${String(simPid()).padStart(7)} ${where}]`;
}

function wipe(dir: string, keep: string[] = []): void {
  const full = hostPath(dir);
  if (!existsSync(full)) return;
  for (const entry of readdirSync(full)) {
    if (!keep.includes(entry)) rmSync(path.join(full, entry), { recursive: true, force: true });
  }
}

export async function reset(p: ParsedArgs, ctx: SimContext): Promise<number> {
  if (!flagBool(p, 'force')) {
    throw new SimExit('error execution phase preflight: won\'t proceed; the user didn\'t confirm (run with -f/--force to skip the prompt)\nTo see the stack trace of this error execute with --v=5 or higher', 1);
  }
  // With an admin kubeconfig (a control plane) kubeadm first reads its configuration from the cluster.
  const withConfig = existsSync(hostPath('/etc/kubernetes/admin.conf'));
  if (withConfig) {
    out("[reset] Reading configuration from the cluster...\n[reset] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  }
  out('[preflight] Running pre-flight checks\n');
  const address = ctx.identity.address;
  // remove-etcd-member (kubeadm's phase order): the member goes first, then its data. kubeadm logs
  // the removal itself only at -v1; what it prints is the data directory it emptied.
  if (existsSync(hostPath('/etc/kubernetes/manifests/etcd.yaml'))) {
    const endpoints = [`https://${address}:2379`, ...etcdEndpoints(readStore(ctx.identity.labDir), address)];
    try {
      const members = await memberList(endpoints);
      const me = members.find((m) => m.peerURLs?.includes(`https://${address}:2380`));
      // Like kubeadm, the only member is left alone: etcd cannot remove its last member.
      if (me && members.length > 1) {
        // kubeadm's etcd client retries with backoff: etcd refuses a removal while a peer has
        // been connected for less than 5 s ("unhealthy cluster").
        const deadline = Date.now() + 20_000;
        for (;;) {
          const r = await etcdctl(endpoints, ['member', 'remove', memberIdHex(me.ID)]);
          if (r.code === 0) break;
          if (Date.now() > deadline) throw new Error(r.stderr.trim());
          await sleep(1_000);
        }
      }
    } catch (err) {
      errOut(`${klogPrefix('W', 'removeetcdmember.go:71')} [reset] Failed to remove etcd member: ${(err as Error).message}, please manually remove this etcd member using etcdctl\n`);
    }
    // Emptied either way (kubeadm cleans a non-empty data directory after a failed removal too);
    // the lab empties it below, once etcd is stopped, so a still running etcd cannot write into it again.
    out(`[reset] Deleted contents of the etcd data directory: ${ETCD_DATA_DIR}\n`);
  } else if (existsSync(hostPath('/etc/kubernetes/manifests/kube-apiserver.yaml'))) {
    // A control plane whose join died before its etcd manifest: an etcd member it announced stays.
    out('[reset] No etcd config found. Assuming external etcd\n[reset] Please, manually reset etcd to prevent further issues\n');
  } else {
    // A worker: no configuration from the cluster, no etcd manifest, so kubeadm's default data directory.
    if (!withConfig) errOut(`${klogPrefix('W', 'removeetcdmember.go:106')} [reset] No kubeadm config, using etcd pod spec to get data directory\n`);
    out(`[reset] Deleted contents of the etcd data directory: ${ETCD_DATA_DIR}\n`);
  }
  out('[reset] Stopping the kubelet service\n');
  // Stopped, not disabled: kubeadm leaves the unit enabled as the package installed it.
  await stopUnit('kubelet');
  await stopAllStaticPods();
  out('[reset] Unmounting mounted directories in "/var/lib/kubelet"\n');
  out('[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet /etc/kubernetes/pki]\n');
  wipe('/etc/kubernetes/manifests');
  wipe('/etc/kubernetes/pki');
  wipe('/var/lib/kubelet');
  wipe(ETCD_DATA_DIR);
  out('[reset] Deleting files: [/etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/controller-manager.conf /etc/kubernetes/scheduler.conf]\n');
  for (const f of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) {
    rmSync(hostPath(`/etc/kubernetes/${f}`), { force: true });
  }
  await updateStore(ctx.identity.labDir, (s) => {
    for (const n of Object.values(s.nodes)) if (n.address === address) removeNode(s, n.name);
    // The last control plane gone: nothing is left of the cluster's API objects.
    if (!s.pods.some((pod) => pod.static && pod.name.startsWith('kube-apiserver-'))) {
      delete s.cluster;
      delete s.kubeletConfig;
      delete s.clusterInfo;
      delete s.csrSigner;
      delete s.certs;
      delete s.addons;
      s.tokens = [];
      s.pods = s.pods.filter((pod) => pod.node !== undefined);
      delete s.cni;
    }
  });
  out('\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d\n\n');
  out('The reset process does not reset or clean up iptables rules or IPVS tables.\nIf you wish to reset iptables, you must do so manually by using the "iptables" command.\n\n');
  out("The reset process does not clean your kubeconfig files and you must remove them manually.\nPlease, check the contents of the $HOME/.kube/config file.\n");
  return 0;
}
