import type { StepId } from '../../../shared/messages';
import type { ApprovalGate } from '../../../spec/types';
import type { BringUpContext, Phase } from '../context';

/** 3 and 9. Holds the bring-up until someone approves; a rejection ends it (GateRejected). */
export function approvalGate(gate: ApprovalGate): Phase {
  const id: StepId = gate === 'before-init' ? 'approve-before-init' : 'approve-before-workers';
  return {
    id,
    title: `Approval ${gate}`,
    shouldRun: (ctx) => ctx.spec.approvals.includes(gate),
    async run(ctx: BringUpContext) {
      ctx.progress.setStepStatus(id, 'waiting');
      await ctx.gates.wait(gate);
    },
  };
}
