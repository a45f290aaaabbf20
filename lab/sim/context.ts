/**
 * Who a simulated command runs as: the host identity its namespace sees and the lab it belongs
 * to. `KUBEHA_SIM_ROOT` prefixes every host path so the simulator can be exercised outside a
 * lab namespace (tests); inside a lab host it is unset and paths are the real ones.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HostIdentity, LabConfig } from '../layout';
import { HOST_IDENTITY_FILE, labPaths } from '../layout';
import { SimExit } from './errors';

export interface SimContext {
  identity: HostIdentity;
  config: LabConfig;
}

export function hostPath(p: string): string {
  const root = process.env.KUBEHA_SIM_ROOT;
  return root ? path.join(root, p) : p;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new SimExit(`kubeha-lab: cannot read ${what} ${file}: ${(err as Error).message} (is this a lab host?)`, 1);
  }
}

let cached: SimContext | undefined;

export function loadContext(): SimContext {
  if (cached) return cached;
  const identity = readJson<HostIdentity>(hostPath(HOST_IDENTITY_FILE), 'host identity');
  const config = readJson<LabConfig>(labPaths(identity.labDir).config, 'lab config');
  cached = { identity, config };
  return cached;
}

/** The control-plane and worker hosts of the lab, by name. */
export function labHost(ctx: SimContext, name: string) {
  return ctx.config.hosts.find((h) => h.name === name);
}
