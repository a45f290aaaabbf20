import type { ResetPhase } from '../context';

/** 1. Holds the reset until someone who read what it destroys approves; a rejection ends it with nothing touched. */
export const approveBeforeReset: ResetPhase = {
  describe({ spec }) {
    const timeoutMs = spec.approvalTimeoutsMs?.['before-reset'];
    return {
      id: 'approve-before-reset',
      title: 'Wait for approval: before-reset (with the hosts it destroys)',
      hosts: [],
      mode: { kind: 'serial' },
      gate: { name: 'before-reset', ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    };
  },
  async run(ctx, self) {
    ctx.progress.setStepStatus(self.id, 'waiting');
    await ctx.gates.wait('before-reset', self.gate?.timeoutMs);
  },
};
