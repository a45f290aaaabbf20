import { ApplicationFailure, condition } from '@temporalio/workflow';
import { APPROVAL_GATES, type ApprovalDecision, type ApproveInput, type RejectInput } from '../../shared/messages';
import type { ApprovalGate } from '../../spec/types';
import type { ProgressTracker } from './progress';

/** Thrown out of a gate when someone rejected it; the workflow turns it into a `rejected` result. */
export class GateRejected extends Error {
  constructor(readonly decision: RejectInput) {
    super(`gate ${decision.gate} rejected by ${decision.by}: ${decision.reason}`);
    this.name = 'GateRejected';
  }
}

/** Approval gates: which are pending, who decided what, and the wait itself. */
export class ApprovalGates {
  private readonly decided = new Map<ApprovalGate, ApprovalDecision>();

  constructor(
    private readonly progress: ProgressTracker,
    private readonly now: () => string,
  ) {}

  /** Synchronous: an update validator must throw before any work starts. */
  validate(input: { gate: unknown; by?: unknown }, extra: { reason?: unknown } | undefined): void {
    if (typeof input.gate !== 'string' || !(APPROVAL_GATES as readonly string[]).includes(input.gate)) {
      throw ApplicationFailure.nonRetryable(`unknown gate ${JSON.stringify(input.gate)}; gates are ${APPROVAL_GATES.join(', ')}`, 'UnknownGate');
    }
    if (typeof input.by !== 'string' || input.by.trim() === '') {
      throw ApplicationFailure.nonRetryable('an approval decision needs `by` (who decided)', 'InvalidApproval');
    }
    if (extra && (typeof extra.reason !== 'string' || extra.reason.trim() === '')) {
      throw ApplicationFailure.nonRetryable('a rejection needs a reason', 'InvalidApproval');
    }
    if (!this.progress.isPending(input.gate as ApprovalGate)) {
      const pending = this.progress.pendingApprovals.map((p) => p.gate);
      throw ApplicationFailure.nonRetryable(
        `gate ${input.gate} is not pending${pending.length ? ` (pending: ${pending.join(', ')})` : ' (nothing is waiting for approval now)'}`,
        'GateNotPending',
      );
    }
  }

  approve(input: ApproveInput): ApprovalDecision {
    return this.decide({ decision: 'approved', at: this.now(), gate: input.gate, by: input.by, ...(input.comment ? { comment: input.comment } : {}) });
  }

  reject(input: RejectInput): ApprovalDecision {
    return this.decide({ decision: 'rejected', at: this.now(), gate: input.gate, by: input.by, reason: input.reason });
  }

  /** For signals, which have no validator: invalid ones are ignored. */
  tryDecide(decide: () => ApprovalDecision, validate: () => void): void {
    try {
      validate();
    } catch {
      return;
    }
    decide();
  }

  private decide(decision: ApprovalDecision): ApprovalDecision {
    if (!this.decided.has(decision.gate)) {
      this.decided.set(decision.gate, decision);
      this.progress.approvals.push(decision);
      const index = this.progress.pendingApprovals.findIndex((p) => p.gate === decision.gate);
      if (index >= 0) this.progress.pendingApprovals.splice(index, 1);
    }
    return this.decided.get(decision.gate) as ApprovalDecision;
  }

  /** Holds until the gate is decided; throws GateRejected on reject. */
  async wait(gate: ApprovalGate): Promise<ApprovalDecision> {
    this.progress.pendingApprovals.push({ gate, since: this.now() });
    await condition(() => this.decided.has(gate));
    const decision = this.decided.get(gate) as ApprovalDecision;
    if (decision.decision === 'rejected') throw new GateRejected(decision);
    return decision;
  }
}
