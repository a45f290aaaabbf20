import type { Command } from 'commander';
import { Option } from 'commander';
import * as path from 'node:path';
import pc from 'picocolors';
import type * as LabModule from '../../../lab';
import type { HostState, LabHandle } from '../../../lab';
import type * as LayoutModule from '../../../lab/layout';
import type { LabLoadBalancer } from '../../../lab/layout';
import { EnvironmentError } from '../../errors';
import { positiveNumber, wholeNumber } from '../number-options';

/** The lab is test and demo infrastructure: loaded only when a lab command runs, and absent from the worker image. */
async function loadLab(): Promise<typeof LabModule & Pick<typeof LayoutModule, 'labPaths'>> {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const lab = require('../../../lab') as typeof LabModule;
    const layout = require('../../../lab/layout') as typeof LayoutModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { ...lab, labPaths: layout.labPaths };
  } catch (err) {
    throw new EnvironmentError(`the kubeha lab is not part of this installation (${(err as Error).message})`, 'run lab commands from a source checkout (npm ci && npm run build), not from the worker image');
  }
}

const DEFAULT_DIR = '.kubeha/lab';

interface UpOptions {
  controlPlanes: string;
  workers: string;
  lb: LabLoadBalancer;
  dir: string;
  timeScale?: string;
  latencyScale: string;
  name: string;
  kubernetesVersion: string;
  addressPrefix: string;
  externalEtcd: string;
}

interface DirOptions {
  dir: string;
}



function hostsTable(lab: LabHandle, byHost: Map<string, number[]>): string {
  const rows = lab.config.hosts.map((h) => {
    const pids = byHost.get(h.name) ?? [];
    const state: HostState = pids.length === 0 ? 'stopped' : lab.host(h.name).state();
    return [h.name, h.role, h.address, state, pids.join(',')];
  });
  const header = ['HOST', 'ROLE', 'ADDRESS', 'STATE', 'PIDS'];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

async function up(options: UpOptions): Promise<void> {
  const { startLab, labPaths, labPids } = await loadLab();
  const timeScaleText = options.timeScale ?? process.env.KUBEHA_LAB_TIME_SCALE ?? '1';
  const started = Date.now();
  const lab = await startLab({
    dir: options.dir,
    controlPlanes: wholeNumber('--control-planes', options.controlPlanes, 1),
    workers: wholeNumber('--workers', options.workers, 0),
    loadBalancer: options.lb,
    timeScale: positiveNumber('--time-scale', timeScaleText),
    latencyScale: positiveNumber('--latency-scale', options.latencyScale),
    name: options.name,
    kubernetesVersion: options.kubernetesVersion,
    addressPrefix: options.addressPrefix,
    externalEtcd: wholeNumber('--external-etcd', options.externalEtcd, 0),
  });
  const paths = labPaths(lab.dir);
  const rel = (p: string) => path.relative(process.cwd(), p) || '.';
  const out = [
    `${pc.green('lab up')} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${lab.config.hosts.length} hosts, VIP ${lab.config.vip}, load balancer ${lab.config.loadBalancer}, time scale ${lab.config.timeScale}`,
    '',
    hostsTable(lab, labPids(lab.dir)),
    '',
    'Wrote:',
    `  ${rel(paths.clusterSpec)}   cluster spec for these hosts`,
    `  ${rel(paths.privateKey)}   SSH key (root on every host)`,
    `  ${rel(paths.knownHosts)}   host keys`,
    `  ${rel(paths.config)}   lab config`,
    '',
    `Next: kubeha up -f ${rel(paths.clusterSpec)}`,
    `Stop it with: kubeha lab down --dir ${rel(lab.dir)}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

async function down(options: DirOptions): Promise<void> {
  const dir = path.resolve(options.dir);
  const { stopLab } = await loadLab();
  await stopLab(dir);
  process.stdout.write(`lab in ${dir} is down (no process left)\n`);
}

async function status(options: DirOptions & { json?: boolean }): Promise<void> {
  const { openLab, labPids, externalLbPid } = await loadLab();
  const lab = openLab(options.dir);
  const byHost = labPids(lab.dir);
  const externalLb = lab.config.loadBalancer === 'external' ? (externalLbPid(lab.dir) ?? null) : undefined;
  if (options.json) {
    const hosts = lab.config.hosts.map((h) => {
      const pids = byHost.get(h.name) ?? [];
      return { ...h, state: pids.length === 0 ? 'stopped' : lab.host(h.name).state(), pids };
    });
    process.stdout.write(`${JSON.stringify({ dir: lab.dir, vip: lab.config.vip, loadBalancer: lab.config.loadBalancer, externalLbPid: externalLb, hosts }, null, 2)}\n`);
    return;
  }
  const lbLine = externalLb === undefined ? '' : `external HAProxy on ${lab.config.vip}:${lab.config.apiServerPort}: ${externalLb === null ? 'not running' : `pid ${externalLb}`}\n`;
  process.stdout.write(`lab ${lab.dir}: VIP ${lab.config.vip}, load balancer ${lab.config.loadBalancer}\n${lbLine}\n${hostsTable(lab, byHost)}\n`);
}

function registerFaults(lab: Command): void {
  const fault = lab.command('fault').description('inject a fault into a running lab');
  const withDir = (cmd: Command) => cmd.option('--dir <dir>', 'lab directory', DEFAULT_DIR);
  const hostAction = (name: string, description: string, act: (lab: LabHandle, host: string) => Promise<string> | string) =>
    withDir(fault.command(`${name} <host>`).description(description)).action(async (host: string, options: DirOptions) => {
      const lab = (await loadLab()).openLab(options.dir);
      process.stdout.write(`${host}: ${await act(lab, host)}\n`);
    });
  hostAction('stop', 'kill every process of the host (connections are refused)', async (l, h) => {
    await l.host(h).stop();
    return 'stopped';
  });
  hostAction('freeze', 'SIGSTOP every process of the host (connections time out)', async (l, h) => {
    await l.host(h).freeze();
    return 'frozen';
  });
  hostAction('thaw', 'SIGCONT a frozen host', async (l, h) => {
    await l.host(h).thaw();
    return 'thawed';
  });
  hostAction('restart', 'stop the host, start it again and run its boot command', async (l, h) => {
    await l.host(h).restart();
    return 'restarted';
  });
  hostAction('wipe', 'reinstall the host as a fresh OS at the same address (no Kubernetes or etcd state, packages as at lab up, same SSH host key)', async (l, h) => {
    await l.host(h).wipe();
    return 'wiped';
  });
  hostAction('drop-ssh', 'kill the SSH connections being served (not the listener)', (l, h) => `dropped ${l.host(h).dropConnections()} connection process(es)`);
  withDir(fault.command('slow <host> <factor>').description('multiply the host\'s command latencies (1 = normal)')).action(
    async (host: string, factor: string, options: DirOptions) => {
      await (await loadLab()).openLab(options.dir).host(host).slow(positiveNumber('factor', factor));
      process.stdout.write(`${host}: latencies x${factor}\n`);
    },
  );
  withDir(
    fault
      .command('fail-next <host>')
      .description('make the next N runs of a command on the host fail')
      .requiredOption('--command <words>', 'leading words of the command, e.g. "kubeadm join"')
      .option('--count <n>', 'how many runs fail', '1')
      .option('--message <text>', 'printed on stderr', 'simulated failure (kubeha lab fault)')
      .option('--exit-code <n>', 'exit code', '1'),
  ).action(async (host: string, options: DirOptions & { command: string; count: string; message: string; exitCode: string }) => {
    const count = wholeNumber('--count', options.count, 1);
    await (await loadLab()).openLab(options.dir).host(host).failNext({
      command: options.command,
      count,
      message: options.message,
      exitCode: wholeNumber('--exit-code', options.exitCode, 1),
    });
    process.stdout.write(`${host}: the next ${count} run(s) of "${options.command}" fail\n`);
  });
  withDir(fault.command('certs-near-expiry <host>').description("re-issue a control plane's kubeadm certificates to expire in --days (its API server restarts to serve one)").option('--days <n>', 'days until they expire', '10')).action(
    async (host: string, options: DirOptions & { days: string }) => {
      const renewed = await (await loadLab()).openLab(options.dir).host(host).expireCertificatesIn(wholeNumber('--days', options.days, 1));
      process.stdout.write(`${host}: ${renewed.length} certificate(s) now expire in ${options.days} day(s): ${renewed.join(', ')}\n`);
    },
  );
  withDir(fault.command('expire-cert-key').description('expire the uploaded certificate key (kubeadm-certs Secret) now')).action(
    async (options: DirOptions) => {
      await (await loadLab()).openLab(options.dir).expireCertificateKey();
      process.stdout.write('certificate key expired\n');
    },
  );
}

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('simulated kubeadm hosts behind real SSH (test and demo infrastructure)');
  lab
    .command('up')
    .description('start a lab (replacing any lab already in --dir); its processes keep running after this exits')
    .option('--control-planes <n>', 'control-plane hosts', '3')
    .option('--workers <n>', 'worker hosts', '3')
    .addOption(new Option('--lb <type>', 'load balancer').choices(['haproxy', 'kube-vip', 'external']).default('kube-vip'))
    .option('--dir <dir>', 'lab directory', DEFAULT_DIR)
    .option('--time-scale <n>', 'real seconds per lab second, e.g. 3600 (default: $KUBEHA_LAB_TIME_SCALE or 1)')
    .option('--latency-scale <n>', 'multiplies modelled command latencies', '1')
    .option('--name <name>', 'metadata.name of the written cluster.yaml', 'lab')
    .option('--kubernetes-version <v>', 'kubernetes version of the simulated packages', 'v1.30.2')
    .option('--address-prefix <a.b.c>', 'first three octets of the lab addresses', '127.0.0')
    .option('--external-etcd <n>', 'members of an external etcd cluster on their own hosts (0: stacked etcd)', '0')
    .action(up);
  lab.command('down').description('stop every process of the lab').option('--dir <dir>', 'lab directory', DEFAULT_DIR).action(down);
  lab
    .command('status')
    .description('hosts and their state (up/frozen/stopped)')
    .option('--dir <dir>', 'lab directory', DEFAULT_DIR)
    .option('--json', 'machine-readable')
    .action(status);
  registerFaults(lab);
}
