import { workers } from '../../../spec/hosts';
import type { ResetPhase } from '../context';
import { resetHosts } from '../host-reset';

/** 2. The workers, several at once: drain (when the API answers), delete the Node, kubeadm reset -f, cleanup. */
export const resetWorkers: ResetPhase = {
  describe({ spec, tuning }) {
    const hosts = workers(spec);
    if (hosts.length === 0) return undefined;
    return { id: 'reset-workers', title: `Reset the workers, ${tuning.workerParallelism} at a time: drain, delete the Node, kubeadm reset -f, cleanup`, hosts, mode: { kind: 'parallel', limit: tuning.workerParallelism } };
  },
  run: (ctx, self) => resetHosts(ctx, self, 'worker'),
};
