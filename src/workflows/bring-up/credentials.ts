import { ApplicationFailure, CancellationScope, isCancellation, patched, sleep } from '@temporalio/workflow';
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

/** A bootstrap token's id: its public half, enough to delete it. */
const tokenIdOf = (token: BootstrapToken): string => token.token.split('.')[0] ?? '';

/** Files on the first control plane that carry join secrets until the bring-up revokes them. */
const SECRET_FILES = ['/etc/kubeha/kubeadm-init.yaml'];

/**
 * Holds the current certificate key and bootstrap token, renews each `renewBefore` its expiry
 * while joins remain, and renews at once (deduplicated) when a join reports one expired.
 * Renewing the certificate key re-uploads the certificates with the SAME key, so joins already
 * holding it keep working. Every token it ever held is remembered so the bring-up can revoke them.
 */
export class CredentialKeeper {
  /** No certificate key with manual certificate distribution: nothing is uploaded, renewed or revoked. */
  private readonly held: { certificateKey: Held<CertificateKey | undefined>; joinToken: Held<BootstrapToken> };
  private readonly timers = new Map<CredentialKind, { scope: CancellationScope; done: Promise<void> }>();
  private readonly tokenIds: string[] = [];

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
    this.remember(initial.token);
  }

  private remember(token: BootstrapToken): void {
    const id = tokenIdOf(token);
    if (id && !this.tokenIds.includes(id)) this.tokenIds.push(id);
  }

  current(): IssuedCredentials {
    const certificateKey = this.held.certificateKey.value;
    return {
      ...(certificateKey ? { certificateKey } : {}),
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
        if (!this.held.certificateKey.value) throw ApplicationFailure.nonRetryable('no certificate key to renew: the certificates are distributed manually', 'InternalError');
        const value = await this.acts.uploadCerts.executeWithOptions({ summary: `re-upload certificates on ${host} (same key)` }, [
          { ...this.on, certificateKey: this.held.certificateKey.value },
        ]);
        Object.assign(this.held.certificateKey, { value, mintedAt, generation: this.held.certificateKey.generation + 1 });
      } else {
        const value = await this.acts.createJoinToken.executeWithOptions({ summary: `new join token on ${host}` }, [this.on]);
        Object.assign(this.held.joinToken, { value, mintedAt, generation: this.held.joinToken.generation + 1 });
        this.remember(value);
      }
    });
    this.progress.renewals[kind] += 1;
  }

  /**
   * Deletes the kubeadm-certs Secret and the init config once no control plane will join again
   * (success, failure or cancel: runs even in a cancelled scope). Older runs did not; patched.
   */
  async revokeCertificates(): Promise<void> {
    if (!this.held.certificateKey.value) return;
    await this.revoke([], `delete the kubeadm-certs Secret on ${this.on.host.name}`);
  }

  /**
   * At the end of the bring-up (success, failure or cancel): deletes every bootstrap token it held
   * (init's included) but the current one when the spec keeps one, the kubeadm-certs Secret and the
   * init config. Patched like revokeCertificates.
   */
  async revokeAll(keepCurrentToken: boolean): Promise<void> {
    const current = tokenIdOf(this.held.joinToken.value);
    const tokenIds = this.tokenIds.filter((id) => !(keepCurrentToken && id === current));
    const uploaded = this.held.certificateKey.value !== undefined;
    await this.revoke(tokenIds, `delete ${tokenIds.length} bootstrap token(s)${uploaded ? ' and the kubeadm-certs Secret' : ''} on ${this.on.host.name}`, uploaded);
  }

  /** One revokeJoinCredentials activity (the Secret unless nothing was uploaded, plus `tokenIds`), immune to a cancel in progress. */
  private async revoke(tokenIds: string[], summary: string, certificateSecret = true): Promise<void> {
    if (!patched('revoke-join-credentials')) return;
    await CancellationScope.nonCancellable(() =>
      this.acts.revokeJoinCredentials.executeWithOptions({ summary }, [{ ...this.on, tokenIds, certificateSecret, files: SECRET_FILES }]),
    );
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
