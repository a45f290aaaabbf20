/** Go's time.ParseDuration for kubeadm flags (`24h`, `1h30m`, `0` = never); model milliseconds. */
const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 0);
    matched = re.lastIndex;
  }
  return matched === text.length && text.length > 0 ? total : undefined;
}
