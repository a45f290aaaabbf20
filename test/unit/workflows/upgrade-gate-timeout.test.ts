import { upgradeGateTimedOutMessage } from '../../../src/workflows/upgrade/failures';

describe('the before-upgrade-apply timeout message', () => {
  it('says nothing was applied and to ask again with kubeha upgrade, not to start a bring-up', () => {
    const message = upgradeGateTimedOutMessage({ gate: 'before-upgrade-apply', timeoutMs: 4 * 3_600_000, waitedMs: 4 * 3_600_000 + 1_000 }, 'prod', 'v1.31.1');
    expect(message).toBe(
      'gate before-upgrade-apply timed out: nobody approved or rejected it within 4h (waited 4h 1s); nothing was applied (only kubeadm v1.31.1 is installed on the first control plane). ' +
        "Ask again with `kubeha upgrade prod --to v1.31.1` and approve in time, or raise the gate's timeout in the spec",
    );
    expect(message).not.toContain('bring-up');
  });
});
