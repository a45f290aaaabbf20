import path from 'node:path';
import { callerIdentity } from '../../../src/client/who';

it('identifies the caller by the CN of its mTLS client certificate, else by its OS user, never by typed text', () => {
  expect(callerIdentity({ tlsCert: path.join(__dirname, '..', 'activities', 'fixtures', 'ca.crt') })).toBe('cn:kubernetes');
  expect(callerIdentity({}, { USER: 'alice' })).toMatch(/^alice@/);
  expect(() => callerIdentity({ tlsCert: '/nonexistent.pem' })).toThrow(/cannot read the client certificate/);
});
