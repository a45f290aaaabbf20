import type { UpgradePhase } from '../context';
import { RolloutAborted } from '../failures';

/** 4. Holds the upgrade until someone who read the plan approves; a rejection ends it, and so do an abort and the gate's timeout. */
export const approveBeforeApply: UpgradePhase = {
  describe({ spec }) {
    const timeoutMs = spec.approvalTimeoutsMs?.['before-upgrade-apply'];
    return {
      id: 'approve-before-upgrade-apply',
      title: 'Wait for approval: before-upgrade-apply (with kubeadm upgrade plan\'s output)',
      hosts: [],
      mode: { kind: 'serial' },
      gate: { name: 'before-upgrade-apply', ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    };
  },
  async run(ctx, self) {
    // Asked again after `kubeadm upgrade apply` succeeded (a resumed upgrade): nothing left to approve.
    if (ctx.alreadyApplied) {
      ctx.progress.setStepStatus(self.id, 'skipped');
      return;
    }
    ctx.progress.setStepStatus(self.id, 'waiting');
    // Waiting is a safe point: an abort ends the upgrade here, before anything was applied.
    try {
      await ctx.controls.unlessAborted(ctx.firstControlPlane.name, ctx.gates.wait('before-upgrade-apply', self.gate?.timeoutMs));
    } catch (err) {
      if (err instanceof RolloutAborted) ctx.progress.withdrawApproval('before-upgrade-apply');
      throw err;
    }
  },
};
