import { planOperation } from '../../plan/operation';
import type { CertificatesRequestPlan, PlannedCertificatesPhase } from './context';
import { CERTIFICATES_PHASES } from './phases';

export function planCertificates(request: CertificatesRequestPlan): PlannedCertificatesPhase[] {
  return planOperation(CERTIFICATES_PHASES, request);
}
