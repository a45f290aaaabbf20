import { controlPlanes, firstControlPlane, loadBalancers, workers } from '../spec/hosts';
import type { ClusterSpec } from '../spec/types';
import { renderHaproxyCfg } from './haproxy';
import { renderCheckApiserverScript, renderKeepalivedConf } from './keepalived';
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
  const first = firstControlPlane(spec);
  if (spec.loadBalancer.type === 'haproxy-keepalived') {
    for (const lb of loadBalancers(spec)) {
      files.push({ path: `${lb.name}/haproxy.cfg`, content: renderHaproxyCfg(spec) });
      files.push({ path: `${lb.name}/keepalived.conf`, content: renderKeepalivedConf(spec, lb) });
      files.push({ path: `${lb.name}/check_apiserver.sh`, content: renderCheckApiserverScript(spec) });
    }
  }
  for (const cp of controlPlanes(spec)) {
    if (spec.loadBalancer.type === 'kube-vip') files.push({ path: `${cp.name}/kube-vip.yaml`, content: renderKubeVipManifest(spec, cp) });
    if (cp.name === first.name) {
      files.push({ path: `${cp.name}/kubeadm-init.yaml`, content: renderKubeadmInit(spec, { host: cp }) });
    } else {
      files.push({ path: `${cp.name}/kubeadm-join.yaml`, content: PLACEHOLDER_NOTE + renderKubeadmJoin({ spec, host: cp, as: 'control-plane', secrets: PLACEHOLDER_SECRETS }) });
    }
  }
  for (const w of workers(spec)) {
    files.push({ path: `${w.name}/kubeadm-join.yaml`, content: PLACEHOLDER_NOTE + renderKubeadmJoin({ spec, host: w, as: 'worker', secrets: PLACEHOLDER_SECRETS }) });
  }
  return files;
}
