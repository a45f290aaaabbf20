import { redact } from '../../../src/ssh/redact';

describe('redact', () => {
  it('hides bootstrap tokens, certificate keys and private keys but keeps the CA hash', () => {
    const hash = 'a'.repeat(64);
    const key = '3c9a5d0f8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c';
    const text = [
      'kubeadm join 10.0.0.10:6443 --token abcdef.0123456789abcdef \\',
      `  --discovery-token-ca-cert-hash sha256:${hash} \\`,
      `  --control-plane --certificate-key ${key}`,
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const out = redact(text);
    expect(out).not.toContain('abcdef.0123456789abcdef');
    expect(out).not.toContain(key);
    expect(out).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    expect(out).toContain(`sha256:${hash}`);
    expect(out).toContain('[REDACTED TOKEN]');
  });

  it('hides extra secrets given by the caller', () => {
    expect(redact('password is hunter22', ['hunter22'])).toBe('password is [REDACTED]');
  });
});
