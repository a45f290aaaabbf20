import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerValidate } from '../../../src/client/commands/validate';
import { InputError } from '../../../src/errors';
import { parseSpec } from '../../../src/spec/load';
import { Problems } from '../../../src/spec/problems';
import { checkSemantics } from '../../../src/spec/semantic';
import { MAX_MINOR, MIN_MINOR, RELEASES, SUPPORTED_RANGE, isPastEndOfLife, isSupportedMinor, releaseOf, upgradeProblem } from '../../../src/spec/version';

const EXAMPLES = path.join(__dirname, '../../../examples');

const spec = (version: string) => `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: c }
spec:
  kubernetesVersion: ${version}
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts: [{ name: cp1, address: 192.168.0.10, role: control-plane }]
`;

describe('the release table', () => {
  it('runs without gaps from the seeds\' v1.22 to v1.37', () => {
    expect(RELEASES.map((r) => r.minor)).toEqual(Array.from({ length: 16 }, (_, i) => 22 + i));
    expect([MIN_MINOR, MAX_MINOR, SUPPORTED_RANGE]).toEqual([22, 37, 'v1.22–v1.37']);
    expect(isSupportedMinor(21)).toBe(false);
    expect(isSupportedMinor(38)).toBe(false);
  });

  it('switches the kubeadm API at v1.31 and super-admin.conf at v1.29', () => {
    expect(releaseOf('v1.30.14').kubeadmApi).toBe('kubeadm.k8s.io/v1beta3');
    expect(releaseOf('v1.31.0').kubeadmApi).toBe('kubeadm.k8s.io/v1beta4');
    expect(releaseOf('v1.28.15').superAdminConf).toBe(false);
    expect(releaseOf('v1.29.0').superAdminConf).toBe(true);
  });

  it('has etcd tags that never go down and end-of-life dates in order', () => {
    const tag = (t: string) => t.split(/[.-]/).map(Number).reduce((a, n) => a * 1000 + n, 0);
    for (let i = 1; i < RELEASES.length; i++) {
      const [a, b] = [RELEASES[i - 1]!, RELEASES[i]!];
      expect(tag(b.etcd)).toBeGreaterThanOrEqual(tag(a.etcd));
      expect(b.endOfLife > a.endOfLife).toBe(true);
      expect(b.etcd).toMatch(/^3\.\d+\.\d+-0$/);
    }
    expect(releaseOf('v1.22.0').etcd).toBe('3.5.0-0');
    expect(releaseOf('v1.30.2').etcd).toBe('3.5.12-0');
  });

  it('throws for a version outside the table (validation refuses it first)', () => {
    expect(() => releaseOf('v1.38.0')).toThrow(/not in kubeha's release table \(v1\.22–v1\.37/);
    expect(() => releaseOf('1.30')).toThrow(/invalid kubernetesVersion/);
  });

  it('is past end of life the day after its date', () => {
    expect(isPastEndOfLife(releaseOf('v1.34.0'), '2026-10-27')).toBe(false);
    expect(isPastEndOfLife(releaseOf('v1.34.0'), '2026-10-28')).toBe(true);
  });
});

describe('upgradeProblem (kubeadm skew rules)', () => {
  it.each([
    ['v1.30.2', 'v1.30.3', undefined],
    ['v1.30.14', 'v1.31.0', undefined],
    ['v1.22.0', 'v1.23.17', undefined],
    ['v1.36.4', 'v1.37.1', undefined],
    ['v1.31.2', 'v1.31.2', 'the cluster is already at v1.31.2'],
    ['v1.31.2', 'v1.31.1', 'v1.31.2 -> v1.31.1 is a downgrade; kubeadm only upgrades (restore an etcd backup to go back)'],
    ['v1.31.0', 'v1.30.14', 'v1.31.0 -> v1.30.14 is a downgrade; kubeadm only upgrades (restore an etcd backup to go back)'],
    ['v1.30.2', 'v1.32.0', 'kubeadm upgrades one minor at a time: upgrade to v1.31.x first'],
    ['v1.22.0', 'v1.37.1', 'kubeadm upgrades one minor at a time: upgrade to v1.23.x first'],
    ['v1.37.1', 'v1.38.0', 'Kubernetes v1.38.0 is not supported (kubeha supports v1.22–v1.37)'],
    ['v1.30.2', '1.31', '"1.31" is not a Kubernetes version (write it as v1.MINOR.PATCH, e.g. v1.31.2)'],
    ['latest', 'v1.31.0', '"latest" is not a Kubernetes version (write it as v1.MINOR.PATCH, e.g. v1.30.2)'],
  ])('%s -> %s', (from, to, problem) => {
    expect(upgradeProblem(from, to)).toBe(problem);
  });
});

describe('spec validation by release', () => {
  // End of life depends on today's date: pin it so v1.37 stays supported in this test.
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-30T12:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('accepts a supported release without warnings', () => {
    expect(parseSpec(spec('v1.37.1'), 'c.yaml').warnings).toEqual([]);
  });

  it('accepts a release past upstream support with a warning on kubernetesVersion', () => {
    const { warnings } = parseSpec(spec('v1.22.0'), 'c.yaml');
    expect(warnings).toEqual(['c.yaml:5:22: warning: spec.kubernetesVersion: upstream support for Kubernetes v1.22 ended on 2022-12-08 (no more security fixes); v1.22.0 is still installed, but plan an upgrade']);
  });

  it('decides end of life against the date it is given', () => {
    const before = new Problems();
    checkSemantics({ spec: { kubernetesVersion: 'v1.37.0' } }, before, '2027-10-28');
    const after = new Problems();
    checkSemantics({ spec: { kubernetesVersion: 'v1.37.0' } }, after, '2027-10-29');
    expect(before.list).toEqual([]);
    expect(after.list.map((p) => p.severity)).toEqual(['warning']);
  });

  it.each(['v1.21.14', 'v1.38.0', 'v1.99.0'])('refuses %s with the supported range', (version) => {
    try {
      parseSpec(spec(version), 'c.yaml');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems).toEqual([`c.yaml:5:22: spec.kubernetesVersion: Kubernetes ${version} is not supported (kubeha supports v1.22–v1.37)`]);
    }
  });
});

describe('kubeha validate', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-versions-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function validate(file: string): Promise<{ out: string; err: string }> {
    let out = '';
    let err = '';
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += c.toString()), true));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += c.toString()), true));
    try {
      const program = new Command('kubeha').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
      registerValidate(program);
      await program.parseAsync(['node', 'kubeha', 'validate', '-f', file]);
      return { out, err };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }

  it('accepts the seeds\' v1.22 kube-vip layout, warning that v1.22 is past upstream support', async () => {
    const { out, err } = await validate(path.join(EXAMPLES, 'seed-v1.22-kube-vip.yaml'));
    expect(out).toContain('seed-v1.22-kube-vip.yaml: valid (3 control planes, 0 workers, kube-vip)');
    expect(err).toContain('warning: spec.kubernetesVersion: upstream support for Kubernetes v1.22 ended on 2022-12-08');
  });

  it('accepts the newest upstream release', async () => {
    const { out } = await validate(path.join(EXAMPLES, 'current-upstream.yaml'));
    expect(out).toContain('current-upstream.yaml: valid (3 control planes, 1 worker, kube-vip)');
  });
});
