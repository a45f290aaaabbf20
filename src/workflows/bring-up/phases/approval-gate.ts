import type { StepId } from '../../../shared/messages';
import type { ApprovalGate, ClusterSpec } from '../../../spec/types';
import type { BringUpPhase } from '../context';

export function gateStepId(gate: ApprovalGate): StepId {
  return gate === 'before-init' ? 'approve-before-init' : 'approve-before-workers';
}

/**
 * 3 and 9. Holds the bring-up until someone approves; a rejection ends it (GateRejected), and so
 * does the gate's timeout from the spec (GateTimedOut). Part of the run when the spec lists the
 * gate and `guards(spec)`: a gate before steps that do nothing would only hold the run up.
 */
export function approvalGate(gate: ApprovalGate, guards: (spec: ClusterSpec) => boolean = () => true): BringUpPhase {
  const id = gateStepId(gate);
  return {
    describe(spec) {
      if (!spec.approvals.includes(gate) || !guards(spec)) return undefined;
      const timeoutMs = spec.approvalTimeoutsMs?.[gate];
      return {
        id,
        title: `Wait for approval: ${gate}`,
        hosts: [],
        mode: { kind: 'serial' },
        gate: { name: gate, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
      };
    },
    async run(ctx, self) {
      ctx.progress.setStepStatus(self.id, 'waiting');
      await ctx.gates.wait(gate, self.gate?.timeoutMs);
    },
  };
}
