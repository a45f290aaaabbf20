import { execFileSync } from 'node:child_process';
import { parallelSections, parseSections } from '../../../src/remote/sections';
import { q, sh } from '../../../src/ssh/quote';

const run = (script: string): string => execFileSync('bash', ['-c', script], { encoding: 'utf8' });

describe('parallelSections', () => {
  it('prints every section in the given order with its own exit code, whichever ends first', () => {
    const script = parallelSections([
      ['slow', sh`sleep 0.3; echo first`],
      ['failing', sh`echo second; (exit 3)`],
      ['stderr', sh`echo third >&2`],
    ]);
    const out = run(script);
    expect([...parseSections(out).entries()]).toEqual([
      ['slow', { output: 'first', code: 0 }],
      ['failing', { output: 'second', code: 3 }],
      ['stderr', { output: 'third', code: 0 }],
    ]);
    expect(out.indexOf('@@slow')).toBeLessThan(out.indexOf('@@failing'));
  });

  it('runs them at once: the first section sees what the second one does while it waits', () => {
    const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    const flag = `${dir}/flag`;
    const out = run(
      parallelSections([
        ['waits', sh`for i in $(seq 100); do [ -e ${q(flag)} ] && break; sleep 0.05; done; [ -e ${q(flag)} ] && echo saw it`],
        ['signals', sh`touch ${q(flag)}`],
      ]),
    );
    expect(parseSections(out).get('waits')).toEqual({ output: 'saw it', code: 0 });
  });
});
