import type { ApprovalDecision, PendingApproval, StepStatus } from '../../shared/messages';
import type {
  EtcdSample,
  NodeVersion,
  RolloutControl,
  UpgradeFailure,
  UpgradeHostProgress,
  UpgradeHostStage,
  UpgradeProgress,
  UpgradeStepId,
  UpgradeStepProgress,
} from '../../shared/operations';
import type { ApprovalGate, HostSpec } from '../../spec/types';
import type { GateLedger } from '../bring-up/approvals';

/** Everything the upgrade's progress query shows; mutated only by the workflow's phases and handlers. */
export class UpgradeProgressTracker implements GateLedger {
  readonly steps: UpgradeStepProgress[] = [];
  readonly hosts: UpgradeHostProgress[];
  phase: UpgradeProgress['phase'] = 'starting';
  readonly pendingApprovals: PendingApproval[] = [];
  readonly approvals: ApprovalDecision[] = [];
  readonly etcdSamples: EtcdSample[] = [];
  paused?: RolloutControl & { since: string };
  abortRequested?: RolloutControl & { at: string };
  plan?: string;
  failure?: UpgradeFailure;

  constructor(
    private readonly header: Pick<UpgradeProgress, 'cluster' | 'from' | 'to' | 'maxUnavailable' | 'requestedBy'>,
    hosts: HostSpec[],
    private readonly now: () => string,
  ) {
    this.hosts = hosts
      .filter((h) => h.role !== 'load-balancer')
      .map((h) => ({ host: h.name, role: h.role, stage: 'pending' as const, cordoned: false }));
  }

  get requestedBy(): string {
    return this.header.requestedBy;
  }

  declareStep(id: UpgradeStepId, title: string, hosts: string[]): void {
    this.steps.push({ id, title, status: 'pending', hosts: hosts.map((host) => ({ host, status: 'pending', attempts: 0 })) });
  }

  private step(id: UpgradeStepId): UpgradeStepProgress {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown upgrade step ${id}`);
    return step;
  }

  startStep(id: UpgradeStepId): void {
    const step = this.step(id);
    step.status = 'running';
    step.startedAt = this.now();
    this.phase = id;
  }

  setStepStatus(id: UpgradeStepId, status: StepStatus): void {
    const step = this.step(id);
    step.status = status;
    if (status === 'succeeded' || status === 'failed' || status === 'skipped') step.endedAt = this.now();
  }

  hostStarted(id: UpgradeStepId, host: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = 'running';
    entry.startedAt ??= this.now();
    entry.attempts += 1;
  }

  hostEnded(id: UpgradeStepId, host: string, status: 'succeeded' | 'failed' | 'skipped', error?: string): void {
    const entry = this.step(id).hosts.find((h) => h.host === host);
    if (!entry) return;
    entry.status = status;
    entry.endedAt = this.now();
    if (error !== undefined) entry.lastError = error;
  }

  node(host: string): UpgradeHostProgress | undefined {
    return this.hosts.find((h) => h.host === host);
  }

  setStage(host: string, stage: UpgradeHostStage, error?: string): void {
    const node = this.node(host);
    if (!node) return;
    if (node.stage === 'pending' && stage !== 'pending') node.startedAt ??= this.now();
    node.stage = stage;
    if (stage === 'upgraded' || stage === 'failed') node.endedAt = this.now();
    if (error !== undefined) node.lastError = error;
  }

  setCordoned(host: string, cordoned: boolean): void {
    const node = this.node(host);
    if (node) node.cordoned = cordoned;
  }

  setVersion(host: string, kubelet: string): void {
    const node = this.node(host);
    if (node) node.kubelet = kubelet;
  }

  versions(): NodeVersion[] {
    return this.hosts.map(({ host, role, kubelet }) => ({ host, role, ...(kubelet ? { kubelet } : {}) }));
  }

  /** An aborted upgrade no longer asks for the gate's decision. */
  withdrawApproval(gate: ApprovalGate): void {
    const i = this.pendingApprovals.findIndex((p) => p.gate === gate);
    if (i >= 0) this.pendingApprovals.splice(i, 1);
  }

  isPending(gate: ApprovalGate): boolean {
    return this.pendingApprovals.some((p) => p.gate === gate);
  }

  snapshot(): UpgradeProgress {
    return {
      ...this.header,
      phase: this.phase,
      ...(this.paused ? { paused: this.paused } : {}),
      ...(this.abortRequested ? { abortRequested: this.abortRequested } : {}),
      steps: this.steps,
      hosts: this.hosts,
      pendingApprovals: this.pendingApprovals,
      approvals: this.approvals,
      ...(this.plan !== undefined ? { plan: this.plan } : {}),
      etcdSamples: this.etcdSamples,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** Markdown for the Temporal UI's "current details". */
  markdown(): string {
    const { cluster, from, to, maxUnavailable } = this.header;
    const lines = [`**${cluster}** upgrade ${from} → ${to} (maxUnavailable ${maxUnavailable}) — ${this.phase}`, ''];
    for (const step of this.steps) {
      if (step.status === 'pending') continue;
      const done = step.hosts.filter((h) => h.status === 'succeeded').length;
      const failed = step.hosts.filter((h) => h.status === 'failed').length;
      const counts = step.hosts.length ? ` (${done}/${step.hosts.length} hosts${failed ? `, ${failed} failed` : ''})` : '';
      lines.push(`- ${step.title}: ${step.status}${counts}`);
    }
    lines.push('', '| host | role | kubelet | stage |', '|---|---|---|---|');
    for (const h of this.hosts) lines.push(`| ${h.host} | ${h.role} | ${h.kubelet ?? '?'} | ${h.stage}${h.cordoned ? ' (cordoned)' : ''} |`);
    if (this.paused) lines.push('', `Paused by ${this.paused.by} since ${this.paused.since}${this.paused.reason ? `: ${this.paused.reason}` : ''}`);
    if (this.abortRequested) lines.push('', `Abort requested by ${this.abortRequested.by} at ${this.abortRequested.at}: stops at the next safe point`);
    for (const p of this.pendingApprovals) {
      lines.push('', `Waiting for approval \`${p.gate}\` since ${p.since}`);
      if (p.gate === 'before-upgrade-apply' && this.plan) lines.push('', '```', this.plan, '```');
    }
    if (this.failure) lines.push('', `**Failed** at ${this.failure.step}${this.failure.host ? ` on ${this.failure.host}` : ''}: ${this.failure.message}`);
    return lines.join('\n');
  }
}
