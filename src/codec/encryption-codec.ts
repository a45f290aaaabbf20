/**
 * AES-256-GCM payload codec in the layout of samples-typescript `encryption/`: the whole
 * Payload protobuf is encrypted; data = 12-byte IV | ciphertext | 16-byte tag; metadata
 * `encoding: binary/encrypted` and `encryption-key-id`.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { EnvironmentError } from '../client/errors';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A missing, malformed or wrong codec key: the CLI shows it as an environment problem (exit 3). */
export class CodecKeyError extends EnvironmentError {
  constructor(message: string) {
    super(message, 'use one key everywhere: KUBEHA_CODEC_KEY (base64 of 32 bytes) or KUBEHA_CODEC_KEY_FILE, else the default file ~/.config/kubeha/codec.key');
  }
}

/** Stable, non-secret id of a key: lets a wrong-key failure say which key was used. */
export function keyIdOf(key: Buffer): string {
  return `kubeha-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export class EncryptionCodec implements PayloadCodec {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new CodecKeyError(`the codec key must be 32 bytes (AES-256), got ${key.length}`);
    this.keyId = keyIdOf(key);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [METADATA_ENCRYPTION_KEY_ID]: Buffer.from(this.keyId),
        },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
      const keyId = idBytes ? Buffer.from(idBytes).toString() : '(none)';
      if (keyId !== this.keyId) {
        throw new CodecKeyError(
          `payload was encrypted with key ${keyId} but this process has key ${this.keyId}: give the worker, the CLI and the codec server the same KUBEHA_CODEC_KEY / KUBEHA_CODEC_KEY_FILE`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new CodecKeyError(`encrypted payload (key ${keyId}) is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new CodecKeyError(`encrypted payload (key ${keyId}) failed authentication: it was modified or encrypted with another key`);
      }
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}
