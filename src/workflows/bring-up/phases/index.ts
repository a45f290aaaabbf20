import { workers } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { approvalGate } from './approval-gate';
import { distributeCertificates } from './distribute-certificates';
import { initControlPlane } from './init-control-plane';
import { installCni } from './install-cni';
import { joinControlPlanes } from './join-control-planes';
import { joinWorkers } from './join-workers';
import { configureLoadBalancer } from './load-balancer';
import { preflight } from './preflight';
import { probeLoadBalancer } from './probe-load-balancer';
import { verifyCluster } from './verify-cluster';
import { verifyEtcd } from './verify-etcd';

/** Holds the workers' joins; with no workers there is nothing to hold, so it is not part of the run. */
export const approveBeforeWorkers = approvalGate('before-workers', (spec) => workers(spec).length > 0);

/** The HA runbook, top to bottom: what `kubeha plan` prints, progress declares and the workflow runs. */
export const BRING_UP_PHASES: readonly BringUpPhase[] = [
  preflight,
  configureLoadBalancer,
  probeLoadBalancer,
  approvalGate('before-init'),
  initControlPlane,
  installCni,
  distributeCertificates,
  joinControlPlanes,
  verifyEtcd,
  approveBeforeWorkers,
  joinWorkers,
  verifyCluster,
];
