/** Draining and uncordoning a node, with kubectl and admin.conf on a control plane. */
import { drainNode, uncordonNode } from '../remote/upgrade';
import type { ActivityDeps } from './deps';
import { failure, lastLines } from './failures';
import { hostStep } from './step';
import { FailureTypes } from './types';
import type { NodeInput } from './upgrade-types';

export function createDrainActivities(deps: ActivityDeps) {
  return {
    async drainNode({ host, node, timeoutMs }: NodeInput): Promise<void> {
      const step = hostStep(deps, host, `drain-${node}`);
      const timeoutSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
      const result = await step.run(drainNode.render({ node, timeoutSeconds }), { timeoutMs: timeoutMs + 60_000 });
      if (result.code !== 0) {
        throw failure(FailureTypes.remoteCommand, `node ${node}: kubectl drain failed (exit ${result.code}, run on ${host.name}):\n${lastLines(`${result.stdout}\n${result.stderr}`, 6)}`);
      }
      step.log(`node ${node} drained`);
    },

    async uncordonNode({ host, node }: NodeInput): Promise<void> {
      const step = hostStep(deps, host, `uncordon-${node}`);
      const result = await step.run(uncordonNode.render({ node }), { timeoutMs: 60_000 });
      if (result.code !== 0) {
        throw failure(FailureTypes.remoteCommand, `node ${node}: kubectl uncordon failed (exit ${result.code}, run on ${host.name}):\n${lastLines(result.stderr, 4)}`);
      }
      step.log(`node ${node} uncordoned`);
    },
  };
}
