/** Manual certificate distribution on the worker: the copy activity's judgement of both hosts' answers, and a keyless control-plane join. */
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../../src/activities';
import type { ClusterSettings } from '../../../src/activities/types';
import { silentLogger } from '../../../src/logging';
import { parseReceived, sharedCertificateFiles } from '../../../src/remote/shared-certificates';
import type { RunResult } from '../../../src/ssh/pool';
import { fail, FakeSsh, ok } from './fake-ssh';
import { CLUSTER, CP1, CP2, W1 } from './settings';

const MANUAL: ClusterSettings = { ...CLUSTER, certificateDistribution: 'manual' };
const TOKEN = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'1'.repeat(64)}`, expiresAt: '2030-01-01T00:00:00Z' };
const STACKED = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'etcd/ca.crt', 'etcd/ca.key'].map((f) => `/etc/kubernetes/pki/${f}`);

const activities = (ssh: FakeSsh) => createActivities({ ssh, logger: silentLogger(), clock: () => 0 });

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return err;
}

describe('the shared certificate files', () => {
  it('are the HA guide list with stacked etcd: kubeadm modes, keys and sa.pub 0600', () => {
    expect(sharedCertificateFiles({ topology: 'stacked' }).map((f) => `${f.mode} ${f.path}`)).toEqual(STACKED.map((p) => `${p.endsWith('.crt') ? '644' : '600'} ${p}`));
  });

  it("with external etcd: no etcd CA key, but the spec's etcd CA certificate and the API server's etcd client pair", () => {
    const files = sharedCertificateFiles({
      topology: 'external',
      endpoints: ['https://10.0.0.5:2379'],
      caFile: '/etc/kubernetes/pki/etcd/ca.crt',
      certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key',
    });
    expect(files.map((f) => f.path)).toEqual([...STACKED.slice(0, 6), '/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/apiserver-etcd-client.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key']);
    expect(files.at(-1)?.mode).toBe('600');
  });

  it("the receiver's lines parse to states; anything else is ignored", () => {
    expect(parseReceived('copied /etc/kubernetes/pki/ca.key\nsame /etc/kubernetes/pki/ca.crt\nnoise\ndiffers /etc/kubernetes/pki/sa.key\n')).toEqual([
      { state: 'copied', path: '/etc/kubernetes/pki/ca.key' },
      { state: 'same', path: '/etc/kubernetes/pki/ca.crt' },
      { state: 'differs', path: '/etc/kubernetes/pki/sa.key' },
    ]);
  });
});

describe('copySharedCertificates', () => {
  const pipe = (send: RunResult, receive: RunResult) => new FakeSsh({ 'send-shared-certificates': () => send, 'receive-shared-certificates': () => receive });

  it('sends from the control plane that has them and receives on the joining one; returns paths only', async () => {
    const ssh = pipe(ok(), ok(`${STACKED.slice(0, 7).map((p) => `copied ${p}`).join('\n')}\nsame ${STACKED[7]}\n`));
    await expect(activities(ssh).copySharedCertificates({ cluster: MANUAL, host: CP1, target: CP2 })).resolves.toEqual({ copied: STACKED.slice(0, 7), unchanged: [STACKED[7]] });
    expect(ssh.calls.map((c) => `${c.host} ${c.name}`)).toEqual(['cp1 send-shared-certificates', 'cp2 receive-shared-certificates']);
    for (const p of STACKED) expect(ssh.calls[0]?.text).toContain(`'${p}'`);
  });

  it('refuses, without retrying, a joining host whose files differ, naming the host and every such file', async () => {
    const ssh = pipe(ok(), fail(3, '', `differs ${STACKED[0]}\ndiffers ${STACKED[1]}\n`));
    const err = await failureOf(activities(ssh).copySharedCertificates({ cluster: MANUAL, host: CP1, target: CP2 }));
    expect(err.type).toBe('SharedCertificatesDiffer');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain(`cp2: ${STACKED[0]}, ${STACKED[1]} already exist with content other than cp1's`);
    expect(err.message).toContain('kubeha does not overwrite them');
  });

  it('names the source host and its missing file when it lacks one', async () => {
    const ssh = pipe(fail(3, `missing: ${STACKED[6]}\n`), fail(4, `incomplete: ${STACKED[0]} did not arrive\n`));
    const err = await failureOf(activities(ssh).copySharedCertificates({ cluster: MANUAL, host: CP1, target: CP2 }));
    expect(err.type).toBe('HostNeedsAttention');
    expect(err.message).toContain(`cp1: the shared certificates cannot be copied to cp2: missing ${STACKED[6]}`);
  });

  it('copies only between two different control planes of the cluster', async () => {
    const ssh = pipe(ok(), ok());
    expect((await failureOf(activities(ssh).copySharedCertificates({ cluster: MANUAL, host: CP1, target: CP1 }))).type).toBe('InvalidSpec');
    expect((await failureOf(activities(ssh).copySharedCertificates({ cluster: MANUAL, host: CP1, target: W1 }))).message).toContain('w1: not a control plane of cluster prod');
    expect(ssh.calls).toEqual([]);
  });
});

describe('joinNode with manual distribution', () => {
  const hostFacts = (files: string[]): RunResult => ok(`${files.join('\n')}\n@@files 0\nnone\n@@run 0\n000\n@@readyz 7\ncontext deadline exceeded\n@@etcd 1\n`);

  it('takes a host holding only the copied certificates as fresh: checks them again, then joins with no certificate key', async () => {
    const ssh = new FakeSsh({
      'kubeadm-host-facts': () => hostFacts(['pki/ca.crt']),
      'send-shared-certificates': () => ok(),
      'receive-shared-certificates': () => ok(STACKED.map((p) => `same ${p}`).join('\n')),
      'detached-start': () => ok('started\nexited 0\n@@log\nThis node has joined the cluster and a new control plane instance was created'),
    });
    await expect(activities(ssh).joinNode({ cluster: MANUAL, host: CP2, as: 'control-plane', token: TOKEN, certificatesFrom: CP1 })).resolves.toMatchObject({ alreadyJoined: false });
    expect(ssh.calls.map((c) => `${c.host} ${c.name}`).slice(0, 4)).toEqual([
      'cp2 kubeadm-host-facts',
      'cp1 send-shared-certificates',
      'cp2 receive-shared-certificates',
      'cp2 detached-start',
    ]);
    expect(ssh.calls.map((c) => c.name)).not.toContain('kubeadm-reset');
    const config = ssh.calls.find((c) => c.name === 'detached-start')?.stdin ?? '';
    expect(config).toContain('controlPlane:');
    expect(config).not.toContain('certificateKey');
  });

  it('refuses a certificate key, or a missing source, with manual distribution', async () => {
    const ssh = new FakeSsh({});
    const key = { key: 'c'.repeat(64), expiresAt: '2030-01-01T00:00:00Z' };
    expect((await failureOf(activities(ssh).joinNode({ cluster: MANUAL, host: CP2, as: 'control-plane', token: TOKEN, certificateKey: key, certificatesFrom: CP1 }))).type).toBe('InvalidSpec');
    expect((await failureOf(activities(ssh).joinNode({ cluster: MANUAL, host: CP2, as: 'control-plane', token: TOKEN }))).type).toBe('InvalidSpec');
    expect(ssh.calls).toEqual([]);
  });
});
