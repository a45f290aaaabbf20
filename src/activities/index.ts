/** `createActivities(deps)`: every activity of KubehaActivities, built on one SSH pool. */
import { silentLogger } from '../logging';
import { SshPool } from '../ssh/pool';
import { createAbandonJoinActivities } from './abandon-join';
import { createCertificateActivities } from './certificates';
import { createClusterConfigActivities } from './cluster-config';
import { createCniActivities } from './cni';
import { createDrainActivities } from './drain';
import { createDrillActivities } from './drill';
import { createCredentialActivities } from './credentials';
import type { ActivityDeps, CreateActivitiesInput } from './deps';
import { createEtcdActivities } from './etcd';
import { createJoinActivities } from './join';
import { createInitActivities } from './kubeadm-init';
import { createKubeadmUpgradeActivities } from './kubeadm-upgrade';
import { createLoadBalancerActivities } from './load-balancer';
import { createPreflightActivities } from './preflight';
import { createResetActivities } from './reset';
import { createRejoinActivities } from './rejoin';
import { createSharedCertificateActivities } from './shared-certificates';
import type { KubehaActivities } from './types';
import { createUpgradeFactActivities } from './upgrade-facts';
import { createUpgradePackageActivities } from './upgrade-packages';
import { createVerifyActivities } from './verify';

export type { ActivityDeps, CreateActivitiesInput };

export function createActivities(input: Partial<CreateActivitiesInput> = {}): KubehaActivities {
  const deps: ActivityDeps = {
    ssh: input.ssh ?? new SshPool(),
    logger: input.logger ?? silentLogger(),
    clock: input.clock ?? Date.now,
    ...(input.files ? { files: input.files } : {}),
  };
  return {
    ...createPreflightActivities(deps),
    ...createLoadBalancerActivities(deps),
    ...createInitActivities(deps),
    ...createCredentialActivities(deps),
    ...createCniActivities(deps),
    ...createJoinActivities(deps),
    ...createSharedCertificateActivities(deps),
    ...createAbandonJoinActivities(deps),
    ...createEtcdActivities(deps),
    ...createVerifyActivities(deps),
    ...createUpgradeFactActivities(deps),
    ...createUpgradePackageActivities(deps),
    ...createKubeadmUpgradeActivities(deps),
    ...createDrainActivities(deps),
    ...createResetActivities(deps),
    ...createDrillActivities(deps),
    ...createRejoinActivities(deps),
    ...createCertificateActivities(deps),
    ...createClusterConfigActivities(deps),
  };
}
