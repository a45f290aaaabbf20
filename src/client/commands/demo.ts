import type { Command } from 'commander';
import { Option } from 'commander';
import * as path from 'node:path';
import pc from 'picocolors';
import type { LabLoadBalancer } from '../../../lab/layout';
import type * as DemoRun from './demo-run';
import { positiveNumber, wholeNumber } from '../number-options';

export interface DemoOptions {
  controlPlanes: string;
  workers: string;
  lb: LabLoadBalancer;
  dir: string;
  timeScale: string;
  port: string;
  uiPort: string;
  manualApprovals?: boolean;
  keep?: boolean;
}



/** Timestamped so every demo run is its own cluster (and workflow) in the persistent dev server. */
function demoClusterName(now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `demo-${stamp}`;
}

const demoLabel = (line: string): string => `${pc.cyan('demo')} ${line}`;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('The whole thing on this machine: a Temporal dev server, a worker, a lab of simulated hosts, and an HA bring-up on it')
    .option('--control-planes <n>', 'control-plane hosts', '3')
    .option('--workers <n>', 'worker hosts', '3')
    .addOption(new Option('--lb <type>', 'load balancer in front of the API servers').choices(['haproxy', 'kube-vip', 'external']).default('haproxy'))
    .option('--dir <dir>', 'state: the dev server database and the lab', '.kubeha/demo')
    .option('--time-scale <n>', 'lab time runs this many times faster (60: the 2 h certificate key lasts 2 min, init takes 1 s)', '60')
    .option('--port <port>', 'Temporal gRPC port', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port', '8233')
    .option('--manual-approvals', 'wait for `kubeha approve` from another terminal instead of approving the gates itself')
    .option('--keep', 'leave the dev server, worker and lab running afterwards (Ctrl-C stops them)')
    .action(async (opts: DemoOptions) => {
      // The demo drives the lab: loaded only when it runs (the worker image has no lab).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runDemo } = require('./demo-run') as typeof DemoRun;
      await runDemo({
        controlPlanes: wholeNumber('--control-planes', opts.controlPlanes, 1),
        workers: wholeNumber('--workers', opts.workers, 0),
        loadBalancer: opts.lb,
        dir: path.resolve(opts.dir),
        timeScale: positiveNumber('--time-scale', opts.timeScale),
        port: wholeNumber('--port', opts.port, 1),
        uiPort: wholeNumber('--ui-port', opts.uiPort, 1),
        manualApprovals: opts.manualApprovals ?? false,
        keep: opts.keep ?? false,
        cluster: demoClusterName(),
        out: process.stdout,
        say: (line: string) => process.stdout.write(`${demoLabel(line)}\n`),
        label: demoLabel,
      });
    });
}
