import type { ApprovalDecision, HostStatus, PendingApproval, StepStatus } from '../../shared/messages';
import type { ResetFailure, ResetHostOutcome, ResetHostProgress, ResetHostStage, ResetProgress, ResetStepId, ResetStepProgress } from '../../shared/operations';
import type { ApprovalGate, HostSpec } from '../../spec/types';
import type { GateLedger } from '../bring-up/approvals';

/** Everything the reset's progress query shows; mutated only by the workflow's phases and handlers. */
export class ResetProgressTracker implements GateLedger {
  readonly steps: ResetStepProgress[] = [];
  readonly hosts: ResetHostProgress[];
  phase: ResetProgress['phase'] = 'starting';
  readonly pendingApprovals: PendingApproval[] = [];
  readonly approvals: ApprovalDecision[] = [];
  readonly outcomes: ResetHostOutcome[] = [];
  failure?: ResetFailure;

  constructor(
    private readonly header: Pick<ResetProgress, 'cluster' | 'requestedBy' | 'plan'>,
    hosts: HostSpec[],
    private readonly now: () => string,
  ) {
    this.hosts = hosts.filter((h) => h.role !== 'load-balancer').map((h) => ({ host: h.name, role: h.role, stage: 'pending' as const }));
  }

  get requestedBy(): string {
    return this.header.requestedBy;
  }

  declareStep(id: ResetStepId, title: string, hosts: string[]): void {
    this.steps.push({ id, title, status: 'pending', hosts: hosts.map((host) => ({ host, status: 'pending', attempts: 0 })) });
  }

  private step(id: ResetStepId): ResetStepProgress {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown reset step ${id}`);
    return step;
  }

  startStep(id: ResetStepId): void {
    const step = this.step(id);
    step.status = 'running';
    step.startedAt = this.now();
    this.phase = id;
  }

  setStepStatus(id: ResetStepId, status: StepStatus): void {
    const step = this.step(id);
    step.status = status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') step.endedAt = this.now();
  }

  hostStarted(id: ResetStepId, host: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = 'running';
    entry.startedAt ??= this.now();
    entry.attempts += 1;
  }

  hostEnded(id: ResetStepId, host: string, status: Exclude<HostStatus, 'pending' | 'running'>, error?: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = status;
    entry.endedAt = this.now();
    if (error !== undefined) entry.lastError = error;
  }

  setStage(host: string, stage: ResetHostStage, error?: string): void {
    const node = this.hosts.find((h) => h.host === host);
    if (!node) return;
    node.stage = stage;
    if (error !== undefined) node.lastError = error;
  }

  /** Hosts fully reset so far. */
  resetHosts(): string[] {
    return this.hosts.filter((h) => h.stage === 'reset').map((h) => h.host);
  }

  isPending(gate: ApprovalGate): boolean {
    return this.pendingApprovals.some((p) => p.gate === gate);
  }

  snapshot(): ResetProgress {
    return {
      ...this.header,
      phase: this.phase,
      steps: this.steps,
      hosts: this.hosts,
      pendingApprovals: this.pendingApprovals,
      approvals: this.approvals,
      outcomes: this.outcomes,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** Markdown for the Temporal UI's "current details". */
  markdown(): string {
    const lines = [`**${this.header.cluster}** reset — ${this.phase}`, ''];
    for (const step of this.steps) {
      if (step.status === 'pending') continue;
      const done = step.hosts.filter((h) => h.status === 'succeeded').length;
      const failed = step.hosts.filter((h) => h.status === 'failed').length;
      const counts = step.hosts.length ? ` (${done}/${step.hosts.length} hosts${failed ? `, ${failed} failed` : ''})` : '';
      lines.push(`- ${step.title}: ${step.status}${counts}`);
    }
    lines.push('', '| host | role | stage |', '|---|---|---|');
    for (const h of this.hosts) lines.push(`| ${h.host} | ${h.role} | ${h.stage}${h.lastError ? ` (${h.lastError})` : ''} |`);
    for (const p of this.pendingApprovals) lines.push('', `Waiting for approval \`${p.gate}\` since ${p.since}`, '', '```', this.header.plan, '```');
    if (this.failure) lines.push('', `**Failed** at ${this.failure.step}${this.failure.host ? ` on ${this.failure.host}` : ''}: ${this.failure.message}`);
    return lines.join('\n');
  }
}
