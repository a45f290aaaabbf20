import { copiesCertificates } from '../../../spec/certificate-distribution';
import { controlPlanes, workers } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { StepFailed, reportedAttempts } from '../failures';
import { forEachHost } from '../fan-out';
import { revokeUploadedCertificates } from '../revoke-credentials';
import { runJoin } from '../run-join';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** 6 and 7. The other control planes join (parallel, or serial when asked and always for external etcd) while the credentials are kept fresh. */
export const joinControlPlanes: BringUpPhase = {
  describe(spec) {
    const [, ...joining] = controlPlanes(spec);
    if (joining.length === 0) return undefined;
    const external = spec.etcd.topology === 'external';
    const serial = spec.controlPlaneJoins === 'serial' || external;
    const how = serial ? (external ? 'one at a time (external etcd)' : 'one at a time') : 'in parallel';
    return {
      id: 'join-control-planes',
      title: `Join ${count(joining.length, 'control plane')} ${how}${copiesCertificates(spec) ? ' with the copied certificates (no certificate key)' : ''}${spec.loadBalancer.type === 'kube-vip' ? ', each with its kube-vip static pod' : ''}`,
      hosts: joining,
      mode: serial ? { kind: 'serial' } : { kind: 'parallel' },
    };
  },
  async run(ctx, self) {
    const keeper = ctx.credentials;
    // With manual distribution the certificates were copied: no key to keep alive.
    if (!copiesCertificates(ctx.spec)) keeper?.start('certificateKey');
    keeper?.start('joinToken');
    const outcomes = await forEachHost(ctx, self, (host) => runJoin(ctx, self.id, host, 'control-plane'), {
      attempts: (r) => r.attempts,
      failedAttempts: reportedAttempts,
    });
    await keeper?.stop('certificateKey');
    // No control plane joins after this: the uploaded certificates go now, not at the end.
    await revokeUploadedCertificates(ctx);
    if (workers(ctx.spec).length === 0) await keeper?.stop('joinToken');
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) {
      const first = failed[0];
      const rest = failed.slice(1).map((f) => f.host.name);
      throw new StepFailed(self.id, first?.host.name, `${first && !first.ok ? first.error : ''}${rest.length ? ` (also failed: ${rest.join(', ')})` : ''}`);
    }
  },
};
