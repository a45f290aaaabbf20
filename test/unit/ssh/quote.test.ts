import { execFileSync } from 'node:child_process';
import { defineScript, q, qAll, sh } from '../../../src/ssh/quote';
import type { Quoted } from '../../../src/ssh/quote';

const NASTY = [
  "it's",
  "'",
  "''",
  '$(touch /tmp/kubeha-quote-pwned)',
  '`id`',
  'a\nb',
  'two  spaces',
  'tab\there',
  '"double"',
  '\\backslash\\',
  'ünïcødé ☸ 日本',
  '*',
  '-n',
  '',
  '$HOME ${PATH}',
  '; rm -rf /',
];

function echoThroughSh(command: string): string {
  return execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
}

describe('q', () => {
  it.each(NASTY)('passes %j through /bin/sh unchanged', (value) => {
    expect(echoThroughSh(`printf '%s' ${q(value)}`)).toBe(value);
  });

  it('keeps each value one word', () => {
    const out = echoThroughSh(`for a in ${qAll(NASTY)}; do printf '[%s]' "$a"; done`);
    expect(out).toBe(NASTY.map((v) => `[${v}]`).join(''));
  });

  it('quotes inside bash -c inside sh -c (two levels)', () => {
    const inner = sh`printf '%s' ${q("x'$(id)`y`")}`;
    expect(echoThroughSh(`bash -c ${q(inner)}`)).toBe("x'$(id)`y`");
  });
});

describe('sh', () => {
  it('accepts numbers and quoted values', () => {
    expect(sh`kill ${42} ${q('a b')}`).toBe(`kill '42' 'a b'`);
  });

  it('rejects a raw string at compile time', () => {
    const raw = 'evil; rm -rf /';
    // @ts-expect-error a plain string is not Quoted
    const fragment: Quoted = sh`kubeadm join ${raw}`;
    expect(fragment).toContain(raw);
  });
});

describe('defineScript', () => {
  const script = defineScript<{ file: string }>('touch-once', {
    guard: ({ file }) => sh`[ -f ${q(file)} ]`,
    guardMessage: 'already there',
    body: ({ file }) => sh`touch ${q(file)}; echo created`,
  });

  it('starts with set -euo pipefail and the guard', () => {
    const { text, name } = script.render({ file: '/tmp/x y' });
    expect(name).toBe('touch-once');
    expect(text.split('\n')[0]).toBe('set -euo pipefail');
    expect(text.split('\n')[1]).toMatch(/^if \[ -f '\/tmp\/x y' \]; then/);
  });

  it('is idempotent when run twice', () => {
    const file = `/tmp/kubeha-quote-test-${process.pid} 'q'`;
    const { text } = script.render({ file });
    try {
      expect(execFileSync('bash', ['-c', text], { encoding: 'utf8' }).trim()).toBe('created');
      expect(execFileSync('bash', ['-c', text], { encoding: 'utf8' }).trim()).toBe('already there');
    } finally {
      execFileSync('rm', ['-f', file]);
    }
  });
});
