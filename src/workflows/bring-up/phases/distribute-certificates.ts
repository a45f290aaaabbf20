import { copiesCertificates } from '../../../spec/certificate-distribution';
import { controlPlanes } from '../../../spec/hosts';
import type { BringUpPhase } from '../context';
import { StepFailed } from '../failures';
import { forEachHost } from '../fan-out';
import { hostInput } from '../hosts';

/**
 * 6a. Manual certificate distribution (certificateDistribution: manual): the first control plane's
 * shared CA material copied to each joining control plane over SSH, the runbook's scp loop. One
 * activity per host streams the files between the two SSH sessions; they are never an activity
 * argument or result. A host holding different files is refused, never overwritten.
 */
export const distributeCertificates: BringUpPhase = {
  describe(spec) {
    const [first, ...joining] = controlPlanes(spec);
    if (!copiesCertificates(spec) || !first || joining.length === 0) return undefined;
    const etcd = spec.etcd.topology === 'stacked' ? 'the etcd CA' : "the external etcd's CA certificate and the API server's etcd client certificate";
    return {
      id: 'distribute-certificates',
      title: `Copy the shared certificates (cluster CA, service-account key, front-proxy CA, ${etcd}) from ${first.name} over SSH`,
      hosts: joining,
      mode: { kind: 'parallel' },
    };
  },
  async run(ctx, self) {
    const from = ctx.firstControlPlane;
    const outcomes = await forEachHost(ctx, self, (host) =>
      ctx.acts.copySharedCertificates.executeWithOptions({ summary: `copy the shared certificates from ${from.name} to ${host.name}` }, [{ ...hostInput(ctx, from), target: host }]),
    );
    const failed = outcomes.filter((o) => !o.ok);
    const first = failed[0];
    if (first && !first.ok) {
      const rest = failed.slice(1).map((f) => f.host.name);
      throw new StepFailed(self.id, first.host.name, `${first.error}${rest.length ? ` (also failed: ${rest.join(', ')})` : ''}`);
    }
  },
};
