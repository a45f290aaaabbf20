import { LineRedactor, redact, tailLines } from '../../../src/ssh/redact';

const TOKEN = 'abcdef.0123456789abcdef';
const CERT_KEY = '3c9a5d0f8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretbody1\nc2VjcmV0Ym9keTIsecretbody2\n-----END RSA PRIVATE KEY-----';
const PEM_B64 = Buffer.from(PEM).toString('base64');

describe('redact', () => {
  it('hides bootstrap tokens, certificate keys and private keys but keeps the CA hash', () => {
    const hash = 'a'.repeat(64);
    const text = [
      `kubeadm join 10.0.0.10:6443 --token ${TOKEN} \\`,
      `  --discovery-token-ca-cert-hash sha256:${hash} \\`,
      `  --control-plane --certificate-key ${CERT_KEY}`,
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const out = redact(text);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(CERT_KEY);
    expect(out).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    expect(out).toContain(`sha256:${hash}`);
    expect(out).toContain('[REDACTED TOKEN]');
  });

  it('hides base64-encoded PEM blobs and credential fields of kubeconfigs and Secrets', () => {
    const kubeconfig = [
      'users:',
      '- name: kubernetes-admin',
      '  user:',
      `    client-certificate-data: ${Buffer.from('-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----').toString('base64')}`,
      `    client-key-data: ${PEM_B64}`,
      '    token: c2VjcmV0LXRva2Vu',
      '{"data":{"token-secret":"MDEyMzQ1Njc4OWFiY2RlZg==","password": "hunter2"}}',
    ].join('\n');
    const out = redact(kubeconfig);
    expect(out).not.toContain(PEM_B64.slice(0, 40));
    expect(out).not.toContain(PEM_B64.slice(-40));
    expect(out).not.toContain('c2VjcmV0LXRva2Vu');
    expect(out).not.toContain('MDEyMzQ1Njc4OWFiY2RlZg');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('client-key-data: [REDACTED');
    expect(out).toContain('- name: kubernetes-admin');
  });

  it('hides extra secrets given by the caller, also base64-encoded', () => {
    expect(redact('password is hunter22', ['hunter22'])).toBe('password is [REDACTED]');
    const secret = 'my-own-secret-value';
    expect(redact(`data: ${Buffer.from(secret).toString('base64')}`, [secret])).toBe('data: [REDACTED]');
    expect(redact('abc', ['ab'])).toBe('abc');
  });

  it('keeps the tail at a line boundary, after redacting the whole text', () => {
    const text = `${PEM}\n${'x'.repeat(50)}\nlast line`;
    const cutInsideKey = text.length - PEM.length / 2 - 60;
    expect(tailLines(redact(text), text.length - cutInsideKey)).not.toMatch(/secretbody/);
    expect(tailLines('line1\nline2\nline3', 9)).toBe('...line3');
    expect(tailLines('short', 100)).toBe('short');
  });
});

describe('LineRedactor', () => {
  function stream(chunks: string[], secrets: string[] = []): string[] {
    const emitted: string[] = [];
    const redactor = new LineRedactor((t) => emitted.push(t), secrets);
    for (const c of chunks) redactor.push(c);
    redactor.end();
    return emitted;
  }

  it('never emits a secret split across chunks at any point', () => {
    const text = `join with ${TOKEN} and key ${CERT_KEY}\n${PEM}\ndone ${PEM_B64}\nminted s3cr3t-value\nno newline at the end`;
    for (let size = 1; size <= 17; size += 1) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      const out = stream(chunks, ['s3cr3t-value']);
      const joined = out.join('');
      for (const leak of [TOKEN, CERT_KEY, 'secretbody', PEM_B64.slice(0, 30), 's3cr3t-value']) expect(joined).not.toContain(leak);
      for (const piece of out.slice(0, -1)) expect(piece.endsWith('\n')).toBe(true);
      expect(joined).toBe(redact(text, ['s3cr3t-value']));
    }
  });

  it('redacts an unterminated private key block when the stream ends', () => {
    expect(stream(['ok\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI', 'secretbody\n']).join('')).toBe('ok\n[REDACTED PRIVATE KEY]');
  });

  it('ignores output after the end', () => {
    const emitted: string[] = [];
    const r = new LineRedactor((t) => emitted.push(t));
    r.push('a\n');
    r.end();
    r.push('b\n');
    r.end();
    expect(emitted).toEqual(['a\n']);
  });
});
