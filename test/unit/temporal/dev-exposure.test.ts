import { exposureWarning, isLoopback } from '../../../src/client/commands/dev';

it('knows loopback addresses', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(a)).toBe(true);
  for (const a of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.10', 'example.com']) expect(isLoopback(a)).toBe(false);
});

it('warns that a non-loopback --ip exposes an unauthenticated server, and stays quiet on loopback', () => {
  expect(exposureWarning('127.0.0.1', 7233, 8233)).toBeUndefined();
  const warning = exposureWarning('0.0.0.0', 7233, 8233);
  expect(warning).toContain('--ip 0.0.0.0 exposes the Temporal dev server (gRPC :7233) and its Web UI (:8233)');
  expect(warning).toContain('no TLS and no authentication');
});
