/**
 * Who a simulated command runs as: the host identity its namespace sees and the lab it belongs
 * to. Inside a lab host paths are the real ones. In the lab's simulator server (outside every
 * namespace) a host path is mapped through the host's binds, as its namespace's fstab maps it.
 * `KUBEHA_SIM_ROOT` prefixes every host path so the simulator can be exercised outside a lab (tests).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HostBind } from '../hosts/roots';
import { hostBinds } from '../hosts/roots';
import type { HostIdentity, LabConfig } from '../layout';
import { HOST_IDENTITY_FILE, labPaths } from '../layout';
import { SimExit } from './errors';
import type { Invocation } from './invocation';
import { currentInvocation } from './invocation';
import { ParsedFiles } from './parsed-files';

export interface SimContext {
  identity: HostIdentity;
  config: LabConfig;
}

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** Each host's binds, last first (the later mount hides the earlier one): a lab's layout does not change while it runs. */
const bindsByHost = new Map<string, HostBind[]>();

function bindsOf(labDir: string, host: string): HostBind[] {
  const key = `${labDir}\0${host}`;
  let binds = bindsByHost.get(key);
  if (!binds) bindsByHost.set(key, (binds = hostBinds(labDir, host).reverse()));
  return binds;
}

function mapThroughBinds(invocation: Invocation, p: string): string {
  const absolute = path.posix.resolve(invocation.cwd, p);
  const bind = bindsOf(invocation.labDir, invocation.host).find((b) => under(absolute, b.to));
  return bind ? path.join(bind.from, absolute.slice(bind.to.length)) : absolute;
}

export function hostPath(p: string): string {
  const invocation = currentInvocation();
  if (invocation) return mapThroughBinds(invocation, p);
  const root = process.env.KUBEHA_SIM_ROOT;
  return root ? path.join(root, p) : p;
}

/** A path the user gave on the command line (relative to the command's cwd), where this process can open it. */
export function userPath(p: string): string {
  const invocation = currentInvocation();
  return invocation ? mapThroughBinds(invocation, p) : p;
}

/** The command's environment variable (its session's, in the server). */
export function simEnv(name: string): string | undefined {
  const invocation = currentInvocation();
  return invocation ? invocation.env[name] : process.env[name];
}

/** The pid the command runs as (the client's, in the server). */
export function simPid(): number {
  return currentInvocation()?.pid ?? process.pid;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new SimExit(`kubeha-lab: cannot read ${what} ${file}: ${(err as Error).message} (is this a lab host?)`, 1);
  }
}

let processContext: SimContext | undefined;

/** The lab config lists every host (tens of KB in a 500-host lab) and every command reads it. */
const labConfigs = new ParsedFiles((file) => readJson<LabConfig>(file, 'lab config'));

function readContext(): SimContext {
  const identity = readJson<HostIdentity>(hostPath(HOST_IDENTITY_FILE), 'host identity');
  const file = labPaths(identity.labDir).config;
  // Not there: readJson's error names the file.
  return { identity, config: labConfigs.get(file) ?? readJson<LabConfig>(file, 'lab config') };
}

export function loadContext(): SimContext {
  const invocation = currentInvocation();
  if (invocation) return (invocation.context ??= readContext());
  return (processContext ??= readContext());
}

/** The control-plane and worker hosts of the lab, by name. */
export function labHost(ctx: SimContext, name: string) {
  return ctx.config.hosts.find((h) => h.name === name);
}
