/** Scripts that report several facts print `@@<name> <exit code>` after each section's output. */
import type { Quoted } from '../ssh/quote';
import { q, sh } from '../ssh/quote';

export function section(name: string, command: Quoted): Quoted {
  return sh`{ ${command} ; } 2>&1 && rc=0 || rc=$?; echo; echo ${q(`@@${name}`)} "$rc"`;
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
