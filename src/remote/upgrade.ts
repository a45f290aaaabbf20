/**
 * Remote scripts of the kubeadm upgrade: pinned packages, `kubeadm upgrade plan|apply|node`,
 * the kubelet restart, and what the upgrade reads back (versions, manifests). Every script that
 * changes something starts with a guard that finds the change already made.
 */
import type { Quoted } from '../ssh/quote';
import { defineScript, lines, q, qAll, sh } from '../ssh/quote';
import { runState } from './detached';
import { ADMIN_CONF, CA_CERT, MANIFESTS_DIR } from './paths';
import { section } from './sections';

export type KubePackage = 'kubeadm' | 'kubelet' | 'kubectl';

/** Detached run name of `kubeadm upgrade apply <to>` (one per target, so a later upgrade starts its own). */
export const upgradeApplyUnit = (to: string): string => `kubeadm-upgrade-apply-${to}`;
export const upgradeNodeUnit = (to: string): string => `kubeadm-upgrade-node-${to}`;

/** The installed tool's own `vX.Y.Z` (empty when it does not answer). */
export function toolVersion(pkg: KubePackage): Quoted {
  switch (pkg) {
    case 'kubeadm':
      return sh`kubeadm version -o short 2>/dev/null`;
    case 'kubelet':
      return sh`kubelet --version 2>/dev/null | awk '{print $2}'`;
    case 'kubectl':
      return sh`kubectl version --client -o json 2>/dev/null | sed -n 's/.*"gitVersion": *"\\([^"]*\\)".*/\\1/p' | head -n 1`;
  }
}

/**
 * kubeadm's procedure for packages: unhold, install the pinned version, hold again. The guard:
 * every tool already reports `gitVersion` and is held.
 */
export const installPinned = defineScript<{ packages: KubePackage[]; gitVersion: string; debVersion: string }>('install-pinned-packages', {
  guard: ({ packages, gitVersion }) =>
    sh`{ held=$(apt-mark showhold 2>/dev/null); ${packages
      .map((p) => sh`[ "$(${toolVersion(p)})" = ${q(gitVersion)} ] && printf '%s\n' "$held" | grep -qx ${q(p)}`)
      .join(' && ') as Quoted}; }`,
  guardMessage: 'already installed at the pinned version and held',
  body: ({ packages, debVersion }) =>
    lines(
      sh`apt-mark unhold ${qAll(packages)}`,
      sh`apt-get update -q`,
      sh`DEBIAN_FRONTEND=noninteractive apt-get install -y ${qAll(packages.map((p) => `${p}=${debVersion}`))}`,
      sh`apt-mark hold ${qAll(packages)}`,
      sh`echo installed`,
    ),
});

/** The API server's `/version` at `url`, verified with the cluster CA (anonymous: system:public-info-viewer). */
export const apiServerVersion = (url: string): Quoted => sh`curl -fsS --max-time 10 --cacert ${q(CA_CERT)} ${q(`${url}/version`)}`;

export const kubeadmUpgradePlan = defineScript<{ to: string }>('kubeadm-upgrade-plan', {
  body: ({ to }) => sh`kubeadm upgrade plan ${q(to)}`,
});

export function kubeadmUpgradeApplyCommand({ to }: { to: string }): Quoted {
  return sh`kubeadm upgrade apply ${q(to)} --yes`;
}

export function kubeadmUpgradeNodeCommand(): Quoted {
  return sh`kubeadm upgrade node`;
}

export const drainNode = defineScript<{ node: string; timeoutSeconds: number }>('kubectl-drain', {
  body: ({ node, timeoutSeconds }) =>
    sh`kubectl --kubeconfig ${q(ADMIN_CONF)} drain ${q(node)} --ignore-daemonsets --delete-emptydir-data --timeout=${q(`${timeoutSeconds}s`)}`,
});

export const uncordonNode = defineScript<{ node: string }>('kubectl-uncordon', {
  body: ({ node }) => sh`kubectl --kubeconfig ${q(ADMIN_CONF)} uncordon ${q(node)}`,
});

export const restartKubelet = defineScript<Record<string, never>>('restart-kubelet', {
  body: () => sh`systemctl daemon-reload
systemctl restart kubelet`,
});

/** The static Pods `kubeadm upgrade apply|node` move to the new release. */
export const UPGRADED_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

/**
 * One host's upgrade evidence: the tools' versions, held packages, the control-plane manifests'
 * images, the API servers' `/version` at `apiUrls`, and the detached run `unit`'s state.
 */
export const upgradeHostFacts = defineScript<{ apiUrls: string[]; unit: string }>('upgrade-host-facts', {
  body: ({ apiUrls, unit }) =>
    lines(
      sh`set +e`,
      section('kubeadm', toolVersion('kubeadm')),
      section('kubelet', toolVersion('kubelet')),
      ...UPGRADED_COMPONENTS.map((c) => section(`manifest-${c}`, sh`sed -n 's/^ *image: *\\(.*\\)$/\\1/p' ${q(`${MANIFESTS_DIR}/${c}.yaml`)} 2>/dev/null | head -n 1`)),
      ...apiUrls.map((url, i) => section(`api-${i}`, apiServerVersion(url))),
      section('run', runState(unit)),
    ),
});

/** The cluster's versions seen from a control plane: through the endpoint, its own API server, and every Node. */
export const clusterVersions = defineScript<{ endpointUrl: string; localUrl: string }>('cluster-versions', {
  body: ({ endpointUrl, localUrl }) =>
    lines(
      sh`set +e`,
      section('endpoint', apiServerVersion(endpointUrl)),
      section('local', apiServerVersion(localUrl)),
      section('nodes', sh`kubectl --kubeconfig ${q(ADMIN_CONF)} get nodes -o json`),
    ),
});
