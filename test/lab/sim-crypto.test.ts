/** The simulator's PKI and the "kubeadm-certs" Secret, checked against the real openssl CLI. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decryptCerts, encryptCerts, isCertificateKey, newCertificateKey } from '../../lab/sim/certs-secret';
import { caCertHash, createControlPlaneLeaves, createSharedCas } from '../../lab/sim/pki';

const pki = mkdtempSync(path.join(os.tmpdir(), 'kubeha-sim-pki-'));

beforeAll(async () => {
  await createSharedCas(pki);
  await createControlPlaneLeaves(pki, { nodeName: 'cp1', address: '127.0.9.11', endpointHost: '127.0.9.10', serviceIp: '10.96.0.1', extraSans: ['api.example'] });
});

const openssl = (args: string[], input?: string) => execFileSync('openssl', args, { input, encoding: 'utf8' });

test('caCertHash equals the openssl pipeline kubeadm documents', () => {
  const spki = execFileSync('sh', ['-c', `openssl x509 -pubkey -in ${path.join(pki, 'ca.crt')} | openssl rsa -pubin -outform der 2>/dev/null | sha256sum | cut -d' ' -f1`], { encoding: 'utf8' }).trim();
  expect(caCertHash(readFileSync(path.join(pki, 'ca.crt'), 'utf8'))).toBe(`sha256:${spki}`);
});

test('the apiserver certificate chains to the CA and carries the endpoint, node and extra SANs', () => {
  expect(openssl(['verify', '-CAfile', path.join(pki, 'ca.crt'), path.join(pki, 'apiserver.crt')]).trim()).toBe(`${path.join(pki, 'apiserver.crt')}: OK`);
  const sans = openssl(['x509', '-in', path.join(pki, 'apiserver.crt'), '-noout', '-ext', 'subjectAltName']);
  for (const s of ['DNS:kubernetes.default.svc.cluster.local', 'DNS:cp1', 'DNS:api.example', 'IP Address:10.96.0.1', 'IP Address:127.0.9.11', 'IP Address:127.0.9.10']) {
    expect(sans).toContain(s);
  }
});

test('etcd certificates chain to the etcd CA; the healthcheck client is client-only', () => {
  for (const c of ['etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client']) {
    expect(openssl(['verify', '-CAfile', path.join(pki, 'etcd/ca.crt'), path.join(pki, `${c}.crt`)])).toContain(': OK');
  }
  const text = openssl(['x509', '-in', path.join(pki, 'etcd/healthcheck-client.crt'), '-noout', '-text']);
  expect(text).toContain('TLS Web Client Authentication');
  expect(text).not.toContain('TLS Web Server Authentication');
  expect(openssl(['x509', '-in', path.join(pki, 'etcd/server.crt'), '-noout', '-ext', 'subjectAltName'])).toContain('IP Address:127.0.9.11');
});

test('keys are encoded as kubeadm writes them, readable only by root; leaves name their CA\'s key identifier', () => {
  const first = (f: string) => readFileSync(path.join(pki, f), 'utf8').split('\n')[0];
  expect(first('ca.key')).toBe('-----BEGIN RSA PRIVATE KEY-----');
  expect(first('sa.key')).toBe('-----BEGIN RSA PRIVATE KEY-----');
  expect(first('apiserver.key')).toBe('-----BEGIN EC PRIVATE KEY-----');
  expect(first('sa.pub')).toBe('-----BEGIN PUBLIC KEY-----');
  for (const f of ['ca.key', 'sa.key', 'apiserver.key', 'etcd/peer.key']) expect(statSync(path.join(pki, f)).mode & 0o777).toBe(0o600);
  openssl(['rsa', '-in', path.join(pki, 'sa.key'), '-check', '-noout']);
  const ski = openssl(['x509', '-in', path.join(pki, 'ca.crt'), '-noout', '-ext', 'subjectKeyIdentifier,basicConstraints,keyUsage']);
  expect(ski).toMatch(/CA:TRUE/);
  expect(ski).toMatch(/Digital Signature, Key Encipherment, Certificate Sign/);
  const id = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(ski)?.[1];
  expect(id).toBeDefined();
  expect(openssl(['x509', '-in', path.join(pki, 'apiserver-kubelet-client.crt'), '-noout', '-ext', 'authorityKeyIdentifier'])).toContain(id);
  expect(openssl(['x509', '-in', path.join(pki, 'apiserver-kubelet-client.crt'), '-noout', '-subject']).trim()).toBe('subject=O = kubeadm:cluster-admins, CN = kube-apiserver-kubelet-client');
});

test('the certs Secret decrypts only with its certificate key, with kubeadm\'s message otherwise', () => {
  const key = newCertificateKey();
  expect(isCertificateKey(key)).toBe(true);
  const data = encryptCerts({ 'ca.crt': 'PEM' }, key);
  expect(decryptCerts(data, key)).toEqual({ 'ca.crt': 'PEM' });
  expect(() => decryptCerts(data, newCertificateKey())).toThrow('error decoding secret data with provided key: cipher: message authentication failed');
});
