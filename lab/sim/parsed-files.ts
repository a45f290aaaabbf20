/**
 * Files the simulator server reads again and again (every kubelet's manifests each sync, the lab
 * config for every command), parsed again only when they change. A file changed in the last
 * second is always parsed again: mtime is coarse, and a same-size rewrite (an image tag's patch
 * version) can keep it — the racy window git has for its index.
 */
import { statSync } from 'node:fs';

export class ParsedFiles<T> {
  private readonly entries = new Map<string, { mtimeMs: number; size: number; value: T }>();

  constructor(private readonly parse: (file: string) => T) {}

  /** The file's parsed content; undefined when it cannot be stat'ed (gone, or not there yet). */
  get(file: string): T | undefined {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return undefined;
    }
    const entry = this.entries.get(file);
    if (entry && entry.mtimeMs === stat.mtimeMs && entry.size === stat.size && Date.now() - stat.mtimeMs >= 1_000) return entry.value;
    const value = this.parse(file);
    this.entries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, value });
    return value;
  }
}
