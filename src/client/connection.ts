import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { Option, type Command } from 'commander';
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE } from '../shared/task-queue';
import { EnvironmentError, InputError, UsageError } from './errors';

/** How every kubeha command reaches Temporal: flags, else TEMPORAL_* environment variables. */
export interface TemporalConnectionOptions {
  address: string;
  namespace: string;
  tls?: TlsFiles;
  apiKey?: string;
  dataConverter?: DataConverter;
}

export interface TlsFiles {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  serverName?: string;
}

/** What commander hands the action for the options added by `addConnectionOptions`. */
export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsServerName?: string;
  apiKey?: string;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--address <host:port>', 'Temporal frontend address').env('TEMPORAL_ADDRESS'))
    .addOption(new Option('--namespace <name>', 'Temporal namespace').env('TEMPORAL_NAMESPACE'))
    .addOption(new Option('--tls', 'use TLS with the system CA roots (implied by the --tls-* options and --api-key)'))
    .addOption(new Option('--tls-cert <file>', 'client certificate (PEM) for mTLS').env('TEMPORAL_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'client private key (PEM) for mTLS').env('TEMPORAL_TLS_KEY'))
    .addOption(new Option('--tls-ca <file>', 'CA certificate (PEM) that signed the server certificate').env('TEMPORAL_TLS_CA'))
    .addOption(new Option('--tls-server-name <name>', 'server name to verify instead of the address host').env('TEMPORAL_TLS_SERVER_NAME'))
    .addOption(new Option('--api-key <key>', 'API key (Temporal Cloud); prefer the environment variable').env('TEMPORAL_API_KEY'));
}

/** Checks the combination of flags; files are read only when connecting. */
export function connectionOptionsFrom(flags: ConnectionFlags): TemporalConnectionOptions {
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) {
    throw new UsageError('--tls-cert and --tls-key go together', 'pass both the client certificate and its private key, or neither');
  }
  const address = flags.address || DEFAULT_ADDRESS;
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(address)) {
    throw new UsageError(`--address ${JSON.stringify(address)} is not host:port`, 'for example --address temporal.example.com:7233');
  }
  const wantsTls = Boolean(flags.tls || flags.tlsCert || flags.tlsCa || flags.tlsServerName || flags.apiKey);
  return {
    address,
    namespace: flags.namespace || DEFAULT_NAMESPACE,
    tls: wantsTls
      ? { certFile: flags.tlsCert, keyFile: flags.tlsKey, caFile: flags.tlsCa, serverName: flags.tlsServerName }
      : undefined,
    apiKey: flags.apiKey || undefined,
  };
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new InputError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, [], 'check the path and its permissions');
  }
}

export function tlsConfigFrom(files: TlsFiles | undefined): TLSConfig | undefined {
  if (!files) return undefined;
  return {
    serverNameOverride: files.serverName,
    serverRootCACertificate: files.caFile ? readPem(files.caFile, 'TLS CA certificate') : undefined,
    clientCertPair:
      files.certFile && files.keyFile
        ? { crt: readPem(files.certFile, 'TLS client certificate'), key: readPem(files.keyFile, 'TLS client key') }
        : undefined,
  };
}

function unreachable(options: TemporalConnectionOptions, err: unknown): EnvironmentError {
  const reason = err instanceof Error ? err.message : String(err);
  return new EnvironmentError(
    `cannot reach Temporal at ${options.address} (namespace ${options.namespace}): ${reason}`,
    `check that the server runs there (kubeha dev starts one locally), the address/port (--address or TEMPORAL_ADDRESS), ` +
      `the namespace exists, and the TLS/API-key settings match the server`,
  );
}

/** What both kinds of connection (client and worker) have for `checkedConnection`. */
interface TemporalServiceConnection {
  workflowService: { describeNamespace(request: { namespace: string }): Promise<unknown> };
  close(): Promise<void>;
}

/**
 * A connection made by `connect`, checked with a real call so a wrong address or namespace fails
 * here, by name (an EnvironmentError); a bad TLS file stays the InputError that names it.
 */
export async function checkedConnection<C extends TemporalServiceConnection>(options: TemporalConnectionOptions, connect: () => Promise<C>): Promise<C> {
  let connection: C;
  try {
    connection = await connect();
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw unreachable(options, err);
  }
  try {
    await connection.workflowService.describeNamespace({ namespace: options.namespace });
    return connection;
  } catch (err) {
    await connection.close();
    throw unreachable(options, err);
  }
}

/** A client for commands (up, status, approval...). */
export async function connectClient(options: TemporalConnectionOptions, connectTimeoutMs = 10_000): Promise<Client> {
  const connection = await checkedConnection(options, () =>
    Connection.connect({ address: options.address, tls: tlsConfigFrom(options.tls), apiKey: options.apiKey, connectTimeout: connectTimeoutMs }),
  );
  return new Client({ connection, namespace: options.namespace, dataConverter: options.dataConverter });
}
