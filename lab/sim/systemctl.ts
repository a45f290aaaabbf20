/** The simulated `systemctl` for the units a lab host has (see services.ts). */
import { SimExit } from './errors';
import { runMain } from './main';
import { isActive, isEnabled, setEnabled, startUnit, stopUnit, UnitStartError, unitOf } from './services';
import type { Unit } from './services';
import { out, errOut } from './output';

const VERBS = new Set(['start', 'stop', 'restart', 'enable', 'disable', 'is-active', 'is-enabled', 'daemon-reload', 'status', 'reload']);

function units(names: string[]): Unit[] {
  return names.map((n) => {
    const u = unitOf(n);
    if (!u) throw new SimExit(`Failed to start ${n.endsWith('.service') ? n : `${n}.service`}: Unit ${n.endsWith('.service') ? n : `${n}.service`} not found.`, 5);
    return u;
  });
}

runMain('systemctl', async (args) => {
  const flags = args.filter((a) => a.startsWith('-'));
  const [verb, ...names] = args.filter((a) => !a.startsWith('-'));
  const now = flags.includes('--now');
  const quiet = flags.includes('--quiet') || flags.includes('-q');
  if (!verb || !VERBS.has(verb)) throw new SimExit(`Unknown command verb ${verb ?? ''}.`, 1);
  if (verb === 'daemon-reload') return 0;
  const list = units(names);
  try {
    switch (verb) {
      case 'start':
        list.forEach(startUnit);
        return 0;
      case 'stop':
        for (const u of list) await stopUnit(u);
        return 0;
      case 'restart':
      case 'reload':
        for (const u of list) {
          await stopUnit(u);
          startUnit(u);
        }
        return 0;
      case 'enable':
        for (const u of list) {
          if (!isEnabled(u)) errOut(`Created symlink /etc/systemd/system/multi-user.target.wants/${u}.service → /lib/systemd/system/${u}.service.\n`);
          setEnabled(u, true);
          if (now) startUnit(u);
        }
        return 0;
      case 'disable':
        for (const u of list) {
          if (isEnabled(u)) errOut(`Removed "/etc/systemd/system/multi-user.target.wants/${u}.service".\n`);
          setEnabled(u, false);
          if (now) await stopUnit(u);
        }
        return 0;
      case 'is-active': {
        const states = list.map((u) => (isActive(u) ? 'active' : 'inactive'));
        if (!quiet) out(`${states.join('\n')}\n`);
        return states.every((s) => s === 'active') ? 0 : 3;
      }
      case 'is-enabled': {
        const states = list.map((u) => (isEnabled(u) ? 'enabled' : 'disabled'));
        if (!quiet) out(`${states.join('\n')}\n`);
        return states.every((s) => s === 'enabled') ? 0 : 1;
      }
      case 'status': {
        for (const u of list) {
          const active = isActive(u);
          out(`● ${u}.service\n     Loaded: loaded (/lib/systemd/system/${u}.service; ${isEnabled(u) ? 'enabled' : 'disabled'}; preset: enabled)\n     Active: ${active ? 'active (running)' : 'inactive (dead)'}\n`);
        }
        return list.every(isActive) ? 0 : 3;
      }
    }
  } catch (err) {
    if (err instanceof UnitStartError) {
      throw new SimExit(`Job for ${list[0]}.service failed because the control process exited with error code.\nSee "systemctl status ${list[0]}.service" and "journalctl -xeu ${list[0]}.service" for details.\n${err.message}`, 1);
    }
    throw err;
  }
  return 0;
});
