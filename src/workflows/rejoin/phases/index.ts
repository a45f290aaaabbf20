import type { RejoinPhase } from '../context';
import { checkCluster } from './check-cluster';
import { checkReplacement } from './check-replacement';
import { copyCertificates } from './copy-certificates';
import { drainNode } from './drain-node';
import { joinNode } from './join-node';
import { preflightHost } from './preflight-host';
import { removeNode } from './remove-node';
import { resetHost } from './reset-host';
import { updateClusterConfig } from './update-cluster-config';
import { updateLoadBalancer } from './update-load-balancer';
import { verifyRejoin } from './verify-rejoin';

/**
 * The runbook's remove-and-join, top to bottom: what progress declares and the workflow runs. A
 * replace (the node joins from a host at a new address) runs the same list: check-replacement
 * instead of drain-node, and the certSANs and load-balancer phases around the join.
 */
export const REJOIN_PHASES: readonly RejoinPhase[] = [
  checkCluster,
  checkReplacement,
  drainNode,
  removeNode,
  updateClusterConfig,
  resetHost,
  preflightHost,
  copyCertificates,
  joinNode,
  updateLoadBalancer,
  verifyRejoin,
];
