/**
 * The codec's keys: one current key that encodes, and older keys kept so payloads they
 * encrypted (in histories of workflows still open, or kept for inspection) still decode. Every
 * payload names its key by id in its metadata.
 *
 * On disk (and in KUBEHA_CODEC_KEY) a ring is base64 keys of 32 bytes, one per line (or
 * separated by commas in the variable), the current one first; `#` starts a comment.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EnvironmentError } from '../errors';

export const KEY_BYTES = 32;

/** A missing, malformed or wrong codec key: the CLI shows it as an environment problem (exit 3). */
export class CodecKeyError extends EnvironmentError {
  constructor(message: string, hint = 'use one key ring everywhere: KUBEHA_CODEC_KEY (base64 of 32 bytes) or KUBEHA_CODEC_KEY_FILE, else the default file ~/.config/kubeha/codec.key') {
    super(message, hint);
  }
}

/** Stable, non-secret id of a key: payload metadata carries it so the right key decrypts. */
export function keyIdOf(key: Buffer): string {
  return `kubeha-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export interface KeyRing {
  /** Encodes. */
  current: { id: string; key: Buffer };
  /** Decodes: the current key and every older one, by id. */
  keys: ReadonlyMap<string, Buffer>;
}

export function keyRing(keys: Buffer[]): KeyRing {
  const [first] = keys;
  if (!first) throw new CodecKeyError('the codec key ring is empty');
  for (const key of keys) {
    if (key.length !== KEY_BYTES) throw new CodecKeyError(`the codec key must be ${KEY_BYTES} bytes (AES-256), got ${key.length}`);
  }
  return { current: { id: keyIdOf(first), key: first }, keys: new Map(keys.map((k) => [keyIdOf(k), k])) };
}

export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

function decodeKey(text: string, source: string, index: number): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    const which = index === 0 ? '' : ` (key ${index + 1})`;
    throw new CodecKeyError(`${source}${which} must hold ${KEY_BYTES} random bytes in base64 (e.g. from: head -c 32 /dev/urandom | base64), got ${key.length} bytes`);
  }
  return key;
}

/** Parses a ring file or variable; `source` names it in errors. */
export function parseKeyRing(text: string, source: string): KeyRing {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((word) => word !== '');
  if (words.length === 0) throw new CodecKeyError(`${source} holds no codec key`);
  return keyRing(words.map((word, i) => decodeKey(word, source, i)));
}

/** The ring as a file: current key first, each key with its id as a comment. */
export function formatKeyRing(ring: KeyRing): string {
  const older = [...ring.keys].filter(([id]) => id !== ring.current.id);
  const lines = [
    '# kubeha codec key ring: the first key encrypts, all of them decrypt. Keep this file mode 0600.',
    `${ring.current.key.toString('base64')} # ${ring.current.id} (current)`,
    ...older.map(([id, key]) => `${key.toString('base64')} # ${id}`),
  ];
  return `${lines.join('\n')}\n`;
}
