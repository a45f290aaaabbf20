import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as https from 'node:https';
import * as path from 'node:path';
import { externalLbPid, labPids, startLab, stopLab, stopLabHostsAt } from '../../lab';
import { readFaults } from '../../lab/faults';
import { isDead } from '../../lab/hosts/processes';
import { labPaths } from '../../lab/layout';
import { startTestLab, tcpProbe } from '../helpers/lab';

// Distinct from hosts.test.ts so both can run at once.
const PREFIX = '127.0.32';

const alive = (pid: number) => !isDead(pid);

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function healthz(address: string, ca: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = https.get({ host: address, port: 6443, path: '/healthz', ca, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve(err.message));
  });
}

const CLI = path.join(__dirname, '..', '..', 'dist', 'src', 'client', 'cli.js');

function kubeha(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the lab tests`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lab faults', () => {
  it('records command-level faults for the simulator and rejects nonsense', async () => {
    const lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 1, workers: 1 });
    try {
      await lab.host('w1').failNext({ command: ' kubeadm   join ', count: 2, message: 'boom', exitCode: 3 });
      await lab.host('cp1').slow(5);
      await lab.expireCertificateKey();
      const faults = readFaults(lab.dir);
      expect(faults.failNext).toEqual([{ host: 'w1', command: 'kubeadm join', count: 2, message: 'boom', exitCode: 3 }]);
      expect(faults.slow).toEqual({ cp1: 5 });
      expect(faults.expireCertificateKeyAt).toBeLessThanOrEqual(Date.now());
      await lab.host('cp1').slow(1);
      expect(readFaults(lab.dir).slow).toEqual({});
      await expect(lab.host('w1').failNext({ command: 'kubeadm join', count: 0, message: 'x', exitCode: 1 })).rejects.toThrow(/count/);
      await expect(lab.host('w1').slow(-2)).rejects.toThrow(/positive/);
      expect(() => lab.host('nosuch')).toThrow(/no host "nosuch"/);
    } finally {
      await lab.dispose();
    }
  });

  it('restart runs the boot command; its detached daemons live in the host and die with stop()', async () => {
    const lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 1, workers: 0 });
    try {
      const boot = path.join(labPaths(lab.dir).simBin, 'kubeha-lab-boot');
      const cp1 = lab.host('cp1');
      writeFileSync(boot, '#!/bin/sh\necho "no kubelet config" >&2\nexit 3\n');
      chmodSync(boot, 0o755);
      await expect(cp1.restart()).rejects.toThrow(/kubeha-lab-boot failed after restart \(3\): no kubelet config/);
      expect(cp1.state()).toBe('up');
      // The daemon keeps the boot command's stdout open: restart must still return promptly.
      writeFileSync(boot, '#!/bin/sh\nsetsid sleep 3600 &\necho booted > /run/kubeha-lab/booted\n');
      const before = cp1.pids();
      await cp1.restart();
      expect(before.some(alive)).toBe(false);
      const r = await cp1.run('cat /run/kubeha-lab/booted; pgrep -x sleep >/dev/null && echo daemon');
      expect(r.stdout).toBe('booted\ndaemon\n');
      const pids = cp1.pids();
      expect(pids.length).toBeGreaterThanOrEqual(2); // sshd + the daemon
      await cp1.freeze();
      await lab.stop();
      expect(pids.filter(alive)).toEqual([]);
      expect(labPids(lab.dir).size).toBe(0);
    } finally {
      await lab.dispose();
    }
  });

  it('lab up on a leftover lab tears it down first; stopLab needs only the directory', async () => {
    const first = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 1, workers: 1 });
    try {
      const oldPids = [...labPids(first.dir).values()].flat();
      expect(oldPids.length).toBe(2);
      // As after a crash: nothing was stopped, and a new `lab up` reuses the directory.
      const second = await startLab({ dir: first.dir, installPackages: false, addressPrefix: PREFIX, controlPlanes: 1, workers: 1 });
      expect(oldPids.filter(alive)).toEqual([]);
      expect(await second.host('w1').run('hostname')).toMatchObject({ code: 0, stdout: 'w1\n' });
      // A fresh process knows nothing but the directory; even without lab.json it finds every host.
      rmSync(labPaths(first.dir).config);
      for (const h of second.config.hosts) rmSync(path.join(labPaths(first.dir).hostRoot(h.name), 'runtime.json'));
      await stopLab(first.dir);
      expect(labPids(first.dir).size).toBe(0);
      for (const h of second.config.hosts) expect(await tcpProbe(h.address, 22)).toBe('refused');
    } finally {
      await stopLab(first.dir);
      rmSync(first.dir, { recursive: true, force: true });
    }
  });

  it('stopLabHostsAt cleans up whatever lab holds a prefix (a crashed test run)', async () => {
    const lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 1, workers: 1 });
    try {
      expect(await stopLabHostsAt(PREFIX)).toEqual([lab.dir]);
      expect(labPids(lab.dir).size).toBe(0);
      expect(await stopLabHostsAt(PREFIX)).toEqual([]);
    } finally {
      await lab.dispose();
    }
  });

  it('--lb external: a real HAProxy on the VIP routes to a live control plane and goes away with the lab', async () => {
    const lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 2, workers: 0, loadBalancer: 'external' });
    try {
      const vip = lab.config.vip;
      const key = path.join(lab.dir, 'api.key');
      const cert = path.join(lab.dir, 'api.crt');
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=kube-apiserver', '-addext', `subjectAltName=IP:${vip}`, '-keyout', key, '-out', cert,
      ], { stdio: 'ignore' });
      const ca = readFileSync(cert, 'utf8');
      expect(await tcpProbe(vip, 6443)).toBe('open');
      for (const name of ['cp1', 'cp2']) {
        const h = lab.host(name);
        const serve = `setsid openssl s_server -quiet -www -accept ${h.host.address}:6443 -cert ${cert} -key ${key} </dev/null >/dev/null 2>&1 &`;
        expect((await h.run(serve)).code).toBe(0);
      }
      expect(await eventually(() => healthz(vip, ca), (v) => v === 200, 10_000)).toBe(200);
      await lab.host('cp1').stop();
      const afterStop = [];
      for (let i = 0; i < 4; i++) afterStop.push(await eventually(() => healthz(vip, ca), (v) => v === 200, 5_000));
      expect(afterStop).toEqual([200, 200, 200, 200]);
      const haproxy = externalLbPid(lab.dir);
      expect(haproxy).toBeDefined();
      await lab.stop();
      expect(alive(haproxy!)).toBe(false);
      expect(await tcpProbe(vip, 6443)).toBe('refused');
    } finally {
      await lab.dispose();
    }
  });

  it('kubeha lab up/status/fault/down: the lab outlives the command, faults and teardown work from fresh processes', async () => {
    await stopLabHostsAt(PREFIX);
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'kubeha-lab-cli-')), 'lab');
    try {
      const up = kubeha('lab', 'up', '--dir', dir, '--control-planes', '1', '--workers', '1', '--address-prefix', PREFIX, '--time-scale', '3600');
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(/^cp1\s+control-plane\s+127\.0\.32\.11\s+up\s+\d+$/m);
      expect(up.stdout).toContain('Next: kubeha up -f ');
      expect(labPids(dir).size).toBe(2);

      expect(kubeha('lab', 'fault', 'freeze', 'w1', '--dir', dir)).toMatchObject({ code: 0, stdout: 'w1: frozen\n' });
      expect(kubeha('lab', 'status', '--dir', dir).stdout).toMatch(/^w1\s+worker\s+\S+\s+frozen\s/m);
      const fail = kubeha('lab', 'fault', 'fail-next', 'cp1', '--dir', dir, '--command', 'kubeadm join', '--count', '2', '--exit-code', '1');
      expect(fail.code).toBe(0);
      expect(readFaults(dir).failNext).toEqual([
        { host: 'cp1', command: 'kubeadm join', count: 2, message: 'simulated failure (kubeha lab fault)', exitCode: 1 },
      ]);
      const bad = kubeha('lab', 'fault', 'stop', 'cp9', '--dir', dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('no host "cp9"');
      expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace

      expect(kubeha('lab', 'down', '--dir', dir).code).toBe(0);
      expect(labPids(dir).size).toBe(0);
      expect(await tcpProbe(`${PREFIX}.11`, 22)).toBe('refused');
    } finally {
      await stopLab(dir);
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
