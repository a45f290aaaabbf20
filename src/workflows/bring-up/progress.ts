import type { EtcdMember } from '../../activities/types';
import type { ApprovalGate, HostSpec } from '../../spec/types';
import type {
  ApprovalDecision,
  BringUpFailure,
  BringUpProgress,
  CredentialRenewals,
  HostProgress,
  HostStatus,
  HostSummary,
  PendingApproval,
  RenewalFailure,
  StepId,
  StepProgress,
  StepStatus,
} from '../../shared/messages';

const HOST_RANK: Record<HostStatus, number> = { pending: 0, skipped: 1, running: 2, succeeded: 3, failed: 4 };

/** Everything the progress query shows; mutated only by the workflow's phases and handlers. */
export class ProgressTracker {
  readonly steps: StepProgress[] = [];
  phase: BringUpProgress['phase'] = 'starting';
  readonly pendingApprovals: PendingApproval[] = [];
  readonly approvals: ApprovalDecision[] = [];
  readonly renewals: CredentialRenewals = { certificateKey: 0, joinToken: 0 };
  readonly renewalFailures: RenewalFailure[] = [];
  etcdMembers?: EtcdMember[];
  failure?: BringUpFailure;
  private readonly startOrder: StepId[] = [];
  /** Each step's host entries by name: hundreds of hosts report many times each. */
  private readonly hostIndex = new Map<StepId, Map<string, HostProgress>>();

  constructor(
    readonly cluster: string,
    private readonly hosts: HostSpec[],
    readonly requestedBy: string | undefined,
    private readonly now: () => string,
  ) {}

  /** A step of this run with the hosts it will act on, all pending. */
  declareStep(id: StepId, title: string, hosts: string[] = []): void {
    const entries = hosts.map((host): HostProgress => ({ host, status: 'pending', attempts: 0 }));
    this.steps.push({ id, title, status: 'pending', hosts: entries });
    this.hostIndex.set(id, new Map(entries.map((e) => [e.host, e])));
  }

  step(id: StepId): StepProgress {
    const step = this.findStep(id);
    if (!step) throw new Error(`unknown step ${id}`);
    return step;
  }

  /** Undefined when the step is not part of this run. */
  findStep(id: StepId): StepProgress | undefined {
    return this.steps.find((s) => s.id === id);
  }

  /** Hosts that failed in `id`, none when the step is not part of this run. */
  failedHosts(id: StepId): string[] {
    return (this.findStep(id)?.hosts ?? []).filter((h) => h.status === 'failed').map((h) => h.host);
  }

  startStep(id: StepId): void {
    const step = this.step(id);
    this.startOrder.push(id);
    step.status = 'running';
    step.startedAt = this.now();
    this.phase = id;
  }

  /** The most recently started step still running or waiting: the phase once steps run side by side. */
  latestActiveStep(): StepId | undefined {
    for (let i = this.startOrder.length - 1; i >= 0; i--) {
      const id = this.startOrder[i] as StepId;
      const status = this.findStep(id)?.status;
      if (status === 'running' || status === 'waiting') return id;
    }
    return undefined;
  }

  setStepStatus(id: StepId, status: StepStatus): void {
    const step = this.step(id);
    step.status = status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') step.endedAt = this.now();
  }

  host(id: StepId, host: string): HostProgress {
    const step = this.step(id);
    const index = this.hostIndex.get(id) ?? new Map<string, HostProgress>();
    this.hostIndex.set(id, index);
    let entry = index.get(host);
    if (!entry) {
      entry = { host, status: 'pending', attempts: 0 };
      step.hosts.push(entry);
      index.set(host, entry);
    }
    return entry;
  }

  hostStarted(id: StepId, host: string): void {
    const entry = this.host(id, host);
    entry.status = 'running';
    entry.startedAt ??= this.now();
    entry.attempts += 1;
  }

  hostRetrying(id: StepId, host: string, error: string): void {
    const entry = this.host(id, host);
    entry.lastError = error;
    entry.attempts += 1;
  }

  hostEnded(id: StepId, host: string, status: 'succeeded' | 'failed', attempts?: number, error?: string): void {
    const entry = this.host(id, host);
    entry.status = status;
    entry.endedAt = this.now();
    if (attempts !== undefined && attempts > entry.attempts) entry.attempts = attempts;
    if (error !== undefined) entry.lastError = error;
  }

  hostSummaries(): HostSummary[] {
    return this.hosts.map((h) => {
      let best: HostSummary = { name: h.name, role: h.role, state: 'pending' };
      for (const step of this.steps) {
        const entry = this.hostIndex.get(step.id)?.get(h.name);
        if (entry && HOST_RANK[entry.status] >= HOST_RANK[best.state]) best = { ...best, state: entry.status, step: step.id };
        if (best.state === 'failed') break;
      }
      return best;
    });
  }

  isPending(gate: ApprovalGate): boolean {
    return this.pendingApprovals.some((p) => p.gate === gate);
  }

  snapshot(): BringUpProgress {
    return {
      cluster: this.cluster,
      phase: this.phase,
      requestedBy: this.requestedBy,
      steps: this.steps,
      hosts: this.hostSummaries(),
      pendingApprovals: this.pendingApprovals,
      approvals: this.approvals,
      renewals: this.renewals,
      ...(this.renewalFailures.length ? { renewalFailures: this.renewalFailures } : {}),
      etcdMembers: this.etcdMembers,
      failure: this.failure,
    };
  }

  /** Markdown for the Temporal UI's "current details". */
  markdown(): string {
    const lines = [`**${this.cluster}** — ${this.phase}`, ''];
    for (const step of this.steps) {
      if (step.status === 'pending') continue;
      const done = step.hosts.filter((h) => h.status === 'succeeded').length;
      const failed = step.hosts.filter((h) => h.status === 'failed').length;
      const counts = step.hosts.length ? ` (${done}/${step.hosts.length} hosts${failed ? `, ${failed} failed` : ''})` : '';
      lines.push(`- ${step.title}: ${step.status}${counts}`);
    }
    for (const p of this.pendingApprovals) lines.push('', `Waiting for approval \`${p.gate}\` since ${p.since}`);
    if (this.failure) lines.push('', `**Failed** at ${this.failure.step}${this.failure.host ? ` on ${this.failure.host}` : ''}: ${this.failure.message}`);
    return lines.join('\n');
  }
}
