import type { HostStatus } from '../../shared/messages';
import type { CertificatesProgress, CertificatesStepId, CertificatesStepProgress, HostCertificates } from '../../shared/operations';
import { certificatesToRenew } from '../../certificates/expiration';

/** Everything the certificate operation's progress query shows; mutated only by the workflow's phases. */
export class CertificatesProgressTracker {
  readonly steps: CertificatesStepProgress[] = [];
  readonly hosts: HostCertificates[] = [];
  phase: CertificatesProgress['phase'] = 'starting';
  failure?: CertificatesProgress['failure'];

  constructor(
    private readonly header: Pick<CertificatesProgress, 'cluster' | 'action' | 'renewWithinDays' | 'requestedBy'>,
    private readonly now: () => string,
  ) {}

  declareStep(id: CertificatesStepId, title: string, hosts: string[]): void {
    this.steps.push({ id, title, status: 'pending', hosts: hosts.map((host) => ({ host, status: 'pending', attempts: 0 })) });
  }

  private step(id: CertificatesStepId): CertificatesStepProgress {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`unknown certificates step ${id}`);
    return step;
  }

  startStep(id: CertificatesStepId): void {
    const step = this.step(id);
    step.status = 'running';
    step.startedAt = this.now();
    this.phase = id;
  }

  endStep(id: CertificatesStepId, status: 'succeeded' | 'failed'): void {
    const step = this.step(id);
    step.status = status;
    step.endedAt = this.now();
  }

  hostStarted(id: CertificatesStepId, host: string): void {
    const h = this.step(id).hosts.find((x) => x.host === host);
    if (!h) return;
    h.status = 'running';
    h.attempts += 1;
    h.startedAt = this.now();
  }

  hostEnded(id: CertificatesStepId, host: string, status: HostStatus, error?: string): void {
    const h = this.step(id).hosts.find((x) => x.host === host);
    if (!h) return;
    h.status = status;
    h.endedAt = this.now();
    if (error) h.lastError = error;
  }

  /** The latest facts of a control plane; `renewed` sticks once set. */
  setHost(facts: Omit<HostCertificates, 'renewed'>, renewed = false): HostCertificates {
    const i = this.hosts.findIndex((h) => h.host === facts.host);
    const entry: HostCertificates = { ...facts, renewed: renewed || (this.hosts[i]?.renewed ?? false) };
    if (i >= 0) this.hosts[i] = entry;
    else {
      // In the order the steps declare the control planes (the spec's), whichever answered first.
      this.hosts.push(entry);
      const order = this.steps[0]?.hosts.map((h) => h.host) ?? [];
      this.hosts.sort((a, b) => order.indexOf(a.host) - order.indexOf(b.host));
    }
    return entry;
  }

  host(name: string): HostCertificates | undefined {
    return this.hosts.find((h) => h.host === name);
  }

  snapshot(): CertificatesProgress {
    return {
      ...this.header,
      phase: this.phase,
      steps: this.steps.map((s) => ({ ...s, hosts: s.hosts.map((h) => ({ ...h })) })),
      hosts: this.hosts.map((h) => ({ ...h })),
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** For the UI's current details. */
  markdown(nowMs: number): string {
    const { cluster, action, renewWithinDays, requestedBy } = this.header;
    const out = [`**certificates ${action}** of \`${cluster}\` (renew within ${renewWithinDays} days), asked by ${requestedBy}: **${this.phase}**`, ''];
    for (const s of this.steps) out.push(`- ${s.title}: ${s.status}${s.hosts.length ? ` (${s.hosts.map((h) => `${h.host} ${h.status}`).join(', ')})` : ''}`);
    if (this.hosts.length) {
      out.push('', '| host | earliest expiry | due | renewed |', '|---|---|---|---|');
      for (const h of this.hosts) {
        const earliest = h.certificates.map((c) => c.expires).sort()[0] ?? '?';
        out.push(`| ${h.host} | ${earliest} | ${certificatesToRenew(h, nowMs, renewWithinDays).length} | ${h.renewed ? 'yes' : 'no'} |`);
      }
    }
    if (this.failure) out.push('', `failed at ${this.failure.step}${this.failure.host ? ` on ${this.failure.host}` : ''}: ${this.failure.message}`);
    return out.join('\n');
  }
}
