/** The lab store's read-modify-write: changes queued together land in one write, in order, and a failing one lands nowhere. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labPaths } from '../../../lab/layout';
import { readStore, updateStore } from '../../../lab/sim/store';

let labDir: string;
beforeEach(() => {
  labDir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-store-'));
});
afterEach(() => rmSync(labDir, { recursive: true, force: true }));

const node = (name: string) => ({ name, address: '127.0.0.1', controlPlane: false, kubeletVersion: 'v1.30.2', createdAt: 1 });

it('applies every one of many concurrent changes and returns each its own result', async () => {
  const names = Array.from({ length: 200 }, (_, i) => `w${i}`);
  const results = await Promise.all(names.map((name) => updateStore(labDir, (s) => {
    s.nodes[name] = node(name);
    return Object.keys(s.nodes).length;
  })));
  expect(Object.keys(readStore(labDir).nodes).sort()).toEqual([...names].sort());
  // In order: each change saw the ones queued before it.
  expect(results).toEqual(names.map((_, i) => i + 1));
});

it('leaves out a change that throws, even one that changed the store before throwing, and keeps the others', async () => {
  const outcomes = await Promise.allSettled([
    updateStore(labDir, (s) => {
      s.nodes.a = node('a');
    }),
    updateStore(labDir, (s) => {
      s.nodes.half = node('half');
      throw new Error('refused half-way');
    }),
    updateStore(labDir, (s) => {
      s.nodes.b = node('b');
    }),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused half-way'));
  expect(Object.keys(readStore(labDir).nodes).sort()).toEqual(['a', 'b']);
});

it('writes nothing when the only change throws', async () => {
  await updateStore(labDir, (s) => {
    s.tokens.push({ token: 'abcdef.0123456789abcdef', expiresAt: 2, createdAt: 1, description: '', usages: [], groups: [] });
  });
  await expect(updateStore(labDir, (s) => {
    s.tokens = [];
    throw new Error('no');
  })).rejects.toThrow('no');
  expect(readStore(labDir).tokens).toHaveLength(1);
});

it('a holder killed while it held the lock keeps the store only until its lock goes stale', async () => {
  const file = labPaths(labDir).store;
  await updateStore(labDir, () => undefined); // the store file the holder locks, made as the lab makes it
  const holder = spawn(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('proper-lockfile'))}).lockSync(${JSON.stringify(file)}); console.log('locked'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  const killedAt = Date.now();
  await updateStore(labDir, (s) => {
    s.nodes.after = node('after');
  });
  expect(readStore(labDir).nodes.after).toBeDefined();
  // Well inside a failover's window (the kube-vip lab test gives the VIP 10 s to move); with
  // proper-lockfile's default stale time (10 s) this write waited that long or gave up.
  expect(Date.now() - killedAt).toBeLessThan(6_000);
}, 20_000);

it('readers share one copy of the store until it changes, by this process or another', async () => {
  await updateStore(labDir, (s) => {
    s.nodes.a = node('a');
  });
  const first = readStore(labDir);
  expect(readStore(labDir)).toBe(first);
  expect(Object.keys(first.nodes)).toEqual(['a']);

  await updateStore(labDir, (s) => {
    s.nodes.b = node('b');
  });
  expect(Object.keys(readStore(labDir).nodes).sort()).toEqual(['a', 'b']);

  // Another process writing the file in place (not through updateStore's rename).
  writeFileSync(labPaths(labDir).store, `${JSON.stringify({ nodes: { c: node('c') }, tokens: [], pods: [] })}\n`);
  expect(Object.keys(readStore(labDir).nodes)).toEqual(['c']);
});

it('a write that fails leaves readers the store as the file has it, though changes run on the shared copy', async () => {
  await updateStore(labDir, (s) => {
    s.nodes.a = node('a');
  });
  expect(Object.keys(readStore(labDir).nodes)).toEqual(['a']);
  const tmp = `${labPaths(labDir).store}.${process.pid}.tmp`;
  mkdirSync(tmp); // the write's temporary file cannot be made
  await expect(updateStore(labDir, (s) => {
    s.nodes.lost = node('lost');
  })).rejects.toThrow(/EISDIR/);
  expect(Object.keys(readStore(labDir).nodes)).toEqual(['a']);
  rmSync(tmp, { recursive: true });
  await updateStore(labDir, (s) => {
    s.nodes.b = node('b');
  });
  expect(Object.keys(readStore(labDir).nodes).sort()).toEqual(['a', 'b']);
});
