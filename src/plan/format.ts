import { formatDuration } from '../spec/duration';
import type { PlanStep } from './steps';

/** A step of any operation's plan (the bring-up's ids are typed; the others are strings). */
type AnyPlanStep = Omit<PlanStep, 'id'> & { id: string };

function modeText(step: AnyPlanStep): string {
  if (step.gate) return step.gateTimeoutMs !== undefined ? `approval gate, times out after ${formatDuration(step.gateTimeoutMs)}` : 'approval gate';
  if (step.mode.kind === 'serial') return step.hosts.length > 1 ? 'serial' : 'single host';
  return step.mode.limit ? `parallel, ≤${step.mode.limit} at a time` : 'parallel';
}

/** Human-readable numbered plan, one step per line plus its hosts. */
export function formatPlan(steps: AnyPlanStep[], opts: { cluster?: string; maxHostsShown?: number } = {}): string {
  const maxHostsShown = opts.maxHostsShown ?? 20;
  const lines: string[] = [];
  steps.forEach((step, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${step.title}  [${modeText(step)}]`);
    if (step.gate) lines.push(`      approve with: kubeha approve ${opts.cluster ?? '<cluster>'} ${step.gate}`);
    if (step.hosts.length > 0) {
      const shown = step.hosts.slice(0, maxHostsShown).join(', ');
      const more = step.hosts.length > maxHostsShown ? ` … and ${step.hosts.length - maxHostsShown} more` : '';
      lines.push(`      hosts: ${shown}${more}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
