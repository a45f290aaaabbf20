import { copiesCertificates } from '../spec/certificate-distribution';
import { clusterSettings, loadBalancers, workers } from '../spec/hosts';
import type { ClusterSpec } from '../spec/types';
import { renderHaproxyCfg } from './haproxy';
import { initHost } from './cluster';
import { renderCheckApiserverScript, renderKeepalivedConf, vrrpRole } from './keepalived';
import { renderKubeVipManifest } from './kube-vip';
import { renderKubeadmInit } from './kubeadm-init';
import { renderKubeadmJoin } from './kubeadm-join';

export interface RenderedFile {
  /** Relative; per-host files live under `<host>/`. */
  path: string;
  content: string;
}

/** Stand-ins for the secrets kubeadm mints during the bring-up; the real ones never reach disk here. */
export const PLACEHOLDER_SECRETS = {
  token: '<bootstrap-token>',
  caCertHash: 'sha256:<ca-cert-hash>',
  certificateKey: '<certificate-key>',
} as const;

const PLACEHOLDER_NOTE = '# Secrets below are placeholders: kubeha renders this file again at join time with fresh ones.\n';

/** Every configuration file the bring-up writes, as `kubeha plan --out` shows them. */
export function renderPlanFiles(spec: ClusterSpec): RenderedFile[] {
  const files: RenderedFile[] = [];
  const cluster = clusterSettings(spec);
  const first = initHost(cluster);
  const lbHosts = loadBalancers(spec);
  if (spec.loadBalancer.type === 'haproxy-keepalived') {
    for (const lb of lbHosts) {
      files.push({ path: `${lb.name}/haproxy.cfg`, content: renderHaproxyCfg(cluster) });
      files.push({ path: `${lb.name}/keepalived.conf`, content: renderKeepalivedConf(cluster, lb, vrrpRole(lbHosts, lb)) });
      files.push({ path: `${lb.name}/check_apiserver.sh`, content: renderCheckApiserverScript(cluster) });
    }
  }
  for (const cp of cluster.controlPlanes) {
    if (spec.loadBalancer.type === 'kube-vip') files.push({ path: `${cp.name}/kube-vip.yaml`, content: renderKubeVipManifest(cluster, cp) });
    if (cp.name === first.name) {
      files.push({ path: `${cp.name}/kubeadm-init.yaml`, content: renderKubeadmInit(cluster, { host: cp }) });
    } else {
      const { certificateKey, ...withoutKey } = PLACEHOLDER_SECRETS;
      const secrets = copiesCertificates(spec) ? withoutKey : { ...withoutKey, certificateKey };
      files.push({ path: `${cp.name}/kubeadm-join.yaml`, content: PLACEHOLDER_NOTE + renderKubeadmJoin({ cluster, host: cp, as: 'control-plane', secrets }) });
    }
  }
  for (const w of workers(spec)) {
    files.push({ path: `${w.name}/kubeadm-join.yaml`, content: PLACEHOLDER_NOTE + renderKubeadmJoin({ cluster, host: w, as: 'worker', secrets: PLACEHOLDER_SECRETS }) });
  }
  return files;
}
