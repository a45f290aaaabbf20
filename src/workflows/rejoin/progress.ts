import type { StepStatus } from '../../shared/messages';
import type { EtcdSample, RejoinFailure, RejoinProgress, RejoinStepId, RejoinStepProgress } from '../../shared/operations';

/** Everything the rejoin's progress query shows; mutated only by the workflow's phases. */
export class RejoinProgressTracker {
  readonly steps: RejoinStepProgress[] = [];
  phase: RejoinProgress['phase'] = 'starting';
  via?: string;
  reachable?: boolean;
  replacing?: { from: string; to: string };
  readonly removedMemberIds: string[] = [];
  etcdMemberId?: string;
  readonly etcdSamples: EtcdSample[] = [];
  failure?: RejoinFailure;

  constructor(
    private readonly header: Pick<RejoinProgress, 'cluster' | 'node' | 'role' | 'requestedBy'>,
    private readonly now: () => string,
  ) {}

  declareStep(id: RejoinStepId, title: string, hosts: string[]): void {
    this.steps.push({ id, title, status: 'pending', hosts: hosts.map((host) => ({ host, status: 'pending', attempts: 0 })) });
  }

  private step(id: RejoinStepId): RejoinStepProgress {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown rejoin step ${id}`);
    return step;
  }

  startStep(id: RejoinStepId): void {
    const step = this.step(id);
    step.status = 'running';
    step.startedAt = this.now();
    this.phase = id;
  }

  setStepStatus(id: RejoinStepId, status: StepStatus): void {
    const step = this.step(id);
    step.status = status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') step.endedAt = this.now();
  }

  status(id: RejoinStepId): StepStatus | undefined {
    return this.steps.find((s) => s.id === id)?.status;
  }

  hostStarted(id: RejoinStepId, host: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = 'running';
    entry.startedAt ??= this.now();
    entry.attempts += 1;
  }

  hostEnded(id: RejoinStepId, host: string, status: 'succeeded' | 'failed' | 'skipped', error?: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = status;
    entry.endedAt = this.now();
    if (error !== undefined) entry.lastError = error;
  }

  snapshot(): RejoinProgress {
    return {
      ...this.header,
      phase: this.phase,
      ...(this.via ? { via: this.via } : {}),
      ...(this.reachable !== undefined ? { reachable: this.reachable } : {}),
      ...(this.replacing ? { replacing: this.replacing } : {}),
      steps: this.steps,
      removedMemberIds: this.removedMemberIds,
      ...(this.etcdMemberId ? { etcdMemberId: this.etcdMemberId } : {}),
      etcdSamples: this.etcdSamples,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** Markdown for the Temporal UI's "current details". */
  markdown(): string {
    const { cluster, node, role } = this.header;
    const what = this.replacing ? `replace ${node} (${role}) ${this.replacing.from} -> ${this.replacing.to}` : `rejoin ${node} (${role})`;
    const lines = [`**${cluster}** ${what} — ${this.phase}${this.via ? `, through ${this.via}` : ''}`, ''];
    for (const step of this.steps) {
      if (step.status === 'pending') continue;
      const err = step.hosts.find((h) => h.lastError)?.lastError;
      lines.push(`- ${step.title}: ${step.status}${err ? ` (${err})` : ''}`);
    }
    if (this.removedMemberIds.length) lines.push('', `etcd members removed: ${this.removedMemberIds.join(', ')}`);
    if (this.etcdMemberId) lines.push('', `etcd member now: ${this.etcdMemberId}`);
    if (this.failure) lines.push('', `**Failed** at ${this.failure.step}${this.failure.host ? ` on ${this.failure.host}` : ''}: ${this.failure.message}`);
    return lines.join('\n');
  }
}
