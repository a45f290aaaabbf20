/** The bench's sizes: parsing `--size` and the lab time scale each default size runs at. */
import { UsageError } from '../src/client/errors';

/**
 * Lab time runs 10× faster unless a size says otherwise: modelled init 6 s, control-plane join
 * 4 s, worker join 1.5 s, CNI 1 s. Long enough that a step's fixed costs (an SSH connection, an
 * activity dispatch: tens of ms) stay small beside it, so wall / critical path measures the
 * orchestration, not the machine; short enough that every default size with its sequential
 * baseline (5+500 alone is about 13 minutes of modelled kubeadm at 10×) fits in about an hour
 * here. The certificate key (2 h) then lasts 12 minutes, longer than any bring-up.
 */
export const DEFAULT_TIME_SCALE = 10;

/**
 * 3+50 runs at 5×. The lab's etcd is real: it admits a joining member only once its leader has
 * been connected to the previous one for 5 real seconds, at every time scale. At 10× that wait
 * outlasts a modelled control-plane join (4 s) and the control-plane branch (about 9 s) becomes
 * longer than 3+50's worker waves (7.5 s), the reverse of real hosts, where the wait is 5 s of a
 * 40-s join and the waves (75 s) bound the bring-up; at 5× the waves (15 s) are again the longest
 * branch. 3+3's control-plane branch is its longest at any time scale (the wait always stretches
 * it: see the as-run column), and the two large sizes are bounded by their waves at 10×.
 */
export const DEFAULT_SIZES: ReadonlyArray<{ size: string; timeScale: number }> = [
  { size: '3+3', timeScale: DEFAULT_TIME_SCALE },
  { size: '3+50', timeScale: 5 },
  { size: '5+200', timeScale: DEFAULT_TIME_SCALE },
  { size: '5+500', timeScale: DEFAULT_TIME_SCALE },
];

/** The time scale a size runs at: `--time-scale` for every size when given, else the size's default. */
export function timeScaleFor(size: string, given: number | undefined): number {
  return given ?? DEFAULT_SIZES.find((d) => d.size === size)?.timeScale ?? DEFAULT_TIME_SCALE;
}

export function parseSize(text: string): { controlPlanes: number; workers: number } {
  const m = /^(\d+)\+(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new UsageError(`--size ${text}: expected CONTROL_PLANES+WORKERS with at least one control plane, e.g. 3+50`);
  return { controlPlanes: Number(m[1]), workers: Number(m[2]) };
}
