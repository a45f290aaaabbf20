/** Scripts that report several facts print `@@<name> <exit code>` after each section's output. */
import type { Quoted } from '../ssh/quote';
import { lines, q, sh } from '../ssh/quote';

export function section(name: string, command: Quoted): Quoted {
  return sh`{ ${command} ; } 2>&1 && rc=0 || rc=$?; echo; echo ${q(`@@${name}`)} "$rc"`;
}

/**
 * The sections run at once (each into its own file) and printed in the given order: for facts
 * that each may wait out a timeout, e.g. etcdctl against a member that is down.
 */
export function parallelSections(sections: ReadonlyArray<readonly [name: string, command: Quoted]>): Quoted {
  const started = sections.map(([name, command], i) => sh`{ ${section(name, command)} ; } > "$sections_dir"/${i} &`);
  const files = sections.map((_, i) => sh`"$sections_dir"/${i}`);
  return lines(sh`sections_dir=$(mktemp -d) || exit 1`, ...started, sh`wait`, sh`cat ${files.join(' ') as Quoted}; rm -rf "$sections_dir"`);
}

export interface Section {
  output: string;
  code: number;
}

export function parseSections(stdout: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let buffer: string[] = [];
  for (const line of stdout.split('\n')) {
    const marker = /^@@(\S+) (\d+)$/.exec(line);
    if (marker) {
      sections.set(marker[1] ?? '', { output: buffer.join('\n').trim(), code: Number(marker[2]) });
      buffer = [];
    } else buffer.push(line);
  }
  return sections;
}
