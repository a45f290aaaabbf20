/**
 * `kubeadm upgrade plan|apply|node`. apply and node run detached on the host, so a lost session or
 * a dead worker leaves them running: every attempt first judges the host and attaches to a run
 * still going, or finds the upgrade already done, before it starts anything.
 */
import { followDetached } from './detached-run';
import { failure, lastLines } from './failures';
import { localApiUrl } from './kubeadm-state';
import type { Step } from './step';
import { hostStep } from './step';
import type { ActivityDeps } from './deps';
import { FailureTypes } from './types';
import type { KubeadmRun, UpgradeHostInput } from './upgrade-types';
import { judgeKubeadmUpgrade, readUpgradeHostFacts } from './upgrade-state';
import {
  kubeadmUpgradeApplyCommand,
  kubeadmUpgradeNodeCommand,
  kubeadmUpgradePlan,
  upgradeApplyUnit,
  upgradeNodeUnit,
} from '../remote/upgrade';
import type { Quoted } from '../ssh/quote';

/** kubeadm refusing the version itself: the same input fails the same way. */
const VERSION_REFUSED = /\[upgrade\/version\] FATAL|is higher than the kubeadm version|can upgrade only 1 minor version|is not a valid version/;

async function runKubeadmUpgrade(step: Step, what: string, unit: string, command: Quoted, to: string, controlPlane: boolean, apiUrls: string[]): Promise<KubeadmRun> {
  const facts = await readUpgradeHostFacts(step, apiUrls, unit);
  const judged = judgeKubeadmUpgrade(facts, to, controlPlane);
  if (judged.state === 'done') {
    step.log(`${what} for ${to} already done (${judged.seen})`);
    return { alreadyDone: true };
  }
  if (judged.state === 'run' && facts.kubeadm !== to) {
    throw failure(FailureTypes.hostNeedsAttention, `${step.host.name}: kubeadm is ${facts.kubeadm || 'missing'}, not ${to}: install kubeadm ${to} first (the upgrade does, before ${what})`);
  }
  if (judged.state === 'run') step.log(`${what} ${to}: ${judged.seen}`);
  const end = await followDetached(step, unit, command);
  if (end.code === undefined) {
    throw failure(FailureTypes.remoteCommand, `${step.host.name}: ${what} died without an exit code (killed, or the host restarted); the next attempt judges what it left and runs it again`);
  }
  if (end.code !== 0) {
    const type = VERSION_REFUSED.test(end.log) ? FailureTypes.versionSkew : FailureTypes.remoteCommand;
    throw failure(type, `${step.host.name}: ${what} failed (exit ${end.code}):\n${lastLines(end.log, 10)}`, { host: step.host.name, exitCode: end.code });
  }
  step.log(`${what} ${to} finished`);
  return { alreadyDone: false, attached: !end.started };
}

export function createKubeadmUpgradeActivities(deps: ActivityDeps) {
  return {
    async kubeadmUpgradePlan({ host, to }: UpgradeHostInput): Promise<{ output: string }> {
      const step = hostStep(deps, host, 'upgrade-plan');
      const result = await step.run(kubeadmUpgradePlan.render({ to }), { timeoutMs: 5 * 60_000 });
      if (result.code !== 0) {
        const type = VERSION_REFUSED.test(result.stdout + result.stderr) ? FailureTypes.versionSkew : FailureTypes.remoteCommand;
        throw failure(type, `${host.name}: kubeadm upgrade plan ${to} failed (exit ${result.code}):\n${lastLines(`${result.stdout}\n${result.stderr}`, 10)}`);
      }
      return { output: lastLines(result.stdout, 80) };
    },

    async kubeadmUpgradeApply({ cluster, host, to }: UpgradeHostInput): Promise<KubeadmRun> {
      const step = hostStep(deps, host, 'upgrade-apply');
      return runKubeadmUpgrade(step, 'kubeadm upgrade apply', upgradeApplyUnit(to), kubeadmUpgradeApplyCommand({ to }), to, true, [localApiUrl(cluster, host)]);
    },

    async kubeadmUpgradeNode({ cluster, host, to }: UpgradeHostInput): Promise<KubeadmRun> {
      const step = hostStep(deps, host, 'upgrade-node');
      const controlPlane = host.role === 'control-plane';
      return runKubeadmUpgrade(step, 'kubeadm upgrade node', upgradeNodeUnit(to), kubeadmUpgradeNodeCommand(), to, controlPlane, controlPlane ? [localApiUrl(cluster, host)] : []);
    },
  };
}
