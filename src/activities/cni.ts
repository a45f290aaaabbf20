/** The pod network and waiting for nodes to become Ready. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CNI_MANIFEST, kubectlApply, waitNodeReady } from '../remote/kubectl';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { nodeStatuses } from './kube-objects';
import { hostStep } from './step';
import { workerManifest } from './worker-files';
import type { HostStepInput, NodeStatus, WaitForNodeInput } from './types';
import { FailureTypes } from './types';

export const CNI_MANIFEST_URLS: Record<string, string> = {
  calico: 'https://raw.githubusercontent.com/projectcalico/calico/v3.28.2/manifests/calico.yaml',
  // Pinned releases: a mutable URL (latest) could change what is applied as root under the same spec.
  flannel: 'https://github.com/flannel-io/flannel/releases/download/v0.25.7/kube-flannel.yml',
};

export function createCniActivities(deps: ActivityDeps) {
  return {
    async applyCni({ cluster, host }: HostStepInput): Promise<{ changed: boolean }> {
      const step = hostStep(deps, host, 'cni');
      let source = CNI_MANIFEST_URLS[cluster.networking.cni];
      if (!source) {
        // Only a file in the worker's manifest directory; unconfined (tests with their own SSH runner) reads the path as given.
        const file = deps.files ? workerManifest(deps.files, cluster.networking.cni) : cluster.networking.cni;
        let manifest: string;
        try {
          manifest = await readFile(file, 'utf8');
        } catch (e) {
          throw failure(FailureTypes.invalidSpec, `networking.cni: cannot read the manifest ${cluster.networking.cni} on the worker: ${(e as Error).message}; use calico, flannel or a readable file`);
        }
        const digest = createHash('sha256').update(manifest).digest('hex');
        if (digest !== cluster.networking.cniSha256) {
          throw failure(
            FailureTypes.invalidSpec,
            `networking.cni: ${cluster.networking.cni} has sha256 ${digest}, the spec's networking.cniSha256 is ${cluster.networking.cniSha256 ?? 'missing'}: the manifest is not the one the spec was written for; nothing was applied`,
          );
        }
        await step.writeFile(CNI_MANIFEST, manifest, 0o600);
        source = CNI_MANIFEST;
      }
      const out = (await step.runChecked(kubectlApply.render({ source }), { timeoutMs: 5 * 60_000 })).stdout;
      const changed = /\b(created|configured)\b/.test(out);
      step.log(changed ? `applied the ${cluster.networking.cni} pod network` : `the ${cluster.networking.cni} pod network was already applied`);
      return { changed };
    },

    async waitForNodeReady({ host, node, timeoutMs }: WaitForNodeInput): Promise<NodeStatus> {
      const step = hostStep(deps, host, 'wait-node-ready');
      const timeoutSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
      const result = await step.run(waitNodeReady.render({ node, timeoutSeconds }), { timeoutMs: timeoutMs + 60_000 });
      if (result.code !== 0) {
        throw failure(FailureTypes.clusterNotReady, `node ${node} is not Ready after ${timeoutSeconds} s (checked from ${host.name}):\n${lastLines(result.stderr, 4)}`);
      }
      const [status] = nodeStatuses(result.stdout);
      if (!status?.ready) throw failure(FailureTypes.clusterNotReady, `node ${node} is not Ready (checked from ${host.name})`);
      return status;
    },
  };
}
