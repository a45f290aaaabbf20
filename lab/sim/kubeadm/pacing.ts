/**
 * A command's modelled latency spread over its phases: `pace(f)` sleeps until fraction f of the
 * latency has passed since the command started. Called after a phase's lines are written, so a
 * session lost meanwhile leaves the host as far as the real command would have got, and the
 * command dies at its next line (see ../output.ts). The total stays the modelled latency.
 * In the lab's simulator server a frozen host (its client stopped) holds the command here too,
 * as SIGSTOP holds a real kubeadm (invocation.ts checkpoint).
 */
import type { SimContext } from '../context';
import { slowFactor } from '../faults-file';
import { checkpoint } from '../invocation';
import { latencyMs, sleep } from '../time';

export type Pace = (fraction: number) => Promise<void>;

export function pacer(ctx: SimContext, modelMs: number, started = Date.now()): Pace {
  const total = latencyMs(ctx.config, modelMs, slowFactor(ctx.identity.labDir, ctx.identity.name));
  return async (fraction) => {
    const wait = started + total * fraction - Date.now();
    if (wait > 0) await sleep(wait);
    else await checkpoint();
  };
}

