import type { Command } from 'commander';
import { withDeadline } from '../deadline';
import { withKubehaClient, withTemporalOptions, type TemporalFlags } from '../temporal-options';

export interface ClustersOptions extends TemporalFlags {
  json?: boolean;
  stdout?: NodeJS.WritableStream;
}

export async function runClusters(opts: ClustersOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  await withKubehaClient(opts, async (kubeha) => {
    const names = await kubeha.listClusters();
    const rows = await Promise.all(
      names.map(async (name) => {
        const record = await withDeadline(kubeha.record(name), 10_000).catch(() => undefined);
        return {
          name,
          kubernetesVersion: record?.kubernetesVersion,
          nodes: record?.nodes.length,
          running: record?.current?.summary,
          queued: record?.queue.length,
        };
      }),
    );
    if (opts.json) {
      stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      stdout.write('no clusters (bring one up with kubeha up -f <spec>)\n');
      return;
    }
    stdout.write(`${'CLUSTER'.padEnd(20)} ${'VERSION'.padEnd(10)} ${'NODES'.padEnd(6)} ${'QUEUED'.padEnd(7)} RUNNING\n`);
    for (const r of rows) {
      const version = r.kubernetesVersion ?? (r.nodes === undefined ? '(no answer)' : '-');
      stdout.write(`${r.name.padEnd(20)} ${version.padEnd(10)} ${String(r.nodes ?? '?').padEnd(6)} ${String(r.queued ?? '?').padEnd(7)} ${r.running ?? '-'}\n`);
    }
  });
}

export function registerClusters(program: Command): void {
  withTemporalOptions(
    program.command('clusters').description('The clusters kubeha runs (one workflow each): version, node count, running and queued operations').option('--json', 'machine-readable output'),
  ).action(async (opts: ClustersOptions) => {
    await runClusters(opts);
  });
}
