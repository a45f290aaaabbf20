/** Reads and judges a host's upgrade evidence (pure parts are unit-tested). */
import type { Section } from '../remote/sections';
import { parseSections } from '../remote/sections';
import { UPGRADED_COMPONENTS, upgradeHostFacts } from '../remote/upgrade';
import type { RunRecord } from './host-state';
import { parseRun } from './host-state';
import type { Step } from './step';

export interface UpgradeHostFacts {
  kubeadm: string;
  kubelet: string;
  /** Image tag per control-plane manifest present on the host (none on a worker). */
  manifests: Record<string, string>;
  /** `/version` gitVersion per asked URL, '' when it did not answer. */
  apiVersions: string[];
  run: RunRecord;
}

/** gitVersion of a `/version` answer, '' when there is none. */
export function gitVersionOf(section: Section | undefined): string {
  if (!section || section.code !== 0) return '';
  try {
    const v = (JSON.parse(section.output) as { gitVersion?: unknown }).gitVersion;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

export function parseUpgradeHostFacts(sections: Map<string, Section>, apiCount: number): UpgradeHostFacts {
  const text = (name: string) => (sections.get(name)?.code === 0 ? (sections.get(name)?.output ?? '').trim() : '');
  const manifests: Record<string, string> = {};
  for (const c of UPGRADED_COMPONENTS) {
    const image = text(`manifest-${c}`);
    if (image) manifests[c] = /:([^:/]+)$/.exec(image)?.[1] ?? '';
  }
  return {
    kubeadm: text('kubeadm'),
    kubelet: text('kubelet'),
    manifests,
    apiVersions: Array.from({ length: apiCount }, (_, i) => gitVersionOf(sections.get(`api-${i}`))),
    run: parseRun(sections.get('run')?.output ?? ''),
  };
}

export async function readUpgradeHostFacts(step: Step, apiUrls: string[], unit: string): Promise<UpgradeHostFacts> {
  const result = await step.runChecked(upgradeHostFacts.render({ apiUrls, unit }), { timeoutMs: 60_000 });
  return parseUpgradeHostFacts(parseSections(result.stdout), apiUrls.length);
}

export type KubeadmUpgradeState =
  | { state: 'done'; seen: string }
  | { state: 'running' }
  | { state: 'run'; seen: string };

/**
 * Whether `kubeadm upgrade apply|node` for `to` still has to run on a host. Done: its run for `to`
 * exited 0, or (no run of kubeha's, e.g. a person upgraded it) the control-plane manifests all
 * name `to` — for a worker, its kubelet already is `to`. A run that died or failed runs again:
 * kubeadm's upgrade is idempotent and documented to be re-run.
 */
export function judgeKubeadmUpgrade(f: UpgradeHostFacts, to: string, controlPlane: boolean): KubeadmUpgradeState {
  if (f.run.kind === 'running') return { state: 'running' };
  if (f.run.kind === 'exited' && f.run.code === 0) return { state: 'done', seen: `kubeha's run for ${to} finished` };
  const tags = Object.values(f.manifests);
  if (f.run.kind === 'none') {
    if (controlPlane && tags.length === UPGRADED_COMPONENTS.length && tags.every((t) => t === to)) return { state: 'done', seen: `its control-plane manifests already run ${to}` };
    if (!controlPlane && f.kubelet === to) return { state: 'done', seen: `its kubelet already is ${to}` };
  }
  const previous = f.run.kind === 'exited' ? `an earlier run exited ${f.run.code}` : f.run.kind === 'died' ? 'an earlier run died' : 'not run yet';
  return { state: 'run', seen: `${previous}; manifests at ${tags.join(', ') || 'none'}` };
}
