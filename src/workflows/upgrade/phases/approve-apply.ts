import type { UpgradePhase } from '../context';

/** 4. Holds the upgrade until someone who read the plan approves; a rejection ends it, and so does the gate's timeout. */
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
    await ctx.gates.wait('before-upgrade-apply', self.gate?.timeoutMs);
  },
};
