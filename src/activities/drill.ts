/** The failover drill's host actions: static Pods stopped and restored through their manifests, /readyz probed. */
import { DRILL_DIRS, parkManifests, probeReadyz, readyzCodes, restoreManifests } from '../remote/drill';
import type { ActivityDeps } from './deps';
import type { DrillManifestName, DrillManifestsInput, ParkManifestsResult, ProbeReadyzInput, ReadyzCodesInput, ReadyzSample, RestoreManifestsResult } from './drill-types';
import { hostStep } from './step';

/** `<word> <manifest>` lines, grouped by word. */
function byWord(stdout: string): Map<string, DrillManifestName[]> {
  const groups = new Map<string, DrillManifestName[]>();
  for (const line of stdout.split('\n')) {
    const m = /^(\w+) (kube-apiserver\.yaml|etcd\.yaml)$/.exec(line.trim());
    if (m) groups.set(m[1] ?? '', [...(groups.get(m[1] ?? '') ?? []), m[2] as DrillManifestName]);
  }
  return groups;
}

/** `<epoch ms> <code>` lines of the probe. */
export function parseReadyzSamples(stdout: string): ReadyzSample[] {
  const samples: ReadyzSample[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\d{10,16}) (\d{3})$/.exec(line.trim());
    if (m) samples.push({ at: Number(m[1]), code: Number(m[2]) });
  }
  return samples;
}

export function createDrillActivities(deps: ActivityDeps) {
  return {
    async parkManifests({ host, manifests }: DrillManifestsInput): Promise<ParkManifestsResult> {
      const step = hostStep(deps, host, 'drill-park-manifests');
      const groups = byWord((await step.runChecked(parkManifests.render({ manifests, ...DRILL_DIRS }), { timeoutMs: 30_000 })).stdout);
      const result = { parked: groups.get('parked') ?? [], absent: groups.get('absent') ?? [] };
      step.log(`parked ${result.parked.join(', ') || 'nothing'} in ${DRILL_DIRS.parkedDir}${result.absent.length ? `; not found: ${result.absent.join(', ')}` : ''}`);
      return result;
    },

    async restoreManifests({ host, manifests }: DrillManifestsInput): Promise<RestoreManifestsResult> {
      const step = hostStep(deps, host, 'drill-restore-manifests');
      const groups = byWord((await step.runChecked(restoreManifests.render({ manifests, ...DRILL_DIRS }), { timeoutMs: 30_000 })).stdout);
      const result = { restored: groups.get('restored') ?? [], present: groups.get('present') ?? [], absent: groups.get('absent') ?? [] };
      step.log(`restored ${result.restored.join(', ') || 'nothing'}${result.present.length ? `; already in place: ${result.present.join(', ')}` : ''}`);
      return result;
    },

    async probeReadyz({ host, url, windowMs, intervalMs }: ProbeReadyzInput): Promise<ReadyzSample[]> {
      const step = hostStep(deps, host, 'drill-probe-readyz');
      const script = probeReadyz.render({ url, windowMs, intervalMs, timeoutSeconds: 1 });
      const samples = parseReadyzSamples((await step.runChecked(script, { timeoutMs: windowMs + 30_000 })).stdout);
      step.log(`${url}: ${samples.length} probes, ${samples.filter((s) => s.code !== 200).length} not answered 200`);
      return samples;
    },

    async readyzCodes({ host, urls }: ReadyzCodesInput): Promise<{ url: string; code: number }[]> {
      const step = hostStep(deps, host, 'drill-readyz-codes');
      const stdout = (await step.runChecked(readyzCodes.render({ urls, timeoutSeconds: 3 }), { timeoutMs: 30_000 + urls.length * 5_000 })).stdout;
      const codes: { url: string; code: number }[] = [];
      for (const line of stdout.split('\n')) {
        const m = /^(\d{3}) (\S+)$/.exec(line.trim());
        if (m && urls.includes(m[2] ?? '')) codes.push({ url: m[2] ?? '', code: Number(m[1]) });
      }
      return codes;
    },
  };
}
