import { ApplicationFailure, condition, patched } from '@temporalio/workflow';
import { APPROVAL_GATES, type ApprovalDecision, type ApproveInput, type GateTimeout, type PendingApproval, type RejectInput } from '../../shared/messages';
import { formatDuration, formatElapsed } from '../../spec/duration';
import type { ApprovalGate } from '../../spec/types';

/** What the gates read and write of an operation's progress (the bring-up's ProgressTracker, the upgrade's). */
export interface GateLedger {
  readonly requestedBy: string | undefined;
  readonly pendingApprovals: PendingApproval[];
  readonly approvals: ApprovalDecision[];
  isPending(gate: ApprovalGate): boolean;
}

export interface GateOptions {
  /** The gates this operation has; others are UnknownGate. Default: the bring-up's. */
  gates?: readonly ApprovalGate[];
  /** Named in messages ("requested this bring-up"). */
  operation?: string;
}

/** A gate with a timeout waits on a timer; histories from before that never had one. */
export const GATE_TIMEOUT_PATCH = 'gate-timeout';

/** Thrown out of a gate when someone rejected it; the workflow turns it into a `rejected` result. */
export class GateRejected extends Error {
  constructor(readonly decision: RejectInput) {
    super(`gate ${decision.gate} rejected by ${decision.by}: ${decision.reason}`);
    this.name = 'GateRejected';
  }
}

/** Thrown out of a gate nobody decided within its timeout; the workflow fails with GateTimedOut. */
export class GateTimedOut extends Error {
  constructor(readonly timeout: GateTimeout) {
    super(
      `gate ${timeout.gate} timed out: nobody approved or rejected it within ${formatDuration(timeout.timeoutMs)} ` +
        `(waited ${formatElapsed(timeout.waitedMs)}); start the bring-up again and approve in time, or raise the gate's timeout in the spec`,
    );
    this.name = 'GateTimedOut';
  }
}

type Kind = ApprovalDecision['decision'];

const MAX_BY = 256;
const MAX_TEXT = 2_000;

/** Approval gates: which are pending, who decided what, and the wait itself. */
export class ApprovalGates {
  private readonly decided = new Map<ApprovalGate, ApprovalDecision>();

  constructor(
    private readonly progress: GateLedger,
    private readonly now: () => string,
    /** spec.allowSelfApproval: may the requester approve too? */
    private readonly allowSelfApproval = false,
    private readonly options: GateOptions = {},
  ) {}

  /** Synchronous: an update validator must throw before any work starts. */
  validate(kind: Kind, input: { gate: unknown; by?: unknown; reason?: unknown; comment?: unknown }): void {
    const known = this.options.gates ?? APPROVAL_GATES;
    if (typeof input.gate !== 'string' || !(known as readonly string[]).includes(input.gate)) {
      throw ApplicationFailure.nonRetryable(`unknown gate ${JSON.stringify(input.gate)}; gates are ${known.join(', ')}`, 'UnknownGate');
    }
    if (typeof input.by !== 'string' || input.by.trim() === '') {
      throw ApplicationFailure.nonRetryable('an approval decision needs `by` (who decided)', 'InvalidApproval');
    }
    if (kind === 'rejected' && (typeof input.reason !== 'string' || input.reason.trim() === '')) {
      throw ApplicationFailure.nonRetryable('a rejection needs a reason', 'InvalidApproval');
    }
    for (const [field, value, max] of [['by', input.by, MAX_BY], ['reason', input.reason, MAX_TEXT], ['comment', input.comment, MAX_TEXT]] as const) {
      if (value !== undefined && (typeof value !== 'string' || value.length > max)) {
        throw ApplicationFailure.nonRetryable(`\`${field}\` must be text of at most ${max} characters`, 'InvalidApproval');
      }
    }
    if (kind === 'approved' && !this.allowSelfApproval && this.progress.requestedBy !== undefined && input.by === this.progress.requestedBy) {
      throw ApplicationFailure.nonRetryable(
        `${input.by} requested this ${this.options.operation ?? 'bring-up'} and cannot also approve it: another person (or service) must, unless the spec sets allowSelfApproval: true`,
        'SelfApproval',
      );
    }
    const gate = input.gate as ApprovalGate;
    const earlier = this.decided.get(gate);
    // The same person deciding the same way again (a retry) gets the decision already made.
    if (earlier && earlier.decision === kind && earlier.by === input.by) return;
    if (!this.progress.isPending(gate)) {
      const pending = this.progress.pendingApprovals.map((p) => p.gate);
      const why = earlier
        ? ` (already ${earlier.decision} by ${earlier.by} at ${earlier.at})`
        : pending.length
          ? ` (pending: ${pending.join(', ')})`
          : ' (nothing is waiting for approval now)';
      throw ApplicationFailure.nonRetryable(`gate ${gate} is not pending${why}`, 'GateNotPending');
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
      this.dropPending(decision.gate);
    }
    return this.decided.get(decision.gate) as ApprovalDecision;
  }

  private dropPending(gate: ApprovalGate): void {
    const index = this.progress.pendingApprovals.findIndex((p) => p.gate === gate);
    if (index >= 0) this.progress.pendingApprovals.splice(index, 1);
  }

  /**
   * Holds until the gate is decided; throws GateRejected on reject, and GateTimedOut when
   * `timeoutMs` is set and passes first.
   */
  async wait(gate: ApprovalGate, timeoutMs?: number): Promise<ApprovalDecision> {
    const startedMs = Date.now();
    const decided = () => this.decided.has(gate);
    // patched() only where a timeout is asked for, so histories without one keep their commands.
    const timeout = timeoutMs !== undefined && patched(GATE_TIMEOUT_PATCH) ? timeoutMs : undefined;
    this.progress.pendingApprovals.push({ gate, since: this.now(), ...(timeout !== undefined ? { timesOutAt: new Date(startedMs + timeout).toISOString() } : {}) });
    if (timeout !== undefined) {
      if (!(await condition(decided, timeout))) {
        this.dropPending(gate);
        throw new GateTimedOut({ gate, timeoutMs: timeout, waitedMs: Date.now() - startedMs });
      }
    } else {
      await condition(decided);
    }
    const decision = this.decided.get(gate) as ApprovalDecision;
    if (decision.decision === 'rejected') throw new GateRejected(decision);
    return decision;
  }
}
