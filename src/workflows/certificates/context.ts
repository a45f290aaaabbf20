import type { ClusterSettings } from '../../activities/types';
import type { DeclaredPhase, PhaseDescription, PlannedPhase } from '../../plan/operation';
import type { CertificatesStepId, CertificatesTuning } from '../../shared/operations';
import type { ClusterSpec } from '../../spec/types';
import type { CertificateActivityProxies } from './activities';
import type { CertificatesProgressTracker } from './progress';

/** What the certificate operation's phases describe themselves from. */
export interface CertificatesRequestPlan {
  spec: ClusterSpec;
  action: 'check' | 'renew';
  renewWithinDays: number;
}

export interface CertificatesContext extends CertificatesRequestPlan {
  settings: ClusterSettings;
  tuning: CertificatesTuning;
  acts: CertificateActivityProxies;
  progress: CertificatesProgressTracker;
}

export type CertificatesStep = PhaseDescription<CertificatesStepId>;
export type CertificatesPhase = DeclaredPhase<CertificatesRequestPlan, CertificatesContext, CertificatesStep>;
export type PlannedCertificatesPhase = PlannedPhase<CertificatesContext, CertificatesStep>;

/** Ends the operation on an error: the step, the host and what went wrong. */
export class CertificatesStepFailed extends Error {
  constructor(
    readonly step: CertificatesStepId,
    readonly host: string | undefined,
    readonly detail: string,
  ) {
    super(`${step}${host ? ` on ${host}` : ''}: ${detail}`);
    this.name = 'CertificatesStepFailed';
  }
}
