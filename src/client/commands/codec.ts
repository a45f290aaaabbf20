import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { CodecKeyError, codecKeyFile, EncryptionCodec, parseKeyRing, readKeyRingFile, rotateCodecKey } from '../../codec';
import { UsageError } from '../errors';
import { codecKeysJson, jsonText } from '../json-output';

export interface CodecRotateOptions {
  /** Default: KUBEHA_CODEC_KEY_FILE, else ~/.config/kubeha/codec.key. */
  keyFile?: string;
  retire?: string[];
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WritableStream;
}

function keyFileOf(options: { keyFile?: string; env?: NodeJS.ProcessEnv }): string {
  const env = options.env ?? process.env;
  const file = options.keyFile ?? codecKeyFile(env);
  if (!file) {
    throw new UsageError(
      'the codec keys come from KUBEHA_CODEC_KEY, which kubeha cannot rewrite',
      'put a new key first in KUBEHA_CODEC_KEY (comma separated, keep the old ones: head -c 32 /dev/urandom | base64), or move the ring to a 0600 file named by KUBEHA_CODEC_KEY_FILE',
    );
  }
  if (!existsSync(file)) {
    throw new CodecKeyError(
      `there is no codec key ring at ${file} yet`,
      `kubeha creates it on first use (kubeha dev, kubeha worker, kubeha up), or create it: (umask 077; head -c 32 /dev/urandom | base64 > ${file})`,
    );
  }
  return file;
}

/** Makes a fresh key current in the ring file; older keys stay so existing payloads still decode. */
export async function runCodecRotate(options: CodecRotateOptions): Promise<void> {
  const file = keyFileOf(options);
  const result = await rotateCodecKey({ file, retire: options.retire });
  const out = options.stdout ?? process.stdout;
  out.write(`${file}: new payloads use ${result.current} (was ${result.previous})\n`);
  if (result.retired.length) out.write(`retired: ${result.retired.join(', ')} (payloads encrypted with them no longer decode)\n`);
  out.write(`keys that decode: ${result.keyIds.join(', ')}\n`);
  out.write('running workers, clients and codec servers reading this file pick it up within a second; copy it wherever else the ring lives (e.g. the compose secret)\n');
}

export interface CodecKeysOptions {
  keyFile?: string;
  json?: boolean;
  env?: NodeJS.ProcessEnv;
  stdout?: NodeJS.WritableStream;
}

/** Lists the ring's key ids (never the keys), current first. */
export async function runCodecKeys(options: CodecKeysOptions): Promise<void> {
  const env = options.env ?? process.env;
  const ring = options.keyFile || !env.KUBEHA_CODEC_KEY ? readKeyRingFile(keyFileOf(options)) : parseKeyRing(env.KUBEHA_CODEC_KEY, 'KUBEHA_CODEC_KEY');
  const keyIds = new EncryptionCodec(ring).keyIds;
  const out = options.stdout ?? process.stdout;
  if (options.json) {
    out.write(jsonText(codecKeysJson(keyIds)));
    return;
  }
  const [current, ...older] = keyIds;
  out.write(`${current} (current: encrypts and decrypts)\n`);
  for (const id of older) out.write(`${id} (decrypts)\n`);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerCodec(program: Command): void {
  const codec = program.command('codec').description('manage the payload codec key ring (the key that encrypts specs, tokens and certificate keys in Temporal)');
  codec
    .command('rotate')
    .description('make a fresh key current; older keys stay in the ring so existing histories still decode')
    .option('--key-file <file>', 'the key ring file (default: KUBEHA_CODEC_KEY_FILE, else ~/.config/kubeha/codec.key)')
    .option('--retire <keyId>', 'drop an old key from the ring (repeatable); payloads it encrypted stop decoding', collect)
    .action((opts: { keyFile?: string; retire?: string[] }) => runCodecRotate(opts));
  codec
    .command('keys')
    .description('list the key ids in the ring, current first')
    .option('--key-file <file>', 'the key ring file (default: KUBEHA_CODEC_KEY, KUBEHA_CODEC_KEY_FILE, else ~/.config/kubeha/codec.key)')
    .option('--json', 'machine-readable output')
    .action((opts: { keyFile?: string; json?: boolean }) => runCodecKeys(opts));
}
