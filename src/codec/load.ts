/**
 * Where the codec key ring comes from: KUBEHA_CODEC_KEY (base64 keys, comma separated, current
 * first), KUBEHA_CODEC_KEY_FILE, or a default file created 0600 on first use so `kubeha dev`,
 * the worker and the CLI on one machine share it. Key files readable by group or others are
 * refused. A file ring is re-read when it changes, so `kubeha codec rotate` reaches running
 * processes: they encrypt with the new key within a second and decrypt it at once.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import type { EncryptionCodecOptions, KeyRingSource } from './encryption-codec';
import { EncryptionCodec } from './encryption-codec';
import type { KeyRing } from './key-ring';
import { CodecKeyError, generateKey, keyRing, parseKeyRing } from './key-ring';

/** The module `kubehaDataConverter` names as failureConverterPath (.ts under ts-jest, .js when built). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export interface LoadCodecOptions extends EncryptionCodecOptions {
  env?: NodeJS.ProcessEnv;
  /** Overrides the default key file location. */
  defaultKeyFile?: string;
}

export interface LoadedCodec {
  codec: EncryptionCodec;
  /** The current key's id (the one new payloads use). */
  keyId: string;
  /** Where the keys came from (env var name or file path), for messages. */
  source: string;
  /** The key file, when the ring lives in one (what `kubeha codec rotate` rewrites). */
  file?: string;
}

export function defaultCodecKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'kubeha', 'codec.key');
}

/** The key file the environment names: KUBEHA_CODEC_KEY_FILE or the default one (undefined when KUBEHA_CODEC_KEY is set). */
export function codecKeyFile(env: NodeJS.ProcessEnv = process.env, defaultKeyFile?: string): string | undefined {
  if (env.KUBEHA_CODEC_KEY) return undefined;
  return env.KUBEHA_CODEC_KEY_FILE || defaultKeyFile || defaultCodecKeyFile(env);
}

/** Reads a key ring file, refusing one that group or others may read. */
export function readKeyRingFile(file: string): KeyRing {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new CodecKeyError(`cannot read the codec key file ${file}: ${(e as Error).message}`);
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new CodecKeyError(
        `the codec key file ${file} is readable by group or others (mode 0${mode.toString(8)}): anyone who can read it can decrypt every bring-up's tokens and keys`,
        `chmod 600 ${file} (and check who could have read it; rotate with kubeha codec rotate if in doubt)`,
      );
    }
    return parseKeyRing(readFileSync(fd, 'utf8'), file);
  } finally {
    closeSync(fd);
  }
}

/** A ring file, re-read when its inode, size or mtime changed (checked at most every `checkEveryMs`). */
export class FileKeyRingSource implements KeyRingSource {
  private cached: KeyRing;
  private stamp: string;
  private checkedAt: number;

  constructor(
    readonly file: string,
    private readonly checkEveryMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {
    this.stamp = this.stampOf();
    this.cached = readKeyRingFile(file);
    this.checkedAt = this.now();
  }

  private stampOf(): string {
    try {
      const s = statSync(this.file);
      return `${s.ino}:${s.size}:${s.mtimeMs}:${s.mode}`;
    } catch {
      return 'missing';
    }
  }

  ring(): KeyRing {
    if (this.now() - this.checkedAt >= this.checkEveryMs) {
      this.checkedAt = this.now();
      if (this.stampOf() !== this.stamp) this.refresh();
    }
    return this.cached;
  }

  refresh(): KeyRing {
    this.stamp = this.stampOf();
    this.cached = readKeyRingFile(this.file);
    this.checkedAt = this.now();
    return this.cached;
  }
}

function createDefaultKeyFile(file: string): void {
  if (existsSync(file)) return;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${generateKey().toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new CodecKeyError(`cannot create the codec key file ${file}: ${(e as Error).message}`);
  }
}

export function loadCodec(options: LoadCodecOptions = {}): LoadedCodec {
  const env = options.env ?? process.env;
  const codecOptions: EncryptionCodecOptions = { requireEncryption: options.requireEncryption };
  if (env.KUBEHA_CODEC_KEY) {
    const codec = new EncryptionCodec(parseKeyRing(env.KUBEHA_CODEC_KEY, 'KUBEHA_CODEC_KEY'), codecOptions);
    return { codec, keyId: codec.keyId, source: 'KUBEHA_CODEC_KEY' };
  }
  const file = codecKeyFile(env, options.defaultKeyFile) as string;
  if (!env.KUBEHA_CODEC_KEY_FILE) createDefaultKeyFile(file);
  const codec = new EncryptionCodec(new FileKeyRingSource(file), codecOptions);
  return { codec, keyId: codec.keyId, source: file, file };
}

/**
 * The data converter of every kubeha client and worker: payloads encrypted by `codec`, and
 * failure messages and stacks moved into payloads so they are encrypted too.
 */
export function kubehaDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** A ring of one fresh key (tests, first use). */
export function newKeyRing(): KeyRing {
  return keyRing([generateKey()]);
}
