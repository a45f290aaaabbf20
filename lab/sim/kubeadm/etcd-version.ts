/**
 * The etcd kubeadm deploys for a Kubernetes version (kubeha's release table), and switching a
 * stacked etcd's static Pod to it as `kubeadm upgrade apply|node` does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostPath } from '../context';
import { releaseOf } from '../../../src/spec/version';
import { MANIFESTS_DIR } from './files';

export function etcdImageFor(kubernetesVersion: string): string {
  return `registry.k8s.io/etcd:${releaseOf(kubernetesVersion).etcd}`;
}

/**
 * Points this host's etcd.yaml at the target release's etcd and returns the new image, or
 * undefined when there is no local etcd or it already runs that image (kubeadm then skips the
 * etcd upgrade). kubeadm never downgrades etcd: an older table entry leaves the manifest alone.
 */
export function upgradeEtcdManifest(kubernetesVersion: string): string | undefined {
  const file = hostPath(`${MANIFESTS_DIR}/etcd.yaml`);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const current = /image: registry\.k8s\.io\/etcd:(\S+)/.exec(text)?.[1];
  const target = releaseOf(kubernetesVersion).etcd;
  if (!current || compareEtcd(target, current) <= 0) return undefined;
  writeFileSync(file, text.replace(`image: registry.k8s.io/etcd:${current}`, `image: registry.k8s.io/etcd:${target}`));
  return `registry.k8s.io/etcd:${target}`;
}

/** Compares `3.5.12-0` style tags numerically. */
export function compareEtcd(a: string, b: string): number {
  const nums = (t: string) => t.split(/[.-]/).map(Number);
  const x = nums(a);
  const y = nums(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
