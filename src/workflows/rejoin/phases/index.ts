import type { RejoinPhase } from '../context';
import { checkCluster } from './check-cluster';
import { copyCertificates } from './copy-certificates';
import { drainNode } from './drain-node';
import { joinNode } from './join-node';
import { preflightHost } from './preflight-host';
import { removeNode } from './remove-node';
import { resetHost } from './reset-host';
import { verifyRejoin } from './verify-rejoin';

/** The runbook's remove-and-join, top to bottom: what progress declares and the workflow runs. */
export const REJOIN_PHASES: readonly RejoinPhase[] = [checkCluster, drainNode, removeNode, resetHost, preflightHost, copyCertificates, joinNode, verifyRejoin];
