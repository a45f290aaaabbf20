import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerPlan } from '../../../src/client/commands/plan';
import { registerValidate } from '../../../src/client/commands/validate';
import { InputError } from '../../../src/client/errors';

const EXAMPLE = path.join(__dirname, '../../../examples/haproxy.yaml');

function program(): Command {
  const p = new Command('kubeha').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerValidate(p);
  registerPlan(p);
  return p;
}

async function run(...args: string[]): Promise<{ out: string; error?: unknown }> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await program().parseAsync(['node', 'kubeha', ...args]);
    return { out };
  } catch (error) {
    return { out, error };
  } finally {
    spy.mockRestore();
  }
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-cli-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('validate and plan through the argument parser', () => {
  it('validate -f prints the summary', async () => {
    const { out, error } = await run('validate', '-f', EXAMPLE);
    expect(error).toBeUndefined();
    expect(out).toBe(`${EXAMPLE}: valid (3 control planes, 2 workers, 2 load balancers, haproxy-keepalived)\n`);
  });

  it('validate without -f is a usage error, a bad spec an InputError with one line per problem', async () => {
    expect((await run('validate')).error).toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: kubeha.io/v1alpha1\nkind: Cluster\nmetadata: { name: Bad }\nspec: {}\n');
    const { error } = await run('validate', '-f', bad);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).problems).toEqual([
      `${bad}:3:19: metadata.name: "Bad" is not a valid cluster name (lowercase RFC 1123 label)`,
      `${bad}:4:7: spec.kubernetesVersion: missing required field "kubernetesVersion"`,
      `${bad}:4:7: spec.networking: missing required field "networking"`,
      `${bad}:4:7: spec.hosts: missing required field "hosts"`,
    ]);
  });

  it('plan --out writes per-host directories', async () => {
    const { out, error } = await run('plan', '-f', EXAMPLE, '--out', dir);
    expect(error).toBeUndefined();
    expect(out).toContain('Wrote 11 files under');
    expect(readdirSync(dir).sort()).toEqual(['cp1', 'cp2', 'cp3', 'lb1', 'lb2', 'w1', 'w2']);
    expect(readdirSync(path.join(dir, 'lb1')).sort()).toEqual(['check_apiserver.sh', 'haproxy.cfg', 'keepalived.conf']);
  });
});
