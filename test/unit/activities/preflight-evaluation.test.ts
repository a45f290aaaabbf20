import { evaluatePreflight, initPrerequisiteFiles, provenClockOffset } from '../../../src/activities/preflight';
import type { ClusterSettings } from '../../../src/activities/types';
import type { Section } from '../../../src/remote/sections';
import { CLUSTER, host } from './settings';

/** What an unprepared machine answers: swap on, no br_netfilter (so no bridge sysctl), no runtime, no kube tools. */
function bareMachine(name: string): Map<string, Section> {
  const s = (output: string, code = 0): Section => ({ output, code });
  return new Map([
    ['uid', s('0')],
    ['swap', s('/swap.img file 2G 0B -2')],
    ['sysctl', s('0')],
    ['cri', s('', 1)],
    ['kubeadm', s('', 127)],
    ['kubelet', s('', 127)],
    ['kubectl', s('', 127)],
    ['hostname', s(name)],
    ['ports', s('')],
    ['macs', s('eth0 02:00:00:00:00:01')],
    ['uuid', s('4C4C4544-0000-0000-0000-000000000001')],
  ]);
}

describe('preflight evaluation', () => {
  it('holds a kube node to the kubelet requirements', () => {
    const checks = evaluatePreflight(CLUSTER, host('cp1', '10.0.0.11'), bareMachine('cp1'), 0).problems.map((p) => p.check);
    expect(checks).toEqual(expect.arrayContaining(['Swap', 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', 'CRI', 'kubeadm-version', 'kubelet-version', 'kubectl-version']));
  });

  it('does not hold a load-balancer host to them (it runs haproxy and keepalived only)', () => {
    const report = evaluatePreflight(CLUSTER, host('lb1', '10.0.0.9', 'load-balancer'), bareMachine('lb1'), 0);
    expect(report.problems).toEqual([]);
  });

  it('still checks a load-balancer host for root and its hostname', () => {
    const sections = bareMachine('other');
    sections.set('uid', { output: '1000', code: 0 });
    const checks = evaluatePreflight(CLUSTER, host('lb1', '10.0.0.9', 'load-balancer'), sections, 0).problems.map((p) => p.check);
    expect(checks).toEqual(['IsPrivilegedUser', 'Hostname']);
  });
});

describe("external etcd's prerequisites on the first control plane", () => {
  const external = { ...CLUSTER, etcd: { topology: 'external', endpoints: ['https://10.0.0.5:2379'], caFile: '/etc/kubernetes/pki/etcd/ca.crt', certFile: '/etc/kubernetes/pki/apiserver-etcd-client.crt', keyFile: '/etc/kubernetes/pki/apiserver-etcd-client.key' } } as ClusterSettings;
  const checks = (output: string) =>
    evaluatePreflight(external, host('cp1', '10.0.0.11'), new Map([...bareMachine('cp1'), ['prerequisites', { output, code: 0 }]]), 0).problems.filter((p) => p.check === 'ExternalEtcdClientCertificates');

  it('are the files spec.etcd names, and none with stacked etcd', () => {
    expect(initPrerequisiteFiles(external)).toEqual(['/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/apiserver-etcd-client.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key']);
    expect(initPrerequisiteFiles(CLUSTER)).toEqual([]);
  });

  it('a missing one is a problem under kubeadm\'s check name, saying what to copy', () => {
    const found = checks('missing /etc/kubernetes/pki/etcd/ca.crt');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toMatch(/^\/etc\/kubernetes\/pki\/etcd\/ca\.crt not found: with external etcd, copy etcd\/ca\.crt and apiserver-etcd-client\.crt\/\.key from an etcd node/);
  });

  it('all there, or the host already initialized (a bring-up asked again), is fine', () => {
    expect(checks('')).toEqual([]);
    expect(checks('missing /etc/kubernetes/pki/etcd/ca.crt\ninitialized')).toEqual([]);
  });
});

describe('provenClockOffset', () => {
  it('counts only what lies beyond half the round trip', () => {
    // 400 ms round trip, remote reading 180 ms after the midpoint: within the measurement's slack.
    expect(provenClockOffset(10_380, 10_000, 10_400, 0)).toBe(0);
    // A real skew of 2 s shows, less the slack.
    expect(provenClockOffset(12_200, 10_000, 10_400, 0)).toBe(1_800);
    expect(provenClockOffset(8_000, 10_000, 10_400, 0)).toBe(-2_000);
  });

  it('is exact on a fast round trip', () => {
    expect(provenClockOffset(10_152, 10_000, 10_004, 0)).toBe(148);
  });

  it('claims nothing when the remote clock could not be read', () => {
    expect(provenClockOffset(Number.NaN, 10_000, 10_004, 0)).toBe(0);
    expect(provenClockOffset(10_500, 10_000, 10_004, 1)).toBe(0);
  });
});
