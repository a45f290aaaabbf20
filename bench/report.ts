/** The markdown table and the SVG chart docs/BENCHMARKS.md shows, from the per-size results (pure). */
import type { SizeResult } from './run-size';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  loadAverageAtStart: number[];
}

export interface SizeFile extends SizeResult {
  machine: Machine;
}

export const BEGIN_MARKER = '<!-- bench:begin (written by npm run bench; reruns replace everything up to bench:end) -->';
export const END_MARKER = '<!-- bench:end -->';

const s = (ms: number | undefined, digits = 1) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(digits)} s`);
const x = (n: number | undefined) => (n === undefined ? '–' : `${n.toFixed(2)}×`);
const ms = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n)}`);
const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : `${Math.round(bytes / 2 ** 20)} MiB`);
const kb = (bytes: number | undefined) => (bytes === undefined ? '–' : `${Math.round(bytes / 1024)} KiB`);

export function sizeOrder(a: { controlPlanes: number; workers: number }, b: { controlPlanes: number; workers: number }): number {
  return a.controlPlanes + a.workers - (b.controlPlanes + b.workers) || a.controlPlanes - b.controlPlanes;
}

export function markdownTables(results: readonly SizeFile[]): string {
  const rows = [...results].sort(sizeOrder);
  const main = [
    '| size | time scale | kubeha wall | critical path | wall / critical | critical path, control-plane joins as run (wall / it) | baseline (sequential ssh) | speedup | kubeha ok |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const asRun = r.kubeha.criticalPath?.asRunMs;
      const asRunText = asRun === undefined ? '–' : `${s(asRun)} (${x(r.kubeha.ratioAsRun)})`;
      return `| ${r.size} | ${r.timeScale} | ${s(r.kubeha.wallMs)} | ${s(r.kubeha.criticalPath?.totalMs)} | ${x(r.kubeha.ratio)} | ${asRunText} | ${r.baseline ? (r.baseline.ok ? s(r.baseline.wallMs) : 'failed') : '–'} | ${x(r.speedup)} | ${r.kubeha.ok ? 'yes' : `no (exit ${r.kubeha.exit})`} |`;
    }),
  ];
  const path = [
    '| size | preflight (first CP, as run) | load balancer | init | max(CNI, CP join, worker waves) | verify | longest branch | worker waves × concurrency |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const c = r.kubeha.criticalPath;
      if (!c) return `| ${r.size} | – | – | – | – | – | – | – |`;
      return `| ${r.size} | ${s(c.parts.preflightMs, 2)} | ${s(c.parts.loadBalancerMs, 2)} | ${s(c.parts.initMs, 2)} | ${s(c.parts.branchMs, 2)} | ${s(c.parts.verifyMs, 2)} | ${c.longestBranch} | ${c.workerWaves} × ${r.workerConcurrency} |`;
    }),
  ];
  const costs = [
    '| size | worker CPU (bring-up) | worker CPU per host | worker peak RSS | Temporal server CPU | lab CPU (kubeha run; baseline run) | simulated commands (kubeha run): count; lab CPU / command; simulator server CPU / command | processes started per host (kubeha run; baseline run) | `kubeha up` CPU | `kubeha up` before / after the workflow |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const c = r.kubeha.cpuSeconds;
      const hosts = r.controlPlanes + r.workers;
      const cli = r.kubeha.cliMs;
      const labCpu = `${c.lab.toFixed(1)} s; ${r.baseline ? `${r.baseline.labCpuSeconds.toFixed(1)} s` : '–'}`;
      const commands = r.kubeha.labCommands;
      const commandsText = commands && commands.count > 0
        ? `${commands.count}; ${((c.lab * 1000) / commands.count).toFixed(1)} ms; ${((commands.serverCpuSeconds * 1000) / commands.count).toFixed(1)} ms`
        : '–';
      const perHost = (n: number | undefined) => (n === undefined ? '–' : String(Math.round(n / hosts)));
      const forks = `${perHost(r.kubeha.processesStarted)}; ${perHost(r.baseline?.processesStarted)}`;
      return `| ${r.size} | ${c.worker.toFixed(1)} s | ${Math.round((c.worker * 1000) / hosts)} ms | ${mb(r.kubeha.workerPeakRssBytes)} | ${c.temporalServer.toFixed(1)} s | ${labCpu} | ${commandsText} | ${forks} | ${c.up === undefined ? '–' : `${c.up.toFixed(1)} s`} | ${cli ? `${s(cli.beforeWorkflow)} / ${s(cli.afterWorkflow)}` : '–'} |`;
    }),
  ];
  const orchestration = [
    '| size | scheduled→started p50 / p95 (ms) | completed→next scheduled p50 / p95 (ms) | SSH connections per host (min / p50 / max; baseline max) | workflows | events | history bytes | bring-up events / bytes | largest child events / bytes | max activity attempt | activities retried | control-plane join attempts |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const f = r.kubeha.figures;
      const ssh = r.kubeha.ssh.perHost;
      const sshText = `${ssh.min ?? '–'} / ${ssh.p50 ?? '–'} / ${ssh.max ?? '–'}; ${r.baseline?.ssh.perHost.max ?? '–'}`;
      if (!f) return `| ${r.size} | – | – | ${sshText} | – | – | – | – | – | – | – | – |`;
      const o = f.overhead;
      const h = f.histories;
      const joins = Object.entries(f.controlPlaneJoinAttempts).map(([host, n]) => `${host}: ${n}`).join(', ') || '–';
      return `| ${r.size} | ${ms(o.scheduledToStartedMs.p50)} / ${ms(o.scheduledToStartedMs.p95)} | ${ms(o.completedToNextScheduledMs.p50)} / ${ms(o.completedToNextScheduledMs.p95)} | ${sshText} | ${h.workflows} | ${h.events} | ${kb(h.bytes)} | ${h.bringUp ? `${h.bringUp.events} / ${kb(h.bringUp.bytes)}` : '–'} | ${h.largestChild ? `${h.largestChild.events} / ${kb(h.largestChild.bytes)}` : '–'} | ${o.maxAttempt} | ${o.activitiesRetried}${Object.keys(o.retriedByType ?? {}).length ? ` (${Object.entries(o.retriedByType ?? {}).map(([t, n]) => `${t} ${n}`).join(', ')})` : ''} | ${joins} |`;
    }),
  ];
  const machines = [...new Set(rows.map((r) => `${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`))];
  const runs = rows.map((r) => `${r.size} at ${r.startedAt} (load average ${r.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')})`);
  return [
    `Machine: ${machines.join('; ')}. Runs: ${runs.join('; ')}.`,
    '',
    ...main,
    '',
    'Critical path parts (init, CNI and joins modelled by the lab, scaled; preflight, load balancer and verify measured):',
    '',
    ...path,
    '',
    ...costs,
    '',
    ...orchestration,
  ].join('\n');
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Per size, three bars (critical path, kubeha, baseline), each group scaled to its own longest bar. */
export function svgChart(results: readonly SizeFile[]): string {
  const rows = [...results].sort(sizeOrder);
  const bars: Array<[string, string, (r: SizeFile) => number | undefined]> = [
    ['critical path', '#8e9aaf', (r) => r.kubeha.criticalPath?.totalMs],
    ['kubeha up', '#2b6cb0', (r) => (r.kubeha.ok ? r.kubeha.wallMs : undefined)],
    ['sequential ssh baseline', '#c05621', (r) => (r.baseline?.ok ? r.baseline.wallMs : undefined)],
  ];
  const left = 90;
  const width = 640;
  const barArea = width - left - 90;
  const barH = 14;
  const groupH = bars.length * (barH + 4) + 18;
  const top = 40;
  const height = top + rows.length * groupH + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">Bring-up wall time per size (each size scaled to its longest bar)</text>`,
  ];
  bars.forEach(([label, colour], i) => {
    const x0 = left + i * 170;
    parts.push(`<rect x="${x0}" y="24" width="10" height="10" fill="${colour}"/><text x="${x0 + 14}" y="33">${esc(label)}</text>`);
  });
  rows.forEach((r, g) => {
    const y0 = top + g * groupH;
    const values = bars.map(([, , get]) => get(r));
    const max = Math.max(1, ...values.map((v) => v ?? 0));
    parts.push(`<text x="${left - 8}" y="${y0 + groupH / 2}" text-anchor="end" font-weight="bold">${esc(r.size)}</text>`);
    bars.forEach(([, colour], i) => {
      const v = values[i];
      const y = y0 + i * (barH + 4);
      const w = v === undefined ? 0 : Math.max(1, (v / max) * barArea);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colour}"/>`);
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 3}">${v === undefined ? 'n/a' : `${(v / 1000).toFixed(1)} s`}</text>`);
    });
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** `doc` with everything between the markers replaced by `body` (the markers appended when missing). */
export function replaceBetweenMarkers(doc: string, body: string): string {
  const block = `${BEGIN_MARKER}\n${body}\n${END_MARKER}`;
  const start = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + END_MARKER.length)}`;
}
