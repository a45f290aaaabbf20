import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { BootstrapToken, CertificateKey, HostStepInput, JoinCredentials } from '../../activities/types';
import type { LifetimeSpec } from '../../spec/types';
import type { ActivityProxies } from './activities';
import { describeFailure } from './failures';
import type { ProgressTracker } from './progress';

export type CredentialKind = 'certificateKey' | 'joinToken';

interface Held<T> {
  value: T;
  /** Bumped on every renewal so a join can tell whether the credential it failed with is still current. */
  generation: number;
  mintedAt: number;
  renewing?: Promise<void>;
}

/** A credential as handed to a join: the value plus the generation it belongs to. */
export interface IssuedCredentials extends JoinCredentials {
  generations: Record<CredentialKind, number>;
}

/**
 * Holds the current certificate key and bootstrap token, renews each `renewBefore` its expiry
 * while joins remain, and renews at once (deduplicated) when a join reports one expired.
 */
export class CredentialKeeper {
  private readonly held: { certificateKey: Held<CertificateKey>; joinToken: Held<BootstrapToken> };
  private readonly timers = new Map<CredentialKind, { scope: CancellationScope; done: Promise<void> }>();

  constructor(
    initial: JoinCredentials,
    mintedAt: number,
    private readonly lifetimes: Record<CredentialKind, LifetimeSpec>,
    private readonly acts: ActivityProxies,
    private readonly on: HostStepInput,
    private readonly progress: ProgressTracker,
  ) {
    this.held = {
      certificateKey: { value: initial.certificateKey, generation: 1, mintedAt },
      joinToken: { value: initial.token, generation: 1, mintedAt },
    };
  }

  current(): IssuedCredentials {
    return {
      certificateKey: this.held.certificateKey.value,
      token: this.held.joinToken.value,
      generations: { certificateKey: this.held.certificateKey.generation, joinToken: this.held.joinToken.generation },
    };
  }

  /** Renews `kind` unless it was already renewed since `generation`; concurrent callers share one renewal. */
  async renewIfStale(kind: CredentialKind, generation: number): Promise<void> {
    const held = this.held[kind];
    if (held.generation > generation) return;
    await this.renew(kind);
  }

  private renew(kind: CredentialKind): Promise<void> {
    const held = this.held[kind];
    held.renewing ??= this.mint(kind).finally(() => {
      held.renewing = undefined;
    });
    return held.renewing;
  }

  private async mint(kind: CredentialKind): Promise<void> {
    const mintedAt = Date.now();
    const host = this.on.host.name;
    // The renewal must finish even if the timer that asked for it is being cancelled.
    await CancellationScope.nonCancellable(async () => {
      if (kind === 'certificateKey') {
        const value = await this.acts.uploadCerts.executeWithOptions({ summary: `re-upload certificates on ${host}` }, [this.on]);
        Object.assign(this.held.certificateKey, { value, mintedAt, generation: this.held.certificateKey.generation + 1 });
      } else {
        const value = await this.acts.createJoinToken.executeWithOptions({ summary: `new join token on ${host}` }, [this.on]);
        Object.assign(this.held.joinToken, { value, mintedAt, generation: this.held.joinToken.generation + 1 });
      }
    });
    this.progress.renewals[kind] += 1;
  }

  /** Starts the durable renewal timer for `kind`; `stop(kind)` ends it. */
  start(kind: CredentialKind): void {
    if (this.timers.has(kind)) return;
    const scope = new CancellationScope();
    const done = scope.run(() => this.timerLoop(kind)).catch((err: unknown) => {
      if (!isCancellation(err)) throw err;
    });
    this.timers.set(kind, { scope, done });
  }

  async stop(kind: CredentialKind): Promise<void> {
    const timer = this.timers.get(kind);
    if (!timer) return;
    this.timers.delete(kind);
    timer.scope.cancel();
    await timer.done;
  }

  private async timerLoop(kind: CredentialKind): Promise<never> {
    const { ttlMs, renewBeforeMs } = this.lifetimes[kind];
    const margin = Math.max(ttlMs - renewBeforeMs, 1_000);
    for (;;) {
      const dueAt = this.held[kind].mintedAt + margin;
      const wait = dueAt - Date.now();
      if (wait > 0) {
        await sleep(wait, { summary: `renew ${kind === 'certificateKey' ? 'certificate key' : 'join token'}` });
        continue;
      }
      try {
        await this.renew(kind);
      } catch (err) {
        if (isCancellation(err)) throw err;
        // The activity already retried; a join that meets the expired credential renews on demand and fails visibly.
        this.progress.renewalFailures.push({ credential: kind, at: new Date().toISOString(), error: describeFailure(err) });
        await sleep(Math.max(margin / 4, 1_000));
      }
    }
  }
}
