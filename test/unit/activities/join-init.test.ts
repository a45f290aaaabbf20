import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../../src/activities';
import { silentLogger } from '../../../src/logging';
import { fail, FakeSsh, ok } from './fake-ssh';
import { CLUSTER, CP1, CP2, W1 } from './settings';

const TOKEN = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'1'.repeat(64)}`, expiresAt: '2030-01-01T00:00:00Z' };
const KEY = { key: 'c'.repeat(64), expiresAt: '2030-01-01T00:00:00Z' };
const NOW = Date.parse('2026-01-01T00:00:00Z');

function activities(ssh: FakeSsh) {
  return createActivities({ ssh, logger: silentLogger(), clock: () => NOW });
}

function secretFree(ssh: FakeSsh): void {
  for (const call of ssh.calls) {
    expect(call.text).not.toContain(TOKEN.token);
    expect(call.text).not.toContain(KEY.key);
  }
}

describe('joinNode', () => {
  it('leaves an already joined host alone', async () => {
    const ssh = new FakeSsh({ 'join-state': () => ok('state=joined\n') });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).resolves.toEqual({ alreadyJoined: true });
    expect(ssh.calls.map((c) => c.name)).toEqual(['join-state']);
  });

  it('resets leftovers, writes the secrets only into a 0600 file, and joins', async () => {
    const ssh = new FakeSsh({
      'join-state': () => ok('state=leftovers\n'),
      'kubeadm-reset': () => ok(),
      'kubeadm-join': () => ok('This node has joined the cluster'),
    });
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: KEY })).resolves.toEqual({ alreadyJoined: false });
    expect(ssh.calls.map((c) => c.name)).toEqual(['join-state', 'kubeadm-reset', 'write /etc/kubeha/kubeadm-join.yaml', 'kubeadm-join']);
    const file = ssh.files.get('cp2:/etc/kubeha/kubeadm-join.yaml');
    expect(file?.mode).toBe(0o600);
    expect(file?.content).toContain(TOKEN.token);
    expect(file?.content).toContain(KEY.key);
    secretFree(ssh);
  });

  it('maps an expired certificate key to non-retryable CertificateKeyExpired without leaking secrets', async () => {
    const ssh = new FakeSsh({
      'join-state': () => ok('state=clean\n'),
      'kubeadm-join': () =>
        fail(1, `[download-certs] using key ${KEY.key}\nerror execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run \`kubeadm init phase upload-certs --upload-certs\` on a control plane to generate a new one`),
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
      'join-state': () => ok('state=clean\n'),
      'kubeadm-join': () => fail(1, 'couldn\'t validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef"'),
    });
    await expect(activities(tokenFail).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).rejects.toMatchObject({ type: 'JoinTokenExpired', nonRetryable: true });
    const other = new FakeSsh({ 'join-state': () => ok('state=clean\n'), 'kubeadm-join': () => fail(1, 'error execution phase kubelet-start: timed out waiting for the condition') });
    await expect(activities(other).joinNode({ cluster: CLUSTER, host: W1, as: 'worker', token: TOKEN })).rejects.toMatchObject({ type: 'RemoteCommandFailed', nonRetryable: false });
  });

  it('refuses a control-plane join without a certificate key as InvalidSpec', async () => {
    const ssh = new FakeSsh({});
    await expect(activities(ssh).joinNode({ cluster: CLUSTER, host: CP2, as: 'control-plane', token: TOKEN })).rejects.toMatchObject({ type: 'InvalidSpec', nonRetryable: true });
  });
});

describe('initControlPlane', () => {
  const INIT_OUT = `You can now join any number of control-plane nodes running the following command on each as root:

  kubeadm join 10.0.0.10:6443 --token ${TOKEN.token} \\
\t--discovery-token-ca-cert-hash ${TOKEN.caCertHash} \\
\t--control-plane --certificate-key ${KEY.key}
`;

  it('initializes a clean host and returns the credentials kubeadm printed, with expiries from the spec', async () => {
    const ssh = new FakeSsh({ 'init-state': () => ok('state=clean\n'), 'kubeadm-init': () => ok(INIT_OUT) });
    const result = await activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 });
    expect(result).toEqual({
      alreadyInitialized: false,
      token: { token: TOKEN.token, caCertHash: TOKEN.caCertHash, expiresAt: new Date(NOW + 24 * 3600_000).toISOString() },
      certificateKey: { key: KEY.key, expiresAt: new Date(NOW + 2 * 3600_000).toISOString() },
    });
    expect(ssh.files.get('cp1:/etc/kubeha/kubeadm-init.yaml')?.content).toContain('kind: InitConfiguration');
    secretFree(ssh);
  });

  it('on an initialized host only mints fresh credentials', async () => {
    const ssh = new FakeSsh({
      'init-state': () => ok('state=initialized\n'),
      'kubeadm-upload-certs': () => ok(`[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${KEY.key}\n`),
      'kubeadm-token-create': () => ok(`kubeadm join 10.0.0.10:6443 --token ${TOKEN.token} --discovery-token-ca-cert-hash ${TOKEN.caCertHash} \n`),
    });
    const result = await activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 });
    expect(result.alreadyInitialized).toBe(true);
    expect(result.certificateKey.key).toBe(KEY.key);
    expect(result.token.token).toBe(TOKEN.token);
    expect(ssh.calls.map((c) => c.name)).not.toContain('kubeadm-init');
  });

  it('turns kubeadm preflight errors into non-retryable PreflightFailed listing them', async () => {
    const ssh = new FakeSsh({
      'init-state': () => ok('state=clean\n'),
      'kubeadm-init': () => fail(1, 'error execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`'),
    });
    await expect(activities(ssh).initControlPlane({ cluster: CLUSTER, host: CP1 })).rejects.toMatchObject({
      type: 'PreflightFailed',
      nonRetryable: true,
      message: expect.stringContaining('[Swap] running with swap on is not supported'),
    });
  });
});
