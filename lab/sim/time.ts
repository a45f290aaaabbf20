/**
 * Lab time: model durations (what the real thing takes) are divided by the lab's timeScale;
 * modelled command latencies are further multiplied by latencyScale and a host's slow factor.
 */
import type { LabConfig } from '../layout';
import { checkpoint } from './invocation';

export const HOUR = 3_600_000;

export const LATENCY = {
  init: 60_000,
  controlPlaneJoin: 40_000,
  workerJoin: 15_000,
  cni: 10_000,
  reset: 5_000,
  upgrade: 30_000,
} as const;

export const TTL = {
  bootstrapToken: 24 * HOUR,
  certificateKey: 2 * HOUR,
} as const;

/** Real milliseconds that a model duration lasts in this lab. */
export function scaled(config: Pick<LabConfig, 'timeScale'>, modelMs: number): number {
  return modelMs / config.timeScale;
}

/** Model milliseconds elapsed for a real interval. */
export function modelElapsed(config: Pick<LabConfig, 'timeScale'>, realMs: number): number {
  return realMs * config.timeScale;
}

export function latencyMs(config: Pick<LabConfig, 'timeScale' | 'latencyScale'>, modelMs: number, slowFactor = 1): number {
  return scaled(config, modelMs) * config.latencyScale * slowFactor;
}

/**
 * How often each kubelet writes its heartbeat into the shared store: as often as a real kubelet
 * renews its node Lease (every 10 s: a quarter of the 40-s lease), but at most once a second and,
 * in big labs, slower still so that all kubelets together stay near 50 locked writes per second.
 */
export function heartbeatIntervalMs(config: Pick<LabConfig, 'hosts' | 'timeScale'>): number {
  return Math.max(1_000, scaled(config, 10_000), config.hosts.length * 20);
}

/**
 * A heartbeat is stale after 40 s of model time, but never sooner than a few real seconds or
 * three heartbeat intervals: at timeScale 3600 40 s would be 11 ms.
 */
export function nodeStaleAfterMs(config: Pick<LabConfig, 'timeScale' | 'hosts'>): number {
  return Math.max(scaled(config, 40_000), 5_000, 3 * heartbeatIntervalMs(config));
}

export async function sleep(ms: number): Promise<void> {
  await new Promise<void>((r) => setTimeout(r, ms));
  await checkpoint();
}

/** kubectl's AGE column: 5s, 3m12s, 4h, 2d. */
export function humanAge(modelMs: number): string {
  const s = Math.max(0, Math.floor(modelMs / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}
