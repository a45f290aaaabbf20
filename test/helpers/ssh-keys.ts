import { utils } from 'ssh2';

/**
 * An ed25519 key pair from ssh2. Its generator strips the public key's leading zero bytes, so about
 * one pair in 256 is one its own parser (and OpenSSH) refuses (mscdex/ssh2#1513): such pairs are
 * generated anew rather than failing a test by chance.
 */
export function ed25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}
