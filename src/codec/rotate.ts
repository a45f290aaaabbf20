/**
 * Key rotation: a fresh key becomes current and the previous keys stay in the ring, so every
 * payload already written (open workflows, kept histories) still decodes. Processes reading
 * the same file pick the new ring up by themselves (FileKeyRingSource).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { CodecKeyError, formatKeyRing, generateKey, keyRing } from './key-ring';
import { readKeyRingFile } from './load';

export interface RotateOptions {
  file: string;
  /** Key ids to drop from the ring (never the new current key). */
  retire?: string[];
}

export interface RotateResult {
  file: string;
  current: string;
  previous: string;
  /** Every key id in the new ring, current first. */
  keyIds: string[];
  retired: string[];
}

export async function rotateCodecKey(options: RotateOptions): Promise<RotateResult> {
  const { file } = options;
  readKeyRingFile(file); // a missing or loose file is refused with its own message before locking it
  const release = await lockfile.lock(file, { realpath: true, retries: { retries: 20, minTimeout: 20, maxTimeout: 200 } });
  try {
    const ring = readKeyRingFile(file);
    const retire = new Set(options.retire ?? []);
    for (const id of retire) {
      if (!ring.keys.has(id)) throw new CodecKeyError(`cannot retire ${id}: it is not in ${file} (keys: ${[...ring.keys.keys()].join(', ')})`, 'list the ring with kubeha codec keys');
    }
    const kept = [...ring.keys].filter(([id]) => !retire.has(id)).map(([, key]) => key);
    const current = generateKey();
    const next = keyRing([current, ...kept]);
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}`);
    try {
      writeFileSync(temp, formatKeyRing(next), { mode: 0o600, flag: 'wx' });
      chmodSync(temp, 0o600);
      renameSync(temp, file);
    } catch (e) {
      rmSync(temp, { force: true });
      throw new CodecKeyError(`cannot write the rotated key ring to ${file}: ${(e as Error).message}`);
    }
    return { file, current: next.current.id, previous: ring.current.id, keyIds: [next.current.id, ...[...next.keys.keys()].filter((id) => id !== next.current.id)], retired: [...retire] };
  } finally {
    await release();
  }
}
