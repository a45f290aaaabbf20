/**
 * Where the codec key comes from: KUBEHA_CODEC_KEY (base64), KUBEHA_CODEC_KEY_FILE, or a
 * default file created 0600 on first use so `kubeha dev`, the worker and the CLI on one
 * machine share it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { CodecKeyError, EncryptionCodec } from './encryption-codec';

export interface LoadCodecOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides the default key file location. */
  defaultKeyFile?: string;
}

export interface LoadedCodec {
  codec: EncryptionCodec;
  keyId: string;
  /** Where the key came from (env var name or file path), for messages. */
  source: string;
}

export function defaultCodecKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'kubeha', 'codec.key');
}

function decodeKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new CodecKeyError(`${source} must hold 32 random bytes in base64 (e.g. from: head -c 32 /dev/urandom | base64), got ${key.length} bytes`);
  }
  return key;
}

function readKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CodecKeyError(`cannot read the codec key file ${file}: ${(e as Error).message}`);
  }
  return decodeKey(text, file);
}

export function loadCodec(options: LoadCodecOptions = {}): LoadedCodec {
  const env = options.env ?? process.env;
  let key: Buffer;
  let source: string;
  if (env.KUBEHA_CODEC_KEY) {
    source = 'KUBEHA_CODEC_KEY';
    key = decodeKey(env.KUBEHA_CODEC_KEY, source);
  } else if (env.KUBEHA_CODEC_KEY_FILE) {
    source = env.KUBEHA_CODEC_KEY_FILE;
    key = readKeyFile(source);
  } else {
    source = options.defaultKeyFile ?? defaultCodecKeyFile(env);
    if (!existsSync(source)) {
      mkdirSync(path.dirname(source), { recursive: true, mode: 0o700 });
      try {
        writeFileSync(source, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CodecKeyError(`cannot create the codec key file ${source}: ${(e as Error).message}`);
      }
    }
    if ((statSync(source).mode & 0o077) !== 0) chmodSync(source, 0o600);
    key = readKeyFile(source);
  }
  const codec = new EncryptionCodec(key);
  return { codec, keyId: codec.keyId, source };
}

export function kubehaDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec] };
}
