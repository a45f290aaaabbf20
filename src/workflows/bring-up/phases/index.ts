import type { Phase } from '../context';
import { approvalGate } from './approval-gate';
import { initControlPlane } from './init-control-plane';
import { installCni } from './install-cni';
import { joinControlPlanes } from './join-control-planes';
import { joinWorkers } from './join-workers';
import { configureLoadBalancer } from './load-balancer';
import { preflight } from './preflight';
import { probeLoadBalancer } from './probe-load-balancer';
import { verifyCluster } from './verify-cluster';
import { verifyEtcd } from './verify-etcd';

/** The HA runbook, top to bottom. */
export const BRING_UP_PHASES: readonly Phase[] = [
  preflight,
  configureLoadBalancer,
  probeLoadBalancer,
  approvalGate('before-init'),
  initControlPlane,
  installCni,
  joinControlPlanes,
  verifyEtcd,
  approvalGate('before-workers'),
  joinWorkers,
  verifyCluster,
];
