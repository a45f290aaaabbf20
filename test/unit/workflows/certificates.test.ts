import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOpensslEndDate, parseRotateCertificates } from '../../../src/activities/certificates';
import { parseDaysDuration } from '../../../src/client/commands/certs';
import { certificateWarnings, certificatesToRenew, earliestExpiry, parseCheckExpiration, parseKubeadmTime } from '../../../src/certificates/expiration';
import type { HostCertificates } from '../../../src/shared/operations';
import type { ClusterSpec, HostSpec } from '../../../src/spec/types';
import { planCertificates } from '../../../src/workflows/certificates/plan';
import { CertificatesProgressTracker } from '../../../src/workflows/certificates/progress';
import { certificatesKind } from '../../../src/workflows/cluster/kinds/certificates';
import { reissueAll } from '../../../lab/sim/kubeadm/certs';
import { createControlPlaneLeaves, createSharedCas, leafSpecOf } from '../../../lab/sim/pki';

/** kubeadm v1.2x's text output as shown in kubernetes/kubeadm#2866 (trailing padding kept). */
const KUBEADM_OUTPUT = `[check-expiration] Reading configuration from the cluster...
[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'

CERTIFICATE                EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
admin.conf                 Apr 09, 2024 09:17 UTC   348d            ca                      no      
apiserver                  Apr 09, 2024 09:16 UTC   348d            ca                      no      
apiserver-etcd-client      Apr 09, 2024 09:16 UTC   348d            etcd-ca                 no      
apiserver-kubelet-client   Apr 09, 2024 09:16 UTC   348d            ca                      no      
controller-manager.conf    Apr 09, 2024 09:16 UTC   348d            ca                      no      
etcd-healthcheck-client    Apr 09, 2024 09:16 UTC   348d            etcd-ca                 no      
etcd-peer                  Apr 09, 2024 09:16 UTC   348d            etcd-ca                 no      
etcd-server                Apr 09, 2024 09:16 UTC   348d            etcd-ca                 no      
front-proxy-client         Apr 09, 2024 09:16 UTC   348d            front-proxy-ca          no      
scheduler.conf             Apr 09, 2024 09:17 UTC   348d            ca                      no      

CERTIFICATE AUTHORITY   EXPIRES                  RESIDUAL TIME   EXTERNALLY MANAGED
ca                      Nov 03, 2029 14:13 UTC   6y              no      
etcd-ca                 Nov 03, 2029 14:13 UTC   6y              no      
front-proxy-ca          Nov 03, 2029 14:13 UTC   6y              no      
`;

const DAY = 86_400_000;
const host = (name: string, role: HostSpec['role']): HostSpec => ({ name, role, address: `10.0.0.${name.length}` }) as HostSpec;
const spec = { name: 'c', kubernetesVersion: 'v1.30.2', hosts: [host('cp1', 'control-plane'), host('cp2', 'control-plane'), host('cp3', 'control-plane'), host('w1', 'worker')] } as unknown as ClusterSpec;

describe("kubeadm certs check-expiration's output", () => {
  it('reads both tables of real kubeadm output, every column', () => {
    const tables = parseCheckExpiration(KUBEADM_OUTPUT);
    expect(tables?.certificates.map((c) => c.name)).toEqual([
      'admin.conf', 'apiserver', 'apiserver-etcd-client', 'apiserver-kubelet-client', 'controller-manager.conf',
      'etcd-healthcheck-client', 'etcd-peer', 'etcd-server', 'front-proxy-client', 'scheduler.conf',
    ]);
    expect(tables?.certificates[0]).toEqual({ name: 'admin.conf', expires: '2024-04-09T09:17:00.000Z', residual: '348d', authority: 'ca', externallyManaged: false });
    expect(tables?.certificates[8]?.authority).toBe('front-proxy-ca');
    expect(tables?.authorities).toEqual([
      { name: 'ca', expires: '2029-11-03T14:13:00.000Z', residual: '6y', externallyManaged: false },
      { name: 'etcd-ca', expires: '2029-11-03T14:13:00.000Z', residual: '6y', externallyManaged: false },
      { name: 'front-proxy-ca', expires: '2029-11-03T14:13:00.000Z', residual: '6y', externallyManaged: false },
    ]);
  });

  it('drops the !MISSING! prefix, reads externally managed, <invalid> residuals, and refuses text without the tables', () => {
    const text = `CERTIFICATE   EXPIRES                  RESIDUAL TIME   CERTIFICATE AUTHORITY   EXTERNALLY MANAGED
!MISSING! apiserver   Jan 02, 2020 03:04 UTC   <invalid>   ca   yes
`;
    expect(parseCheckExpiration(text)?.certificates).toEqual([{ name: 'apiserver', expires: '2020-01-02T03:04:00.000Z', residual: '<invalid>', authority: 'ca', externallyManaged: true }]);
    expect(parseCheckExpiration('error execution phase check-expiration: failed to load existing certificate ca')).toBeUndefined();
    expect(parseKubeadmTime('Feb 30, 2020 10:00')).toBeUndefined();
  });

  it("reads openssl's notAfter and the kubelet's rotateCertificates", () => {
    expect(parseOpensslEndDate('notAfter=Dec  1 00:11:33 2027 GMT')).toBe('2027-12-01T00:11:33.000Z');
    expect(parseOpensslEndDate('notAfter=Nov 30 23:59:59 2027 GMT\n')).toBe('2027-11-30T23:59:59.000Z');
    expect(parseOpensslEndDate('')).toBeUndefined();
    expect(parseRotateCertificates({ output: 'rotateCertificates: true', code: 0 })).toBe(true);
    expect(parseRotateCertificates({ output: '', code: 0 })).toBeUndefined();
  });
});

describe('renewal threshold', () => {
  const now = Date.parse('2024-03-15T00:00:00Z');
  const tables = parseCheckExpiration(KUBEADM_OUTPUT) as NonNullable<ReturnType<typeof parseCheckExpiration>>;
  const hostCerts = (certs: Partial<HostCertificates> = {}): HostCertificates => ({ host: 'cp1', ...tables, renewed: false, ...certs });

  it('renews what expires within the threshold, never CAs or externally managed certificates', () => {
    expect(certificatesToRenew(hostCerts(), now, 30)).toEqual(tables.certificates.map((c) => c.name));
    expect(certificatesToRenew(hostCerts(), now, 20)).toEqual([]);
    const external = hostCerts({ certificates: tables.certificates.map((c) => ({ ...c, externallyManaged: c.name === 'apiserver' })) });
    expect(certificatesToRenew(external, now, 30)).not.toContain('apiserver');
    expect(certificatesToRenew(hostCerts(), Date.parse('2029-11-01T00:00:00Z'), 30)).not.toContain('ca');
  });

  it('takes the earliest expiry over control planes and warns about CAs, rotation and the kubelet certificate', () => {
    const later = hostCerts({ host: 'cp2', certificates: tables.certificates.map((c) => ({ ...c, expires: '2025-01-01T00:00:00.000Z' })) });
    expect(earliestExpiry([later, hostCerts()])).toBe('2024-04-09T09:16:00.000Z');
    const warnings = certificateWarnings([hostCerts({ kubeletRotateCertificates: false, kubeletClientExpires: new Date(now + 5 * DAY).toISOString() })], Date.parse('2029-10-20T00:00:00Z'), 30);
    expect(warnings.join('\n')).toMatch(/CA ca expires/);
    expect(warnings.join('\n')).toMatch(/does not rotate its client certificate/);
    expect(certificateWarnings([hostCerts({ kubeletRotateCertificates: true })], now, 10)).toEqual([]);
  });
});

describe('certificate phase declarations', () => {
  it('check reads every control plane at once and renews nothing', () => {
    const planned = planCertificates({ spec, action: 'check', renewWithinDays: 30 }).map((p) => p.description);
    expect(planned.map((p) => [p.id, p.hosts.map((h) => h.name), p.mode.kind])).toEqual([['check-expiration', ['cp1', 'cp2', 'cp3'], 'parallel']]);
  });

  it('renew takes the control planes one at a time, then checks them all again', () => {
    const planned = planCertificates({ spec, action: 'renew', renewWithinDays: 45 }).map((p) => p.description);
    expect(planned.map((p) => [p.id, p.hosts.map((h) => h.name), p.mode.kind])).toEqual([
      ['check-expiration', ['cp1', 'cp2', 'cp3'], 'parallel'],
      ['renew-control-planes', ['cp1', 'cp2', 'cp3'], 'serial'],
      ['verify-certificates', ['cp1', 'cp2', 'cp3'], 'parallel'],
    ]);
    expect(planned[1]?.title).toMatch(/within 45 days/);
  });

  it('the kind needs a brought-up cluster', () => {
    const record = { name: 'c', nodes: [], queue: [], history: [] };
    const request = { kind: 'certificates' as const, action: 'check' as const, requestedBy: 'me' };
    expect(certificatesKind.admit({ record } as never, request, [])).toMatch(/no successful bring-up/);
    expect(certificatesKind.admit({ record: { ...record, spec, kubernetesVersion: 'v1.30.2' } } as never, request, [])).toBeUndefined();
    expect(certificatesKind.summary({ ...request, action: 'renew', renewWithinDays: 60 }, record as never)).toBe('certificates renew (renew within 60 days)');
  });
});

describe('kubeha certs durations', () => {
  it('reads days plus the usual units, and names the flag when it cannot', () => {
    expect(parseDaysDuration('--within', '30d')).toBe(30 * DAY);
    expect(parseDaysDuration('--every', '1d12h')).toBe(36 * 3_600_000);
    expect(parseDaysDuration('--every', '90m')).toBe(90 * 60_000);
    expect(() => parseDaysDuration('--within', '0d')).toThrow(/--within must be a duration/);
    expect(() => parseDaysDuration('--every', 'weekly')).toThrow(/--every/);
  });
});

describe("the lab's kubeadm certs renew", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-certs-'));
    const pkiDir = path.join(dir, 'pki');
    await createSharedCas(pkiDir);
    await createControlPlaneLeaves(pkiDir, { nodeName: 'cp1', address: '10.0.0.11', endpointHost: '10.0.0.10', serviceIp: '10.96.0.1' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('re-issues with the same subject, SANs and usage and the asked validity, signed by the same CA', async () => {
    const file = path.join(dir, 'pki', 'apiserver.crt');
    const before = leafSpecOf(readFileSync(file));
    expect(await reissueAll(dir, 10)).toEqual(expect.arrayContaining(['apiserver', 'etcd-server', 'etcd-peer', 'front-proxy-client']));
    const cert = new X509Certificate(readFileSync(file));
    expect(leafSpecOf(readFileSync(file))).toEqual(before);
    expect(Math.round((Date.parse(cert.validTo) - Date.now()) / DAY)).toBe(10);
    expect(cert.checkIssued(new X509Certificate(readFileSync(path.join(dir, 'pki', 'ca.crt'))))).toBe(true);
    expect(before.ips).toEqual(expect.arrayContaining(['10.96.0.1', '10.0.0.11', '10.0.0.10']));
  });
});

describe('the certificate progress', () => {
  it('keeps the control planes in spec order, whichever answered check-expiration first', () => {
    const tracker = new CertificatesProgressTracker({ cluster: 'c', action: 'renew', renewWithinDays: 30, requestedBy: 'jest' }, () => '2026-12-01T00:00:00Z');
    tracker.declareStep('check-expiration', 'check', ['cp1', 'cp2', 'cp3']);
    const facts = (host: string) => ({ host, certificates: [], authorities: [] });
    tracker.setHost(facts('cp3'));
    tracker.setHost(facts('cp1'));
    tracker.setHost(facts('cp2'));
    tracker.setHost(facts('cp1'), true);
    expect(tracker.hosts.map((h) => [h.host, h.renewed])).toEqual([
      ['cp1', true],
      ['cp2', false],
      ['cp3', false],
    ]);
  });
});
