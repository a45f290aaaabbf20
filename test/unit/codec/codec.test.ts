import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DefaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { CodecKeyError, EncryptionCodec, kubehaDataConverter, loadCodec } from '../../../src/codec';

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

  it('fails clearly with another key, naming both key ids', async () => {
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

  it('builds a DataConverter with the codec', () => {
    const codec = new EncryptionCodec(key(7));
    expect(kubehaDataConverter(codec)).toEqual({ payloadCodecs: [codec] });
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
    writeFileSync(file, `${key(9).toString('base64')}\n`);
    expect(loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: file } }).keyId).toBe(new EncryptionCodec(key(9)).keyId);
  });

  it('rejects a malformed key naming where it came from', () => {
    expect(() => loadCodec({ env: { KUBEHA_CODEC_KEY: 'c2hvcnQ=' } })).toThrow(/KUBEHA_CODEC_KEY must hold 32 random bytes.*got 5 bytes/);
    expect(() => loadCodec({ env: { KUBEHA_CODEC_KEY_FILE: path.join(dir, 'missing') } })).toThrow(/cannot read the codec key file .*missing/);
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
