/**
 * AES-256-GCM payload codec in the layout of samples-typescript `encryption/`: the whole
 * Payload protobuf is encrypted; data = 12-byte IV | ciphertext | 16-byte tag; metadata
 * `encoding: binary/encrypted` and `encryption-key-id`. The current key of a key ring encodes;
 * any key of the ring decodes, chosen by the payload's key id.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing } from './key-ring';
import { CodecKeyError, keyRing } from './key-ring';

export { CodecKeyError, keyIdOf } from './key-ring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a codec gets its ring; `refresh` re-reads it (a key file rotated by another process). */
export interface KeyRingSource {
  ring(): KeyRing;
  /** Called when a payload names a key the ring lacks; returns the ring as it is now. */
  refresh(): KeyRing;
}

export interface EncryptionCodecOptions {
  /**
   * Refuse to decode payloads that are not encrypted. A worker that sets it only accepts input
   * from clients holding the key (a plaintext spec sent by any Temporal client is rejected).
   */
  requireEncryption?: boolean;
}

function staticSource(ring: KeyRing): KeyRingSource {
  return { ring: () => ring, refresh: () => ring };
}

export class EncryptionCodec implements PayloadCodec {
  private readonly source: KeyRingSource;

  constructor(
    keys: Buffer | KeyRing | KeyRingSource,
    private readonly options: EncryptionCodecOptions = {},
  ) {
    if (Buffer.isBuffer(keys)) this.source = staticSource(keyRing([keys]));
    else if ('current' in keys) this.source = staticSource(keys);
    else this.source = keys;
    this.source.ring();
  }

  /** Id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.source.ring().current.id;
  }

  /** Ids of every key this codec can decrypt with, current first. */
  get keyIds(): string[] {
    const ring = this.source.ring();
    return [ring.current.id, ...[...ring.keys.keys()].filter((id) => id !== ring.current.id)];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.source.ring().current;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [METADATA_ENCRYPTION_KEY_ID]: Buffer.from(id),
        },
        data: new Uint8Array(data),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) {
        if (this.options.requireEncryption) {
          throw new CodecKeyError(
            `refusing an unencrypted payload (encoding ${encoding ? Buffer.from(encoding).toString() : 'none'}): kubeha accepts input only from clients holding the codec key`,
            'start and answer bring-ups through kubeha (the CLI or KubehaClient) with the codec key ring the worker uses',
          );
        }
        return payload;
      }
      const idBytes = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
      const keyId = idBytes ? Buffer.from(idBytes).toString() : '(none)';
      const key = this.source.ring().keys.get(keyId) ?? this.source.refresh().keys.get(keyId);
      if (!key) {
        throw new CodecKeyError(
          `payload was encrypted with key ${keyId}, which is not in this process's key ring (${this.keyIds.join(', ')}): give the worker, the CLI and the codec server the same key ring (KUBEHA_CODEC_KEY / KUBEHA_CODEC_KEY_FILE), keeping old keys after a rotation`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new CodecKeyError(`encrypted payload (key ${keyId}) is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
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
