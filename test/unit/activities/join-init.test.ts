import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../../src/activities';
import { caCertHash } from '../../../src/activities/credentials';
import { silentLogger } from '../../../src/logging';
import type { RunResult } from '../../../src/ssh/pool';
import { FakeSsh, ok } from './fake-ssh';
import { CLUSTER, CP1, CP2, W1 } from './settings';

const TOKEN = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'1'.repeat(64)}`, expiresAt: '2030-01-01T00:00:00Z' };
const KEY = { key: 'c'.repeat(64), expiresAt: '2030-01-01T00:00:00Z' };
const NOW = Date.parse('2026-01-01T00:00:00Z');
const CA_PEM = readFileSync(path.join(__dirname, 'fixtures', 'ca.crt'), 'utf8');
const MEMBERS = JSON.stringify({ members: [{ ID: '10501334649042878790', name: 'cp1', peerURLs: ['https://10.0.0.11:2380'], clientURLs: ['https://10.0.0.11:2379'] }] });

function activities(ssh: FakeSsh) {
  return createActivities({ ssh, logger: silentLogger(), clock: () => NOW });
}

function secretFree(ssh: FakeSsh): void {
  for (const call of ssh.calls) {
    expect(call.text).not.toContain(TOKEN.token);
    expect(call.text).not.toContain(KEY.key);
  }
}

/** What kubeadm-host-facts prints: files, the detached run, curl's answer from the local API, and (optionally) etcd. */
function hostFacts(files: string[], run: string, readyz: 'ready' | 'refused' | 'timeout' | 'not-ready', etcd?: 'member' | 'down'): RunResult {
  const curl = { ready: '200\n@@readyz 0', refused: '000\n@@readyz 7', timeout: '000\n@@readyz 28', 'not-ready': '500\n@@readyz 0' }[readyz];
  const etcdPart = etcd === undefined ? '' : etcd === 'member' ? `${MEMBERS}\n@@etcd 0\n` : 'context deadline exceeded\n@@etcd 1\n';
  return ok(`${files.join('\n')}\n@@files 0\n${run}\n@@run 0\n${curl}\n${etcdPart}`);
}

/** A detached run that starts and ends with `code` and `log` within the start command's window. */
function detached(code: number, log = '') {
  return { 'detached-start': () => ok(`started\nexited ${code}\n@@log\n${log}`) };
}

describe('joinNode', () => {
  it('leaves an already joined host alone, judged from its own files (no endpoint involved)', async () => {
    const ssh = new FakeSsh({ 'kubeadm-host-facts': () => hostFacts(['kubelet.conf', 'pki/ca.crt'], 'exited 0', 'timeout') });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).resolves.toEqual({ alreadyJoined: true });
    expect(ssh.calls.map((c) => c.name)).toEqual(['kubeadm-host-facts']);
    // kubeha's directories on the host hold configs with secrets: root only, made so before anything else.
    expect(ssh.calls[0]?.text).toContain("install -d -m 0700 '/etc/kubeha' '/var/lib/kubeha/runs'");
  });

  it('resets leftovers the cluster does not count, writes the secrets only into a 0600 file, and joins detached', async () => {
    let reset = false;
    const ssh = new FakeSsh({
      'kubeadm-host-facts': () => (reset ? hostFacts([], 'none', 'refused', 'down') : hostFacts(['pki/ca.crt', 'manifests/kube-apiserver.yaml'], 'exited 1', 'refused', 'down')),
      'cluster-membership': () => ok(`Error from server (NotFound): nodes "cp2" not found\n@@node 1\n${MEMBERS}\n@@etcd 0\n`),
      'kubeadm-reset': () => ((reset = true), ok()),
      ...detached(0, 'This node has joined the cluster and a new control plane instance was created'),
    });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: KEY })).resolves.toEqual({ alreadyJoined: false });
    expect(ssh.calls.map((c) => `${c.host} ${c.name}`)).toEqual([
      'cp2 kubeadm-host-facts',
      'cp1 cluster-membership',
      'cp2 kubeadm-reset',
      'cp2 kubeadm-host-facts',
      'cp2 detached-start',
    ]);
    // The config with the secrets travels on the starting command's stdin, into a file only root can read.
    const start = ssh.calls.find((c) => c.name === 'detached-start');
    expect(start?.text).toMatch(/\(umask 077; IFS= read -r -d '' text \|\| true; printf '%s' "\$text" > '\/etc\/kubeha\/kubeadm-join\.yaml\.kubeha-new'\) && mv -f -- '\/etc\/kubeha\/kubeadm-join\.yaml\.kubeha-new' '\/etc\/kubeha\/kubeadm-join\.yaml'\n\s*setsid/);
    expect(start?.stdin).toContain(TOKEN.token);
    expect(start?.stdin).toContain(KEY.key);
    secretFree(ssh);
  });

  it('maps an expired certificate key to non-retryable CertificateKeyExpired without leaking secrets', async () => {
    const ssh = new FakeSsh({
      'kubeadm-host-facts': () => hostFacts([], 'none', 'refused', 'down'),
      ...detached(1, `[download-certs] using key ${KEY.key}\nerror execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run \`kubeadm init phase upload-certs --upload-certs\` on a control plane to generate a new one`),
    });
    const error = (await activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: KEY }).catch((e: unknown) => e)) as ApplicationFailure;
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error.type).toBe('CertificateKeyExpired');
    expect(error.nonRetryable).toBe(true);
    expect(error.message).toContain('cp2: kubeadm join failed (exit 1)');
    expect(error.message).not.toContain(KEY.key);
  });

  it('maps an unknown token to JoinTokenExpired and other failures to retryable RemoteCommandFailed', async () => {
    const tokenFail = new FakeSsh({
      'kubeadm-host-facts': () => hostFacts([], 'none', 'refused'),
      ...detached(1, 'couldn\'t validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef"'),
    });
    await expect(activities(tokenFail).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).rejects.toMatchObject({ type: 'JoinTokenExpired', nonRetryable: true });
    const other = new FakeSsh({ 'kubeadm-host-facts': () => hostFacts([], 'none', 'refused'), ...detached(1, 'error execution phase kubelet-start: timed out waiting for the condition') });
    await expect(activities(other).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).rejects.toMatchObject({ type: 'RemoteCommandFailed', nonRetryable: false });
  });

  it("retries without touching the host when it cannot tell (its own API does not answer)", async () => {
    const ssh = new FakeSsh({ 'kubeadm-host-facts': () => hostFacts(['kubelet.conf', 'manifests/etcd.yaml', 'pki/ca.crt'], 'died', 'timeout', 'down') });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: KEY })).rejects.toMatchObject({ type: 'HostStateUnclear', nonRetryable: false });
    expect(ssh.calls.map((c) => c.name)).toEqual(['kubeadm-host-facts']);
  });

  it('never resets a host the cluster still counts as an etcd member, and says what it saw', async () => {
    const member = JSON.stringify({ members: [{ ID: '1', name: 'cp2', peerURLs: ['https://10.0.0.12:2380'], clientURLs: ['https://10.0.0.12:2379'] }] });
    const ssh = new FakeSsh({
      'kubeadm-host-facts': () => hostFacts(['pki/ca.crt'], 'none', 'refused', 'down'),
      'cluster-membership': () => ok(`Error from server (NotFound): nodes "cp2" not found\n@@node 1\n${member}\n@@etcd 0\n`),
    });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: KEY })).rejects.toMatchObject({
      type: 'HostNeedsAttention',
      nonRetryable: true,
      message: expect.stringContaining('started member'),
    });
    expect(ssh.calls.map((c) => c.name)).not.toContain('kubeadm-reset');
  });

  it("can't tell when the first control plane gives no clear answer about leftovers", async () => {
    const ssh = new FakeSsh({
      'kubeadm-host-facts': () => hostFacts(['bootstrap-kubelet.conf'], 'died', 'refused'),
      'cluster-membership': () => ok('Unable to connect to the server: dial tcp 10.0.0.11:6443: i/o timeout\n@@node 1\n'),
    });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).rejects.toMatchObject({ type: 'HostStateUnclear' });
    expect(ssh.calls.map((c) => c.name)).not.toContain('kubeadm-reset');
  });

  it('completes a control-plane join that stopped after kubelet-start with control-plane-join phases', async () => {
    const ssh = new FakeSsh({ 'kubeadm-host-facts': () => hostFacts(['kubelet.conf', 'manifests/kube-apiserver.yaml', 'pki/ca.crt'], 'died', 'not-ready', 'down'), ...detached(0) });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: KEY })).resolves.toEqual({ alreadyJoined: false });
    const start = ssh.calls.find((c) => c.name === 'detached-start')?.text ?? '';
    expect(start).toContain('kubeadm join phase control-plane-join all');
    expect(start).toContain('kubeadm-join-finish');
    expect(start).toContain(`printf '%s' "$text" > '/etc/kubeha/kubeadm-join.yaml.kubeha-new'`);
    expect(ssh.calls.find((c) => c.name === 'detached-start')?.stdin).toContain(KEY.key);
    expect(ssh.calls.map((c) => c.name)).not.toContain('kubeadm-reset');
  });

  it('attaches to a join an earlier attempt started instead of starting another', async () => {
    let state = 0;
    const ssh = new FakeSsh({
      'kubeadm-host-facts': () => hostFacts(['bootstrap-kubelet.conf'], 'running', 'refused'),
      'detached-start': () => ok('attached\nrunning 4242\n'),
      'detached-state': () => ok(++state < 2 ? 'running 4242\n' : 'exited 0\n@@log\nThis node has joined the cluster'),
    });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).resolves.toEqual({ alreadyJoined: true });
    // Attaching sends no config: a run already going keeps the one it started with.
    const start = ssh.calls.find((c) => c.name === 'detached-start');
    expect(start?.stdin).toBeUndefined();
    expect(start?.text).not.toContain('kubeadm-join.yaml.kubeha-new');
  });

  it('refuses a control-plane join without a certificate key as InvalidSpec', async () => {
    const ssh = new FakeSsh({});
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN })).rejects.toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  });
});

describe('initControlPlane', () => {
  const INIT = '/etc/kubeha/kubeadm-init.yaml';

  function initSsh(handlers: Record<string, (ssh: FakeSsh) => RunResult>): FakeSsh {
    const ssh: FakeSsh = new FakeSsh({
      'read-file-if-present': () => ok(ssh.files.get(`cp1:${INIT}`)?.content ?? ''),
      'read-ca-cert': () => ok(CA_PEM),
      ...Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, () => fn(ssh)])),
    });
    return ssh;
  }

  it('initializes a fresh host detached, with a token and key it chose written only into the 0600 config', async () => {
    const ssh = initSsh({ 'kubeadm-host-facts': () => hostFacts([], 'none', 'refused', 'down'), ...Object.fromEntries(Object.entries(detached(0, 'Your Kubernetes control-plane has initialized successfully!')).map(([k, f]) => [k, () => f()])) });
    const result = await activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 });
    const config = ssh.files.get(`cp1:${INIT}`);
    expect(config?.mode).toBe(0o600);
    expect(result.alreadyInitialized).toBe(false);
    expect(result.token.token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(result.certificateKey?.key).toMatch(/^[a-f0-9]{64}$/);
    expect(config?.content).toContain(`token: ${result.token.token}`);
    expect(config?.content).toContain(`certificateKey: ${result.certificateKey?.key}`);
    expect(result.token.caCertHash).toBe(caCertHash(CA_PEM));
    expect(result.certificateKey?.expiresAt).toBe(new Date(NOW + 2 * 3600_000).toISOString());
    // kube-vip (v1.31 here) used super-admin.conf during init only: now it mounts admin.conf.
    const kubeVip = ssh.files.get('cp1:/etc/kubernetes/manifests/kube-vip.yaml')?.content ?? '';
    expect(kubeVip).toContain('path: /etc/kubernetes/admin.conf');
    expect(kubeVip).not.toContain('super-admin.conf');
    for (const call of ssh.calls) {
      expect(call.text).not.toContain(result.token.token);
      expect(call.text).not.toContain(result.certificateKey?.key);
    }
  });

  it('on a host whose init finished returns the credentials in its config without running kubeadm', async () => {
    const ssh = initSsh({ 'kubeadm-host-facts': () => hostFacts(['admin.conf', 'kubelet.conf', 'manifests/etcd.yaml', 'pki/ca.crt'], 'exited 0', 'ready', 'member') });
    ssh.files.set(`cp1:${INIT}`, { content: `apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\ncertificateKey: ${KEY.key}\nbootstrapTokens:\n  - token: ${TOKEN.token}\n`, mode: 0o600 });
    const result = await activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 });
    expect(result).toMatchObject({ alreadyInitialized: true, token: { token: TOKEN.token }, certificateKey: { key: KEY.key } });
    expect(ssh.calls.map((c) => c.name)).not.toContain('detached-start');
  });

  it('on a finished host whose config is gone mints a token and uploads the certificates with a new key in a file', async () => {
    const ssh = initSsh({
      'kubeadm-host-facts': () => hostFacts(['admin.conf', 'kubelet.conf', 'pki/ca.crt'], 'exited 0', 'ready', 'member'),
      'kubeadm-token-create': () => ok(`kubeadm join 10.0.0.10:6443 --token ${TOKEN.token} --discovery-token-ca-cert-hash ${TOKEN.caCertHash} \n`),
      'kubeadm-upload-certs': () => ok('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n'),
    });
    const result = await activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 });
    expect(result.token.token).toBe(TOKEN.token);
    expect(ssh.files.get('cp1:/etc/kubeha/kubeadm-upload-certs.yaml')?.content).toContain(`certificateKey: ${result.certificateKey?.key}`);
    secretFree(ssh);
  });

  it("completes an init whose kubeadm died once its API answered, with kubeadm's init phases, never a reset", async () => {
    const ssh = initSsh({ 'kubeadm-host-facts': () => hostFacts(['admin.conf', 'kubelet.conf', 'manifests/kube-apiserver.yaml', 'pki/ca.crt'], 'died', 'ready', 'member'), ...Object.fromEntries(Object.entries(detached(0)).map(([k, f]) => [k, () => f()])) });
    const result = await activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 });
    expect(result.alreadyInitialized).toBe(true);
    const start = ssh.calls.find((c) => c.name === 'detached-start')?.text ?? '';
    for (const phase of ['upload-config', 'upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize', 'addon']) expect(start).toContain(phase);
    expect(start).toContain('kubeadm init phase');
    expect(ssh.calls.map((c) => c.name)).not.toContain('kubeadm-reset');
  });

  it("retries without a reset while it cannot tell (API refused right after kubeadm died: the kubelet may be starting it)", async () => {
    const ssh = initSsh({ 'kubeadm-host-facts': () => hostFacts(['admin.conf', 'manifests/kube-apiserver.yaml', 'pki/ca.crt'], 'died', 'refused', 'down') });
    await expect(activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 })).rejects.toMatchObject({ type: 'HostStateUnclear', nonRetryable: false });
    expect(ssh.calls.map((c) => c.name)).toEqual(['kubeadm-host-facts']);
  });

  it('resets leftovers of a failed init when neither API nor etcd runs, then initializes', async () => {
    let reset = false;
    const run = detached(0);
    const ssh = initSsh({
      'kubeadm-host-facts': () => (reset ? hostFacts([], 'none', 'refused', 'down') : hostFacts(['admin.conf', 'pki/ca.crt'], 'exited 1', 'refused', 'down')),
      'kubeadm-reset': () => ((reset = true), ok()),
      'detached-start': () => run['detached-start'](),
    });
    await expect(activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 })).resolves.toMatchObject({ alreadyInitialized: false });
    expect(ssh.calls.map((c) => c.name).slice(0, 3)).toEqual(['kubeadm-host-facts', 'kubeadm-reset', 'kubeadm-host-facts']);
  });

  it('turns kubeadm preflight errors into non-retryable PreflightFailed listing them', async () => {
    const run = detached(1, 'error execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`');
    const ssh = initSsh({
      'kubeadm-host-facts': () => hostFacts([], 'none', 'refused', 'down'),
      'detached-start': () => run['detached-start'](),
    });
    await expect(activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 })).rejects.toMatchObject({
      type: 'PreflightFailed',
      nonRetryable: true,
      message: expect.stringContaining('[Swap] running with swap on is not supported'),
    });
  });
});

describe('uploadCerts', () => {
  it('re-uploads with the same key through a 0600 config file, never on a command line', async () => {
    const ssh = new FakeSsh({ 'kubeadm-upload-certs': () => ok('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n') });
    const result = await activities(ssh).uploadCerts({ cluster: CLUSTER, host: CP1, certificateKey: KEY });
    expect(result.key).toBe(KEY.key);
    const file = ssh.files.get('cp1:/etc/kubeha/kubeadm-upload-certs.yaml');
    expect(file).toMatchObject({ mode: 0o600, content: expect.stringContaining(`certificateKey: ${KEY.key}`) });
    expect(ssh.calls.find((c) => c.name === 'kubeadm-upload-certs')?.text).toContain("--config '/etc/kubeha/kubeadm-upload-certs.yaml'");
    secretFree(ssh);
  });

  it('mints a new key only when asked to rotate (no key given)', async () => {
    const ssh = new FakeSsh({ 'kubeadm-upload-certs': () => ok() });
    expect((await activities(ssh).uploadCerts({ cluster: CLUSTER, host: CP1 })).key).not.toBe(KEY.key);
  });
});

describe('revokeJoinCredentials', () => {
  it('deletes the kubeadm-certs Secret and each token by id, tolerating ones already gone', async () => {
    const ssh = new FakeSsh({ 'revoke-join-credentials': () => ok() });
    await activities(ssh).revokeJoinCredentials({ cluster: CLUSTER, host: CP1, tokenIds: ['abcdef', 'ghijkl'], certificateSecret: true, files: ['/etc/kubeha/kubeadm-init.yaml'] });
    const text = ssh.calls[0]?.text ?? '';
    expect(text).toContain("delete secret kubeadm-certs --ignore-not-found");
    expect(text).toContain(`token delete --kubeconfig "$kc" 'abcdef'`);
    // Through cp1's own API server, not the endpoint: a load balancer blip cannot fail the cleanup.
    expect(text).toContain("awk -v s='https://10.0.0.11:6443'");
    expect(text).toContain("'ghijkl'");
    expect(text).toContain("rm -f -- '/etc/kubeha/kubeadm-init.yaml'");
  });
});
