import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { OperationError } from '../../src/client/errors';
import { planSteps } from '../../src/plan/steps';
import { KubehaPhase } from '../../src/shared/search-attributes';
import { approvalUpdateId, approveUpdate, GATE_TIMED_OUT, type BringUpProgress } from '../../src/shared/messages';
import { bringUpWorkflowId } from '../../src/shared/workflow-ids';
import { maxOverlap, type FakeCluster, type FakeOptions, type FakeSpecOptions } from './workflow-fakes';
import { FAST_TUNING as TUNING, gatePending, harness as makeHarness, waitFor, type Harness, useWorkflowEnvironment } from './workflow-harness';

jest.setTimeout(120_000);

const wf = useWorkflowEnvironment();

const harness = (specOptions: Omit<FakeSpecOptions, 'name'>, fakeOptions: FakeOptions = {}): Promise<Harness> => makeHarness(wf.env, wf.bundle, specOptions, fakeOptions);

const lastEnd = (fake: FakeCluster, name: Parameters<FakeCluster['named']>[0]) => Math.max(...fake.named(name).map((c) => c.end ?? Infinity));
const firstStart = (fake: FakeCluster, name: Parameters<FakeCluster['named']>[0], hosts?: string[]) =>
  Math.min(...fake.named(name).filter((c) => !hosts || hosts.includes(c.host)).map((c) => c.start));

it('runs the runbook on its critical path: joining hosts checked beside init, each join after its own preflight, the CNI and workers beside control planes, verify last', async () => {
  const joining = ['cp2', 'cp3', 'w1', 'w2', 'w3'];
  const h = await harness(
    { controlPlanes: 3, workers: 3, maxConcurrentJoins: 2 },
    {
      delays: { joinNode: 300 },
      holds: [
        // Ends only once init has started: preflight of every host before init would leave init waiting for it.
        { name: 'preflight', hosts: ['w3'], until: { name: 'initControlPlane' } },
        // Ends only once a worker's join has started: workers after every control plane would never start one.
        { name: 'joinNode', hosts: ['cp2', 'cp3'], until: { name: 'joinNode', hosts: ['w1', 'w2', 'w3'] } },
        // Ends only once a join has started: joins held until the CNI and cp1's Ready would never start one.
        { name: 'applyCni', until: { name: 'joinNode' } },
      ],
    },
  );
  const [result, progress, final] = await h.run(async () => {
    await h.client.startBringUp(h.spec, { requestedBy: 'test@jest', tuning: TUNING });
    const answered = h.client.finalProgress(h.spec.name);
    const r = await h.client.result(h.spec.name);
    return [r, await h.client.progress(h.spec.name), await answered] as const;
  });
  expect(result.outcome).toBe('succeeded');
  // The workflow's own answer as it ended is what a query of the closed workflow (a replay) reads.
  expect(final).toEqual(progress);
  const { fake } = h;
  expect(fake.named('preflight').map((c) => c.host).sort()).toEqual(['cp1', 'cp2', 'cp3', 'lb1', 'w1', 'w2', 'w3']);
  expect(fake.named('configureLoadBalancer').map((c) => c.host)).toEqual(['lb1']);
  expect(fake.named('initControlPlane')).toHaveLength(1);
  const initStart = firstStart(fake, 'initControlPlane');
  const early = fake.named('preflight').filter((c) => !joining.includes(c.host));
  expect(initStart).toBeGreaterThanOrEqual(Math.max(...early.map((c) => c.end ?? Infinity)));
  expect(initStart).toBeGreaterThanOrEqual(lastEnd(fake, 'configureLoadBalancer'));
  expect(initStart).toBeGreaterThanOrEqual(lastEnd(fake, 'probeLoadBalancer'));
  // The joining hosts' preflight is held until init is scheduled (preflight-beside-init): the load
  // balancer's configuration and probe never queue behind it.
  expect(firstStart(fake, 'preflight', joining)).toBeGreaterThanOrEqual(lastEnd(fake, 'probeLoadBalancer'));
  expect(firstStart(fake, 'preflight', joining)).toBeGreaterThanOrEqual(lastEnd(fake, 'configureLoadBalancer'));
  // w3's preflight was still running when init started.
  expect(fake.named('preflight', 'w3')[0]?.end).toBeGreaterThanOrEqual(initStart);
  for (const host of joining) expect(firstStart(fake, 'joinNode', [host])).toBeGreaterThanOrEqual(fake.named('preflight', host)[0]?.end ?? Infinity);
  expect(firstStart(fake, 'joinNode')).toBeGreaterThanOrEqual(lastEnd(fake, 'initControlPlane'));
  expect(firstStart(fake, 'joinNode')).toBeLessThan(lastEnd(fake, 'applyCni'));
  expect(firstStart(fake, 'verifyCluster')).toBeGreaterThanOrEqual(lastEnd(fake, 'waitForNodeReady'));
  const cpJoinsEnd = Math.max(...fake.named('joinNode').filter((c) => c.host.startsWith('cp')).map((c) => c.end ?? Infinity));
  expect(firstStart(fake, 'joinNode', ['w1', 'w2', 'w3'])).toBeLessThan(cpJoinsEnd);
  expect(firstStart(fake, 'verifyEtcd')).toBeGreaterThanOrEqual(cpJoinsEnd);
  const cpJoins = fake.named('joinNode').filter((c) => c.host.startsWith('cp'));
  expect(cpJoins.map((c) => c.host).sort()).toEqual(['cp2', 'cp3']);
  expect(maxOverlap(cpJoins)).toBe(2);
  const workerJoins = fake.named('joinNode').filter((c) => c.host.startsWith('w'));
  expect(workerJoins).toHaveLength(3);
  expect(maxOverlap(workerJoins)).toBeLessThanOrEqual(2);
  expect(maxOverlap(workerJoins)).toBe(2);
  expect(fake.named('verifyCluster')[0]?.start).toBeGreaterThanOrEqual(lastEnd(fake, 'joinNode'));

  if (result.outcome !== 'succeeded') throw new Error('unreachable');
  const report = result.report;
  expect(report.failedWorkers).toEqual([]);
  expect(report.etcdMembers.map((m) => m.name)).toEqual(['cp1', 'cp2', 'cp3']);
  expect(report.hosts.find((x) => x.name === 'w2')).toMatchObject({ role: 'worker', state: 'succeeded', version: 'v1.30.2', attempts: 1 });
  expect(report.timings.map((t) => t.step)).not.toContain('approve-before-init');
  expect(report.timings.every((t) => t.status === 'succeeded')).toBe(true);
  expect(report.approvals).toEqual([]);

  const handle = wf.env.client.workflow.getHandle(bringUpWorkflowId(h.spec.name));
  const description = await handle.describe();
  expect(description.typedSearchAttributes.get(KubehaPhase)).toBe('done');
  // The joining hosts' preflight is queued below the critical path (priority 4); cp1's and lb1's at the default.
  const preflightPriorities = ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    return scheduled?.activityType?.name === 'preflight' ? [scheduled.priority?.priorityKey ?? 0] : [];
  });
  expect(preflightPriorities.sort()).toEqual([0, 0, 4, 4, 4, 4, 4]);
  expect(progress.phase).toBe('done');
  expect(progress.requestedBy).toBe('test@jest');
  expect(progress.hosts.every((x) => x.state === 'succeeded')).toBe(true);
});

it('joins control planes one at a time when the spec says serial, with kube-vip on each', async () => {
  const h = await harness({ controlPlanes: 3, workers: 0, controlPlaneJoins: 'serial', loadBalancer: 'kube-vip' }, { delays: { joinNode: 250 } });
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  expect(result.outcome).toBe('succeeded');
  expect(maxOverlap(h.fake.named('joinNode'))).toBe(1);
  expect(h.fake.named('installKubeVip').map((c) => c.host)).toEqual(['cp1', 'cp2', 'cp3']);
  expect(firstStart(h.fake, 'installKubeVip', ['cp1'])).toBeLessThan(firstStart(h.fake, 'initControlPlane'));
  expect(h.fake.named('configureLoadBalancer')).toHaveLength(0);
});

it('bundles the workflows with a source map of files and lines, without the sources\' text', () => {
  const inline = /\/\/# sourceMappingURL=data:application\/json;[^,]*base64,(\S+)\s*$/.exec(wf.bundle.code);
  const map = JSON.parse(Buffer.from(inline?.[1] ?? '', 'base64').toString('utf8')) as { sources: string[]; mappings: string; sourcesContent?: unknown };
  expect(map.sources.some((s) => s.endsWith('src/workflows/bring-up/approvals.ts'))).toBe(true);
  expect(map.mappings.length).toBeGreaterThan(0);
  expect(map.sourcesContent).toBeUndefined();
});

it('holds at the gates until approved, refuses bad approvals, and a reject ends the bring-up cleanly', async () => {
  const h = await harness({ controlPlanes: 2, workers: 2, approvals: ['before-init', 'before-workers'] });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const pending = (gate: string) => async (): Promise<BringUpProgress | undefined> => {
      const p = await h.client.progress(h.spec.name);
      return p.pendingApprovals.some((a) => a.gate === gate) ? p : undefined;
    };
    const atInit = await waitFor(pending('before-init'), 'gate before-init');
    expect(atInit.phase).toBe('approve-before-init');
    expect(atInit.steps.find((s) => s.id === 'approve-before-init')?.status).toBe('waiting');
    // The bundle's source map carries no source text (bundle-options.ts), yet stack traces still name files and lines.
    const stack = await wf.env.client.workflow.getHandle(bringUpWorkflowId(h.spec.name)).query<string>('__stack_trace');
    expect(stack).toMatch(/src\/workflows\/bring-up\/approvals\.ts:\d+:\d+/);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fake.named('initControlPlane')).toHaveLength(0);

    await expect(h.client.approve(h.spec.name, 'before-workers', 'alice@ops')).rejects.toThrow(/gate before-workers is not pending \(pending: before-init\)/);
    await expect(h.client.approve(h.spec.name, 'nope' as never, 'alice@ops')).rejects.toThrow(/unknown gate "nope"/);
    const decision = await h.client.approve(h.spec.name, 'before-init', 'alice@ops', 'change window open');
    expect(decision).toMatchObject({ decision: 'approved', gate: 'before-init', by: 'alice@ops', comment: 'change window open' });

    await waitFor(pending('before-workers'), 'gate before-workers');
    expect(h.fake.named('initControlPlane')).toHaveLength(1);
    expect(h.fake.named('verifyEtcd')).toHaveLength(1);
    await h.client.reject(h.spec.name, 'before-workers', 'bob@ops', 'workers are not racked yet');
    const result = await h.client.result(h.spec.name);
    expect(result).toEqual({ outcome: 'rejected', gate: 'before-workers', by: 'bob@ops', reason: 'workers are not racked yet' });
    expect(h.fake.named('joinNode').filter((c) => c.host.startsWith('w'))).toHaveLength(0);
    const progress = await h.client.progress(h.spec.name);
    expect(progress.phase).toBe('rejected');
    expect(progress.approvals.map((a) => a.decision)).toEqual(['approved', 'rejected']);
  });
});

it('renews an expired certificate key once for joins that hit it together, then the joins succeed', async () => {
  const h = await harness({ controlPlanes: 3, workers: 1 }, { initialKeyExpired: true, delays: { joinNode: 100 } });
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  expect(result.outcome).toBe('succeeded');
  expect(h.fake.named('uploadCerts')).toHaveLength(1);
  const cpJoins = h.fake.named('joinNode').filter((c) => c.host.startsWith('cp'));
  expect(cpJoins.filter((c) => !c.ok)).toHaveLength(2);
  expect(cpJoins.filter((c) => c.ok).map((c) => c.host).sort()).toEqual(['cp2', 'cp3']);
  expect(Math.min(...cpJoins.filter((c) => c.ok).map((c) => c.start))).toBeGreaterThanOrEqual(lastEnd(h.fake, 'uploadCerts'));
  if (result.outcome === 'succeeded') expect(result.report.renewals.certificateKey).toBe(1);
});

it('re-uploads the certificates on a durable timer while control-plane joins last', async () => {
  const h = await harness(
    { controlPlanes: 2, workers: 0, certificateKey: { ttlMs: 1_500, renewBeforeMs: 700 } },
    { certificateKeyTtlMs: 1_500, delays: { joinNode: 2_500 } },
  );
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  expect(result.outcome).toBe('succeeded');
  expect(h.fake.named('joinNode', 'cp2')).toHaveLength(1);
  const uploads = h.fake.named('uploadCerts');
  expect(uploads.length).toBeGreaterThanOrEqual(2);
  const join = h.fake.named('joinNode', 'cp2')[0];
  expect(uploads[0]?.start).toBeGreaterThanOrEqual(lastEnd(h.fake, 'waitForNodeReady'));
  expect(Math.max(...uploads.map((u) => u.start))).toBeLessThanOrEqual(join?.end ?? 0);
  expect(lastEnd(h.fake, 'uploadCerts')).toBeLessThanOrEqual(firstStart(h.fake, 'verifyEtcd'));
  // One certificate key per bring-up: renewals re-upload with the key init chose, so no join in flight fails.
  expect(h.fake.keysMinted).toHaveLength(1);
  expect(h.fake.named('joinNode').every((c) => c.ok && c.attempt === 1)).toBe(true);
});

it('revokes its join credentials: the kubeadm-certs Secret when the control planes have joined, every token it held at the end', async () => {
  // Joins (2 s) outlast the token's renewal point (0.75 s after it is minted), so at least one renewal happens during them.
  const h = await harness({ controlPlanes: 3, workers: 2, joinTokenTtlMs: 1_500 }, { delays: { joinNode: 2_000 } });
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  expect(result.outcome).toBe('succeeded');
  const revokes = h.fake.named('revokeJoinCredentials');
  expect(revokes).toHaveLength(2);
  // The Secret goes when the control planes have joined; the workers join beside them and need no certificates.
  expect(revokes[0]?.start).toBeGreaterThanOrEqual(Math.max(...['cp2', 'cp3'].map((cp) => h.fake.named('joinNode', cp).at(-1)?.end ?? Infinity)));
  expect(revokes[1]?.start).toBeGreaterThanOrEqual(lastEnd(h.fake, 'joinNode'));
  expect(h.fake.certsSecret()).toBeUndefined();
  const minted = h.fake.tokensMinted.map((t) => t.split('.')[0]);
  expect(minted.length).toBeGreaterThanOrEqual(2);
  expect([...new Set(h.fake.revokedTokenIds)].sort()).toEqual([...new Set(minted)].sort());
});

it('keeps the current token when the spec says joinToken.keep', async () => {
  const h = await harness({ controlPlanes: 1, workers: 1, keepJoinToken: true });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  const minted = h.fake.tokensMinted.map((t) => t.split('.')[0]);
  expect(minted).toHaveLength(1);
  expect(h.fake.revokedTokenIds).toEqual([]);
  expect(h.fake.certsSecret()).toBeUndefined();
});

it('a cancel during the joins ends cancelled and undoes exactly the joins that had started (control planes and the workers beside them), then revokes', async () => {
  const h = await harness({ controlPlanes: 3, workers: 2 }, { delays: { joinNode: 4_000 } });
  const running = (p: BringUpProgress, step: string) => p.steps.find((s) => s.id === step)?.hosts.filter((x) => x.status === 'running').length ?? 0;
  const { outcome, progress } = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    await waitFor(async () => {
      const p = await h.client.progress(h.spec.name);
      return running(p, 'join-control-planes') === 2 && running(p, 'join-workers') === 2 && h.fake.named('joinNode').length === 4 ? true : undefined;
    }, 'both control-plane joins and both worker joins running');
    const answered = h.client.finalProgress(h.spec.name).then(
      () => 'answered',
      (err: unknown) => String(err),
    );
    await h.client.cancel(h.spec.name);
    // A cancelled bring-up ends without answering finalProgress (a follower queries it instead).
    await expect(answered).resolves.not.toBe('answered');
    const ended = await h.client.result(h.spec.name).then(
      () => 'completed',
      (err: unknown) => String(err),
    );
    return { outcome: ended, progress: await h.client.progress(h.spec.name) };
  });
  expect(outcome).toContain('was cancelled');
  expect(h.fake.named('abandonJoin').map((c) => c.host).sort()).toEqual(['cp2', 'cp3', 'w1', 'w2']);
  expect(maxOverlap(h.fake.named('abandonJoin').filter((c) => c.host.startsWith('cp')))).toBe(1);
  expect(h.fake.certsSecret()).toBeUndefined();
  expect(progress.phase).toBe('cancelled');
  for (const step of ['join-control-planes', 'join-workers']) {
    const hosts = progress.steps.find((x) => x.id === step)?.hosts ?? [];
    expect(hosts.map((x) => [x.status, x.lastError?.startsWith('cancelled: join undone')])).toEqual([
      ['failed', true],
      ['failed', true],
    ]);
  }
  expect((await wf.env.client.workflow.getHandle(`${bringUpWorkflowId(h.spec.name)}-join-cp2`).describe()).status.name).toBe('CANCELLED');
});

it('reports a worker that keeps failing and still brings the cluster up', async () => {
  const h = await harness({ controlPlanes: 1, workers: 3, loadBalancer: 'external' }, { brokenJoins: ['w2'] });
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  if (result.outcome !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(result)}`);
  expect(result.report.failedWorkers).toEqual(['w2']);
  const w2 = result.report.hosts.find((x) => x.name === 'w2');
  expect(w2).toMatchObject({ state: 'failed', attempts: 2 });
  expect(w2?.lastError).toMatch(/couldn't validate the identity of the API Server on w2/);
  expect(h.fake.named('joinNode', 'w2')).toHaveLength(2);
  expect(h.fake.named('verifyCluster')).toHaveLength(1);
});

it('fails the bring-up naming the step, the control plane and its error', async () => {
  const h = await harness({ controlPlanes: 3, workers: 1 }, { brokenJoins: ['cp3'] });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const failure = await h.client.result(h.spec.name).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OperationError);
    expect((failure as Error).message).toMatch(/join-control-planes on cp3: .*couldn't validate the identity of the API Server on cp3/);
    const progress = await h.client.progress(h.spec.name);
    expect(progress.phase).toBe('failed');
    expect(progress.failure).toMatchObject({ step: 'join-control-planes', host: 'cp3' });
    expect(progress.hosts.find((x) => x.name === 'cp3')?.state).toBe('failed');
    // The worker joined beside the control planes; the bring-up failed once both were done.
    expect(h.fake.named('joinNode', 'w1').some((c) => c.ok)).toBe(true);
  });
});

it('a CNI that fails while the hosts join fails the bring-up as the cni step once the joins are done, and verifies nothing', async () => {
  const h = await harness({ controlPlanes: 2, workers: 1 }, { cniFails: 'the CNI manifest does not match its sha256', delays: { joinNode: 200 } });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const answered = h.client.finalProgress(h.spec.name);
    const failure = await h.client.result(h.spec.name).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OperationError);
    expect((failure as Error).message).toMatch(/cni on cp1: .*the CNI manifest does not match its sha256/);
    const progress = await h.client.progress(h.spec.name);
    expect(await answered).toEqual(progress);
    expect(progress.failure).toMatchObject({ step: 'cni', host: 'cp1' });
    expect(progress.steps.find((s) => s.id === 'cni')?.status).toBe('failed');
    expect(h.fake.named('joinNode').filter((c) => c.ok).map((c) => c.host).sort()).toEqual(['cp2', 'w1']);
    expect(Math.max(...h.fake.named('joinNode').map((c) => c.end ?? Infinity))).toBeGreaterThan(lastEnd(h.fake, 'applyCni'));
    expect(h.fake.named('waitForNodeReady')).toHaveLength(0);
    expect(h.fake.named('verifyCluster')).toHaveLength(0);
  });
});

const preflightFacts: FakeOptions['facts'] = { cp2: { productUuid: 'uuid-cp1' }, w1: { clockOffsetMs: 1250 }, cp1: { clockOffsetMs: -900 } };

function expectAllPreflightProblems(message: string): void {
  expect(message).toMatch(/preflight: 3 problem\(s\) on 3 host\(s\)/);
  expect(message).toMatch(/cp1: \[unique-product-uuid\] product_uuid uuid-cp1 is also used by cp2/);
  expect(message).toMatch(/cp2: \[unique-product-uuid\]/);
  expect(message).toMatch(/w1: \[clock-offset\] clock is 1250 ms off the orchestrator's \(limit 1000 ms\)/);
}

it('reports all preflight problems of all hosts together; joining hosts with problems are checked beside init and never join', async () => {
  const h = await harness({ controlPlanes: 2, workers: 1, loadBalancer: 'external' }, { facts: preflightFacts });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const failure = (await h.client.result(h.spec.name).catch((err: unknown) => err)) as Error;
    expectAllPreflightProblems(failure.message);
    expect((await h.client.progress(h.spec.name)).failure).toMatchObject({ step: 'preflight' });
    expect(h.fake.named('initControlPlane')).toHaveLength(1);
    expect(h.fake.named('joinNode')).toHaveLength(0);
  });
});

it('with a before-init gate, preflight of every host ends before the gate (which shows them all) and its problems stop the bring-up before init', async () => {
  const h = await harness({ controlPlanes: 2, workers: 1, loadBalancer: 'external', approvals: ['before-init'] }, { facts: preflightFacts });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const failure = (await h.client.result(h.spec.name).catch((err: unknown) => err)) as Error;
    expectAllPreflightProblems(failure.message);
    expect(h.fake.named('initControlPlane')).toHaveLength(0);
    expect((await h.client.progress(h.spec.name)).pendingApprovals).toEqual([]);
  });
});

it('fails with an explanation when the load balancer never answers', async () => {
  const h = await harness({ controlPlanes: 1, workers: 0 }, { lbUnreachable: true });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const failure = (await h.client.result(h.spec.name).catch((err: unknown) => err)) as Error;
    expect(failure.message).toMatch(/probe-load-balancer on cp1: .*the load balancer cannot reach the control planes/);
    expect(h.fake.named('probeLoadBalancer')).toHaveLength(2);
  });
});

it('refuses a second bring-up of a running cluster and of one already brought up', async () => {
  const h = await harness({ controlPlanes: 1, workers: 0, approvals: ['before-init'] });
  await h.run(async () => {
    const started = await h.client.startBringUp(h.spec, { tuning: TUNING });
    await expect(h.client.startBringUp(h.spec)).rejects.toThrow(`cluster ${h.spec.name} is already being brought up (workflow ${bringUpWorkflowId(h.spec.name)})`);
    await waitFor(async () => ((await h.client.progress(h.spec.name)).pendingApprovals.length ? true : undefined), 'gate');
    await h.client.approve(h.spec.name, 'before-init', 'alice@ops');
    expect((await h.client.result(h.spec.name)).outcome).toBe('succeeded');
    // The cluster workflow records the outcome once its child's result reaches it.
    expect(await h.client.awaitOperation(h.spec.name, started.operationId, { pollMs: 100 })).toMatchObject({ kind: 'bring-up', state: 'ended', outcome: 'succeeded' });
    await expect(h.client.startBringUp(h.spec)).rejects.toThrow(/was already brought up successfully/);
  });
});

it('completes after the worker stops during the joins and a new one takes over, with kubeadm init run exactly once', async () => {
  const h = await harness({ controlPlanes: 3, workers: 2 }, { delays: { joinNode: 800 } });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    await waitFor(async () => (h.fake.named('joinNode').length > 0 ? true : undefined), 'the first join');
  });
  const callsBefore = h.fake.calls.length;
  const result = await h.run(() => h.client.result(h.spec.name));
  expect(result.outcome).toBe('succeeded');
  expect(h.fake.calls.length).toBeGreaterThan(callsBefore);
  expect(h.fake.named('initControlPlane')).toHaveLength(1);
  expect(h.fake.named('preflight')).toHaveLength(h.spec.hosts.length);
  expect([...h.fake.joined].sort()).toEqual(['cp1', 'cp2', 'cp3', 'w1', 'w2']);
});

it('joins 60 workers at most 8 at a time, checks the joining hosts 16 at a time (control planes first), and keeps the parent history small (one child per host)', async () => {
  const h = await harness({ controlPlanes: 3, workers: 60, maxConcurrentJoins: 8 }, { delays: { joinNode: 50, preflight: 30 } });
  const started = Date.now();
  const result = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    return h.client.result(h.spec.name);
  });
  const elapsedMs = Date.now() - started;
  expect(result.outcome).toBe('succeeded');
  const workerJoins = h.fake.named('joinNode').filter((c) => c.host.startsWith('w'));
  expect(workerJoins).toHaveLength(60);
  expect(maxOverlap(workerJoins)).toBeLessThanOrEqual(8);
  // bounded-late-preflight: twice the joins at once, so the steps after init find activity slots free.
  const joiningChecks = h.fake.named('preflight').filter((c) => c.host !== 'cp1' && !c.host.startsWith('lb'));
  expect(joiningChecks).toHaveLength(62);
  expect(maxOverlap(joiningChecks)).toBeLessThanOrEqual(16);
  expect(maxOverlap(joiningChecks)).toBeGreaterThan(8);
  // The control planes are in the first 16; w15 and later wait for a place.
  const laterWorkers = Array.from({ length: 46 }, (_, i) => `w${i + 15}`);
  expect(Math.max(...['cp2', 'cp3'].map((cp) => h.fake.named('preflight', cp)[0]?.start ?? Infinity))).toBeLessThan(firstStart(h.fake, 'preflight', laterWorkers));
  const history = await wf.env.client.workflow.getHandle(bringUpWorkflowId(h.spec.name)).fetchHistory();
  const events = history.events?.length ?? 0;
  const bytes = JSON.stringify(history).length;
  process.stderr.write(`bring-up of 3 CPs + 60 workers: ${elapsedMs} ms, parent history ${events} events, ~${Math.round(bytes / 1024)} KiB\n`);
  expect(events).toBeLessThan(60 * 8 + 200);
});

it('waits for freshly joined nodes to become Ready before declaring the cluster verified', async () => {
  const h = await harness({ controlPlanes: 1, workers: 2, loadBalancer: 'external' }, { workersNotReadyChecks: 1 });
  const [result, progress] = await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const r = await h.client.result(h.spec.name);
    return [r, await h.client.progress(h.spec.name)] as const;
  });
  expect(result.outcome).toBe('succeeded');
  expect(h.fake.named('verifyCluster')).toHaveLength(2);
  expect(progress.steps.find((s) => s.id === 'verify-cluster')?.hosts[0]).toMatchObject({ status: 'succeeded', attempts: 2, lastError: 'waiting for node(s) to be Ready: w1, w2 (check 1)' });
});

/** The steps and their hosts as the progress query shows them. */
const declared = (p: BringUpProgress) => p.steps.map((s) => ({ id: s.id, title: s.title, hosts: s.hosts.map((x) => x.host) }));
const planned = (h: Harness) => planSteps(h.spec).map((s) => ({ id: s.id, title: s.title, hosts: s.hosts }));

describe('progress declares the plan', () => {
  it('3+2 with both gates: before init, every step of `kubeha plan` is declared with its hosts, pending; approvals end up in the report', async () => {
    const h = await harness({ controlPlanes: 3, workers: 2, approvals: ['before-init', 'before-workers'] });
    const result = await h.run(async () => {
      await h.client.startBringUp(h.spec, { tuning: TUNING });
      await waitFor(gatePending(h, 'before-init'), 'gate before-init');
      const atGate = await h.client.progress(h.spec.name);
      expect(declared(atGate)).toEqual(planned(h));
      expect(declared(atGate).map((s) => s.id)).toEqual([
        'preflight',
        'load-balancer',
        'probe-load-balancer',
        'approve-before-init',
        'init',
        'cni',
        'join-control-planes',
        'verify-etcd',
        'approve-before-workers',
        'join-workers',
        'verify-cluster',
      ]);
      expect(atGate.steps.find((s) => s.id === 'join-workers')?.hosts).toEqual([
        { host: 'w1', status: 'pending', attempts: 0 },
        { host: 'w2', status: 'pending', attempts: 0 },
      ]);
      expect(atGate.steps.filter((s) => s.status === 'pending').map((s) => s.id)).toEqual(planned(h).slice(4).map((s) => s.id));

      const first = await h.client.approve(h.spec.name, 'before-init', 'alice@ops', 'window open');
      // The same person again (a retry, or the same command run twice): the decision already made, not an error.
      expect(await h.client.approve(h.spec.name, 'before-init', 'alice@ops', 'window open')).toEqual(first);
      const handle = wf.env.client.workflow.getHandle(bringUpWorkflowId(h.spec.name));
      const viaOtherId = await handle.executeUpdate(approveUpdate, { args: [{ gate: 'before-init', by: 'alice@ops' }], updateId: 'another-id' });
      expect(viaOtherId).toEqual(first);
      await expect(h.client.approve(h.spec.name, 'before-init', 'mallory@ops')).rejects.toThrow(/gate before-init is not pending \(already approved by alice@ops/);
      // A decision refused by the validator does not use up its update id.
      await expect(h.client.approve(h.spec.name, 'before-workers', 'bob@ops')).rejects.toThrow(/gate before-workers is not pending/);
      await waitFor(gatePending(h, 'before-workers'), 'gate before-workers');
      await h.client.approve(h.spec.name, 'before-workers', 'bob@ops');
      return h.client.result(h.spec.name);
    });
    if (result.outcome !== 'succeeded') throw new Error(`expected success, got ${JSON.stringify(result)}`);
    expect(result.report.approvals).toEqual([
      { decision: 'approved', gate: 'before-init', by: 'alice@ops', comment: 'window open', at: expect.any(String) },
      { decision: 'approved', gate: 'before-workers', by: 'bob@ops', at: expect.any(String) },
    ]);
    expect(approvalUpdateId('approve', 'before-init', 'alice@ops')).toBe('approve/before-init/alice@ops');
  });

  it('3+0 with before-workers: the gate has nothing to hold, so neither the plan nor the run has it', async () => {
    const h = await harness({ controlPlanes: 3, workers: 0, approvals: ['before-workers'] }, { delays: { preflight: 1_500 } });
    const [early, result] = await h.run(async () => {
      await h.client.startBringUp(h.spec, { tuning: TUNING });
      const p = await waitFor(async () => {
        const progress = await h.client.progress(h.spec.name);
        return progress.steps.length > 0 ? progress : undefined;
      }, 'the declared steps');
      return [p, await h.client.result(h.spec.name)] as const;
    });
    expect(h.fake.named('initControlPlane')).toHaveLength(1);
    expect(early.steps.find((s) => s.id === 'init')?.status).toBe('pending');
    expect(declared(early)).toEqual(planned(h));
    expect(declared(early).map((s) => s.id)).not.toContain('approve-before-workers');
    expect(result.outcome).toBe('succeeded');
  });
});

it('a gate nobody decides within its timeout ends the bring-up with GateTimedOut naming the gate and the wait', async () => {
  const h = await harness({ controlPlanes: 1, workers: 1, approvals: ['before-init'], approvalTimeoutsMs: { 'before-init': 2_000 } });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING });
    const atGate = await waitFor(async () => {
      const p = await h.client.progress(h.spec.name);
      return p.pendingApprovals.length ? p : undefined;
    }, 'gate before-init');
    expect(atGate.pendingApprovals[0]?.timesOutAt).toEqual(expect.any(String));
    const failure = await wf.env.client.workflow
      .getHandle(bringUpWorkflowId(h.spec.name))
      .result()
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(GATE_TIMED_OUT);
    expect(cause?.message).toMatch(/^gate before-init timed out: nobody approved or rejected it within 2s \(waited 2s\)/);
    expect((cause as ApplicationFailure).details?.[0]).toEqual({ gate: 'before-init', timeoutMs: 2_000, waitedMs: expect.any(Number) });
    expect(((cause as ApplicationFailure).details?.[0] as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(2_000);
    const progress = await h.client.progress(h.spec.name);
    expect(progress).toMatchObject({ phase: 'failed', pendingApprovals: [], failure: { step: 'approve-before-init' } });
    expect(progress.steps.find((s) => s.id === 'approve-before-init')?.status).toBe('failed');
    await expect(h.client.result(h.spec.name)).rejects.toThrow(/bring-up of .* failed: gate before-init timed out/);
    expect(h.fake.named('initControlPlane')).toHaveLength(0);
  });
});

it('the requester cannot approve their own bring-up unless the spec allows it; decision texts are bounded', async () => {
  const h = await harness({ controlPlanes: 1, workers: 0, approvals: ['before-init'] });
  await h.run(async () => {
    await h.client.startBringUp(h.spec, { tuning: TUNING, requestedBy: 'alice@ops' });
    await waitFor(gatePending(h, 'before-init'), 'before-init');
    await expect(h.client.approve(h.spec.name, 'before-init', 'alice@ops')).rejects.toThrow(/alice@ops requested this bring-up and cannot also approve it/);
    await expect(h.client.approve(h.spec.name, 'before-init', 'x'.repeat(300))).rejects.toThrow(/at most 256 characters/);
    await expect(h.client.approve(h.spec.name, 'before-init', 'bob@ops', 'y'.repeat(3_000))).rejects.toThrow(/at most 2000 characters/);
    expect((await h.client.progress(h.spec.name)).pendingApprovals.map((p) => p.gate)).toEqual(['before-init']);
    await h.client.approve(h.spec.name, 'before-init', 'bob@ops');
    const result = await h.client.result(h.spec.name);
    if (result.outcome !== 'succeeded') throw new Error(JSON.stringify(result));
    expect(result.report.approvals?.map((a) => [a.gate, a.by])).toEqual([['before-init', 'bob@ops']]);
  });
  const own = await harness({ controlPlanes: 1, workers: 0, approvals: ['before-init'] });
  own.spec.allowSelfApproval = true;
  await own.run(async () => {
    await own.client.startBringUp(own.spec, { tuning: TUNING, requestedBy: 'alice@ops' });
    await waitFor(gatePending(own, 'before-init'), 'before-init');
    await own.client.approve(own.spec.name, 'before-init', 'alice@ops');
    expect((await own.client.result(own.spec.name)).outcome).toBe('succeeded');
  });
});
