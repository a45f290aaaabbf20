/**
 * A private PostgreSQL 15 cluster from Debian's packages for one topology run: its own data
 * directory, its own address and port, password (SCRAM) authentication for the `temporal`
 * superuser as the compose file's postgres image sets it up; never the system service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EnvironmentError } from '../../src/errors';
import { runTool, waitUntil } from './exec';

export const POSTGRES_MAJOR = 15;
const BIN_DIR = `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`;
const PACKAGE = `postgresql-${POSTGRES_MAJOR}`;
export const POSTGRES_USER = 'temporal';

export interface PostgresInput {
  dir: string;
  address: string;
  port: number;
  password: string;
  logFile: string;
  progress: (line: string) => void;
}

export interface RunningPostgres {
  address: string;
  port: number;
  user: string;
  pid: number;
  stop(): Promise<void>;
}

const bin = (name: string) => path.join(BIN_DIR, name);

/** Debian's PostgreSQL 15 binaries, installed with apt-get when missing and we are root. */
export async function ensurePostgresInstalled(progress: (line: string) => void): Promise<void> {
  if (existsSync(bin('postgres')) && existsSync(bin('initdb'))) return;
  const install = `apt-get install -y --no-install-recommends ${PACKAGE}`;
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(`PostgreSQL ${POSTGRES_MAJOR} is not installed (${bin('postgres')} is missing)`, `install it: sudo ${install}`);
  }
  progress(`installing ${PACKAGE} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runTool({ command: 'apt-get', args: ['update', '-q'], env, what: 'apt-get update', hint: `run ${install} yourself` });
  await runTool({ command: 'apt-get', args: install.split(' ').slice(1), env, what: `installing ${PACKAGE}`, hint: `run ${install} yourself` });
}

/** PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user Debian's package creates. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new EnvironmentError('running as root and there is no postgres user to own the PostgreSQL cluster', `reinstall ${PACKAGE}, which creates it`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/** initdb (first time), then the server in the foreground as our child, ready when pg_isready says so. */
export async function startPostgres(input: PostgresInput): Promise<RunningPostgres> {
  const owner = clusterOwner();
  const dataDir = path.join(input.dir, 'data');
  const socketDir = path.join(input.dir, 'socket');
  for (const dir of [input.dir, socketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const passwordFile = path.join(input.dir, 'password');
    writeFileSync(passwordFile, `${input.password}\n`, { mode: 0o600 });
    if (owner) chownSync(passwordFile, owner.uid, owner.gid);
    try {
      await runTool({
        command: bin('initdb'),
        args: ['-D', dataDir, '-U', POSTGRES_USER, `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256', '--auth-local=scram-sha-256', '-E', 'UTF8', '--locale=C'],
        user: owner,
        what: 'initdb of the private PostgreSQL cluster',
      });
    } finally {
      writeFileSync(passwordFile, '');
    }
  }
  const log = openSync(input.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      bin('postgres'),
      ['-D', dataDir, '-c', `listen_addresses=${input.address}`, '-c', `port=${input.port}`, '-c', `unix_socket_directories=${socketDir}`, '-c', 'max_connections=200'],
      { stdio: ['ignore', log, log], ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) },
    );
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new EnvironmentError(`could not start ${bin('postgres')}`, `see ${input.logFile}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // SIGINT is PostgreSQL's fast shutdown: clients disconnected, a clean checkpoint.
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) return true;
        await runTool({ command: bin('pg_isready'), args: ['-h', input.address, '-p', String(input.port), '-q'], what: 'pg_isready' });
        return true;
      },
      60_000,
      () => new EnvironmentError(`PostgreSQL did not accept connections on ${input.address}:${input.port} within 60 s`, `see ${input.logFile}`),
    );
    if (child.exitCode !== null) throw new EnvironmentError(`PostgreSQL exited with ${child.exitCode} while starting`, `see ${input.logFile}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address: input.address, port: input.port, user: POSTGRES_USER, pid, stop };
}
