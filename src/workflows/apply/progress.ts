import type { ApprovalDecision, PendingApproval, StepStatus } from '../../shared/messages';
import type { ApplyProgress, ApplyStepId, ApplyStepProgress } from '../../shared/apply';
import type { ApprovalGate } from '../../spec/types';
import type { GateLedger } from '../bring-up/approvals';

/** What the apply's progress query shows; changed only by its phases and handlers. */
export class ApplyProgressTracker implements GateLedger {
  readonly steps: ApplyStepProgress[] = [];
  readonly pendingApprovals: PendingApproval[] = [];
  readonly approvals: ApprovalDecision[] = [];
  phase: ApplyProgress['phase'] = 'starting';
  failure?: ApplyProgress['failure'];

  constructor(
    private readonly header: Pick<ApplyProgress, 'cluster' | 'add' | 'remove' | 'requestedBy'>,
    private readonly now: () => string,
  ) {}

  get requestedBy(): string {
    return this.header.requestedBy;
  }

  isPending(gate: ApprovalGate): boolean {
    return this.pendingApprovals.some((p) => p.gate === gate);
  }

  declareStep(id: ApplyStepId, title: string, hosts: string[]): void {
    this.steps.push({ id, title, status: 'pending', hosts: hosts.map((host) => ({ host, status: 'pending', attempts: 0 })) });
  }

  private step(id: ApplyStepId): ApplyStepProgress {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown apply step ${id}`);
    return step;
  }

  setStepStatus(id: ApplyStepId, status: StepStatus): void {
    const step = this.step(id);
    if (status === 'running') {
      step.startedAt = this.now();
      this.phase = id;
    }
    step.status = status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') step.endedAt = this.now();
  }

  host(id: ApplyStepId, host: string, status: 'running' | 'succeeded' | 'failed', error?: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = status;
    if (status === 'running') {
      entry.attempts += 1;
      entry.startedAt ??= this.now();
    } else entry.endedAt = this.now();
    if (error !== undefined) entry.lastError = error;
  }

  snapshot(): ApplyProgress {
    return { ...this.header, phase: this.phase, steps: this.steps, pendingApprovals: this.pendingApprovals, approvals: this.approvals, ...(this.failure ? { failure: this.failure } : {}) };
  }

  markdown(): string {
    const lines = [`## Apply to ${this.header.cluster}`, '', `add: ${this.header.add.join(', ') || '-'}; remove: ${this.header.remove.join(', ') || '-'}; phase **${this.phase}**`, ''];
    for (const s of this.steps) lines.push(`- ${s.title}: **${s.status}**${s.hosts.length ? ` (${s.hosts.map((h) => `${h.host} ${h.status}`).join(', ')})` : ''}`);
    return lines.join('\n');
  }
}
