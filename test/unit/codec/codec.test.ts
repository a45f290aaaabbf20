import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure, DefaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { runCodecKeys, runCodecRotate } from '../../../src/client/commands/codec';
import {
  CodecKeyError,
  EncryptionCodec,
  FAILURE_CONVERTER_PATH,
  FileKeyRingSource,
  keyIdOf,
  keyRing,
  kubehaDataConverter,
  loadCodec,
  parseKeyRing,
  rotateCodecKey,
} from '../../../src/codec';

const converter = new DefaultPayloadConverter();
const secret = { token: 'abcdef.0123456789abcdef', certificateKey: 'f'.repeat(64) };
const key = (fill: number): Buffer => Buffer.alloc(32, fill);

async function encodeSecret(codec: EncryptionCodec): Promise<Payload> {
  const [encoded] = await codec.encode([converter.toPayload(secret)]);
  if (!encoded) throw new Error('no payload');
  return encoded;
}

describe('EncryptionCodec', () => {
  it('round-trips a payload and marks it binary/encrypted with the key id', async () => {
    const codec = new EncryptionCodec(key(1));
    const encoded = await encodeSecret(codec);
    expect(Buffer.from(encoded.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.metadata?.['encryption-key-id'] ?? []).toString()).toBe(codec.keyId);
    const [decoded] = await codec.decode([encoded]);
    expect(converter.fromPayload(decoded as Payload)).toEqual(secret);
  });

  it('never shows the token or key in the encoded bytes, and uses a fresh IV each time', async () => {
    const codec = new EncryptionCodec(key(2));
    const a = await encodeSecret(codec);
    const b = await encodeSecret(codec);
    const bytes = Buffer.from(a.data ?? []);
    expect(bytes.includes(Buffer.from(secret.token))).toBe(false);
    expect(bytes.includes(Buffer.from('abcdef'))).toBe(false);
    expect(bytes.includes(Buffer.from(secret.certificateKey))).toBe(false);
    expect(Buffer.from(a.data ?? []).subarray(0, 12).equals(Buffer.from(b.data ?? []).subarray(0, 12))).toBe(false);
  });

  it('detects tampering', async () => {
    const codec = new EncryptionCodec(key(3));
    const encoded = await encodeSecret(codec);
    const data = Buffer.from(encoded.data ?? []);
    data[20] = (data[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(/failed authentication/);
  });

  it('fails clearly with a key outside its ring, naming the key ids', async () => {
    const writer = new EncryptionCodec(key(4));
    const reader = new EncryptionCodec(key(5));
    const encoded = await encodeSecret(writer);
    const error = await reader.decode([encoded]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecKeyError);
    expect((error as Error).message).toContain(writer.keyId);
    expect((error as Error).message).toContain(reader.keyId);
  });

  it('passes unencrypted payloads through', async () => {
    const plain = converter.toPayload('hello');
    expect(await new EncryptionCodec(key(6)).decode([plain])).toEqual([plain]);
  });

  it('refuses unencrypted payloads when told to require encryption', async () => {
    const plain = converter.toPayload('hello');
    await expect(new EncryptionCodec(key(6), { requireEncryption: true }).decode([plain])).rejects.toThrow(/refusing an unencrypted payload \(encoding json\/plain\)/);
  });

  it('builds a DataConverter with the codec and the encrypting failure converter', () => {
    const codec = new EncryptionCodec(key(7));
    expect(kubehaDataConverter(codec)).toEqual({ payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH });
  });
});

describe('key ring', () => {
  it('encodes with the current key and decodes with any key of the ring, by the id in the metadata', async () => {
    const old = new EncryptionCodec(key(10));
    const oldPayload = await encodeSecret(old);
    const ring = keyRing([key(11), key(10)]);
    const codec = new EncryptionCodec(ring);
    expect(codec.keyId).toBe(keyIdOf(key(11)));
    expect(codec.keyIds).toEqual([keyIdOf(key(11)), keyIdOf(key(10))]);
    const [decoded] = await codec.decode([oldPayload]);
    expect(converter.fromPayload(decoded as Payload)).toEqual(secret);
    const fresh = await encodeSecret(codec);
    expect(Buffer.from(fresh.metadata?.['encryption-key-id'] ?? []).toString()).toBe(keyIdOf(key(11)));
    await expect(old.decode([fresh])).rejects.toThrow(/not in this process's key ring/);
  });

  it('parses keys one per line or comma separated, current first, with comments', () => {
    const ring = parseKeyRing(`# ring\n${key(12).toString('base64')} # current\n\n${key(13).toString('base64')},${key(14).toString('base64')}\n`, 'f');
    expect(ring.current.id).toBe(keyIdOf(key(12)));
    expect([...ring.keys.keys()]).toEqual([key(12), key(13), key(14)].map(keyIdOf));
    expect(() => parseKeyRing('# nothing\n', 'f')).toThrow(/f holds no codec key/);
    expect(() => parseKeyRing(`${key(12).toString('base64')}\nc2hvcnQ=`, 'f')).toThrow(/f \(key 2\) must hold 32 random bytes/);
  });
});

describe('failures', () => {
  it('carry message and stack only inside the encrypted payload', async () => {
    const converter = loadDataConverter(kubehaDataConverter(new EncryptionCodec(key(20))));
    const error = ApplicationFailure.nonRetryable(`join failed with token ${secret.token}`, 'RemoteCommandFailed');
    const failure = await encodeErrorToFailure(converter, error);
    const text = JSON.stringify(failure, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(text).not.toContain(secret.token);
    expect(text).not.toContain('join failed');
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(failure.applicationFailureInfo?.type).toBe('RemoteCommandFailed');
    expect((await decodeOptionalFailureToOptionalError(converter, failure))?.message).toBe(`join failed with token ${secret.token}`);
  });
});

describe('loadCodec', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-codec-'));

  it('reads KUBEHA_CODEC_KEY', () => {
    const { keyId } = loadCodec({ env: { KUBEHA_CODEC_KEY: key(8).toString('base64') } });
    expect(keyId).toBe(new EncryptionCodec(key(8)).keyId);
  });

  it('reads KUBEHA_CODEC_KEY_FILE', () => {
    const file = path.join(dir, 'k');
    writeFileSync(file, `${key(9).toString('base64')}\n`, { mode: 0o600 });
    expect(loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: file } }).keyId).toBe(new EncryptionCodec(key(9)).keyId);
  });

  it('rejects a malformed key naming where it came from', () => {
    expect(() => loadCodec({ env: { KUBEHA_CODEC_KEY: 'c2hvcnQ=' } })).toThrow(/KUBEHA_CODEC_KEY must hold 32 random bytes.*got 5 bytes/);
    expect(() => loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: path.join(dir, 'missing') } })).toThrow(/cannot read the codec key file .*missing/);
  });

  it('refuses key files group or others can read, naming the file and the fix', () => {
    const file = path.join(dir, 'loose');
    writeFileSync(file, `${key(15).toString('base64')}\n`);
    chmodSync(file, 0o644);
    const error = (() => {
      try {
        loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: file } });
      } catch (e) {
        return e as CodecKeyError;
      }
      throw new Error('accepted a 0644 key file');
    })();
    expect(error.message).toContain(`the codec key file ${file} is readable by group or others (mode 0644)`);
    expect(error.hint).toContain(`chmod 600 ${file}`);
    chmodSync(file, 0o640);
    expect(() => loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: file } })).toThrow(/mode 0640/);
    chmodSync(file, 0o600);
    expect(loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: file } }).keyId).toBe(keyIdOf(key(15)));
  });

  it('reads a ring from KUBEHA_CODEC_KEY, current first', () => {
    const { codec } = loadCodec({ env: { KUBEHA_CODEC_KEY: `${key(16).toString('base64')},${key(17).toString('base64')}` } });
    expect(codec.keyIds).toEqual([keyIdOf(key(16)), keyIdOf(key(17))]);
  });

  it('creates the default key file 0600 under XDG_CONFIG_HOME once and reuses it', () => {
    const env = { XDG_CONFIG_HOME: path.join(dir, 'xdg') };
    const first = loadCodec({ env });
    const file = path.join(dir, 'xdg', 'kubeha', 'codec.key');
    expect(first.source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(loadCodec({ env }).keyId).toBe(first.keyId);
  });
});

describe('kubeha codec rotate', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-rotate-'));

  it('keeps payloads encrypted before the rotation readable; new payloads use the new key id; running processes follow the file', async () => {
    const file = path.join(dir, 'codec.key');
    writeFileSync(file, `${key(30).toString('base64')}\n`, { mode: 0o600 });
    let clock = 0;
    const running = new EncryptionCodec(new FileKeyRingSource(file, 1_000, () => clock));
    const before = await encodeSecret(running);
    const out: string[] = [];
    await runCodecRotate({ keyFile: file, stdout: { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream });
    const rotated = loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: file } }).codec;
    expect(rotated.keyId).not.toBe(keyIdOf(key(30)));
    expect(rotated.keyIds).toEqual([rotated.keyId, keyIdOf(key(30))]);
    expect(out.join('')).toContain(`new payloads use ${rotated.keyId} (was ${keyIdOf(key(30))})`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The old payload still decodes with the rotated ring; the new key encodes.
    expect(converter.fromPayload((await rotated.decode([before]))[0] as Payload)).toEqual(secret);
    const after = await encodeSecret(rotated);
    expect(Buffer.from(after.metadata?.['encryption-key-id'] ?? []).toString()).toBe(rotated.keyId);
    // A process that loaded the ring before the rotation decodes the new key's payloads at once and encodes with it once it checks the file.
    expect(converter.fromPayload((await running.decode([after]))[0] as Payload)).toEqual(secret);
    clock += 1_000;
    expect(running.keyId).toBe(rotated.keyId);
    // Listing shows ids, never keys.
    const listed: string[] = [];
    await runCodecKeys({ keyFile: file, stdout: { write: (t: string) => listed.push(t) } as unknown as NodeJS.WritableStream });
    expect(listed.join('')).toBe(`${rotated.keyId} (current: encrypts and decrypts)\n${keyIdOf(key(30))} (decrypts)\n`);
    expect(listed.join('')).not.toContain(key(30).toString('base64'));
    const json: string[] = [];
    await runCodecKeys({ keyFile: file, json: true, stdout: { write: (t: string) => json.push(t) } as unknown as NodeJS.WritableStream });
    expect(JSON.parse(json.join(''))).toEqual({ current: rotated.keyId, keys: [rotated.keyId, keyIdOf(key(30))] });
  });

  it('retires a key on request, refuses unknown ids, and refuses a loose or env-only ring', async () => {
    const file = path.join(dir, 'retire.key');
    writeFileSync(file, `${key(31).toString('base64')}\n${key(32).toString('base64')}\n`, { mode: 0o600 });
    await expect(rotateCodecKey({ file, retire: ['kubeha-nope'] })).rejects.toThrow(/cannot retire kubeha-nope/);
    const result = await rotateCodecKey({ file, retire: [keyIdOf(key(32))] });
    expect(result.keyIds).toEqual([result.current, keyIdOf(key(31))]);
    chmodSync(file, 0o604);
    await expect(rotateCodecKey({ file })).rejects.toThrow(/readable by group or others/);
    await expect(runCodecRotate({ env: { KUBEHA_CODEC_KEY: key(33).toString('base64') } })).rejects.toThrow(/KUBEHA_CODEC_KEY, which kubeha cannot rewrite/);
  });
});
