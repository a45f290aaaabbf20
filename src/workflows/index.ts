/** Every workflow the kubeha worker runs; the worker bundles this module. */
export { bringUpCluster } from './bring-up-cluster';
export { joinHost } from './join-host';
export { clusterLifecycle } from './cluster-lifecycle';
export { upgradeCluster } from './upgrade-cluster';
export { resetCluster } from './reset-cluster';
export { manageCertificates } from './manage-certificates';
export { scheduledCertificatesCheck } from './scheduled-certificates-check';
export { applyClusterSpec } from './apply-spec';
export { rejoinNode } from './rejoin-node';
export { failoverDrill } from './failover-drill';
