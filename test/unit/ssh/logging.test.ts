import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging';

it('scrubs tokens, certificate keys and secret fields from log lines', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ destination, level: 'info' });
  const certKey = 'a1'.repeat(32);
  logger.info({ host: 'cp1', stderr: `--token abcdef.0123456789abcdef --certificate-key ${certKey}` }, 'cp1: join with abcdef.0123456789abcdef');
  logger.info({ host: 'cp1', credentials: { token: { token: 'abcdef.0123456789abcdef' } }, certificateKey: { key: certKey } }, 'cp1: minted');
  const text = lines.join('');
  expect(lines).toHaveLength(2);
  expect(text).not.toContain('abcdef.0123456789abcdef');
  expect(text).not.toContain(certKey);
  expect(text).toContain('cp1: join with [REDACTED TOKEN]');
});
