import type { StepStatus } from '../../shared/messages';
import type { DrillFailure, DrillProgress, DrillRow, DrillStepId, DrillStepProgress } from '../../shared/operations';
import { formatDrillTable } from './table';

/** Everything the drill's progress query shows; mutated only by the workflow's phases. */
export class DrillProgressTracker {
  readonly steps: DrillStepProgress[] = [];
  readonly rows: DrillRow[];
  phase: DrillProgress['phase'] = 'starting';
  failure?: DrillFailure;

  constructor(
    private readonly header: Pick<DrillProgress, 'cluster' | 'maxOutageMs' | 'requestedBy'>,
    controlPlanes: string[],
    stopped: string[],
    private readonly now: () => string,
  ) {
    this.rows = controlPlanes.map((host) => ({ host, stopped, verdict: 'pending', problems: [] }));
  }

  declareStep(id: DrillStepId, title: string, hosts: string[]): void {
    this.steps.push({ id, title, status: 'pending', hosts: hosts.map((host) => ({ host, status: 'pending', attempts: 0 })) });
  }

  private step(id: DrillStepId): DrillStepProgress {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown drill step ${id}`);
    return step;
  }

  startStep(id: DrillStepId): void {
    const step = this.step(id);
    step.status = 'running';
    step.startedAt = this.now();
    this.phase = id;
  }

  setStepStatus(id: DrillStepId, status: StepStatus): void {
    const step = this.step(id);
    step.status = status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') step.endedAt = this.now();
  }

  hostStarted(id: DrillStepId, host: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = 'running';
    entry.startedAt ??= this.now();
    entry.attempts += 1;
  }

  hostEnded(id: DrillStepId, host: string, status: 'succeeded' | 'failed' | 'skipped', error?: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = status;
    entry.endedAt = this.now();
    if (error !== undefined) entry.lastError = error;
  }

  row(host: string): DrillRow {
    const row = this.rows.find((r) => r.host === host);
    if (!row) throw new Error(`no drill row for ${host}`);
    return row;
  }

  snapshot(): DrillProgress {
    return { ...this.header, phase: this.phase, steps: this.steps, rows: this.rows, ...(this.failure ? { failure: this.failure } : {}) };
  }

  /** Markdown for the Temporal UI's "current details". */
  markdown(): string {
    const { cluster, maxOutageMs } = this.header;
    const lines = [`**${cluster}** failover drill (outage bound ${maxOutageMs} ms) — ${this.phase}`, ''];
    for (const step of this.steps) if (step.status !== 'pending') lines.push(`- ${step.title}: ${step.status}`);
    lines.push('', '```', formatDrillTable(this.rows).trimEnd(), '```');
    if (this.failure) lines.push('', `**Failed** at ${this.failure.step}${this.failure.host ? ` on ${this.failure.host}` : ''}: ${this.failure.message}`);
    return lines.join('\n');
  }
}
