/** Opens one authenticated ssh2 Client, turning every failure into a typed SshError. */
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import type { ConnectConfig } from 'ssh2';
import {
  HostKeyMismatchError,
  HostKeyUnknownError,
  SshAuthError,
  SshConnectError,
  SshError,
  SshTimeoutError,
} from './errors';
import type { HostKeyVerdict } from './known-hosts';
import { HostKeyConflictError, knownHostName, readKnownHosts, recordKnownHost, verifyHostKey } from './known-hosts';

export interface ConnectInput {
  /** Name used in errors and logs. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyPath: string;
  knownHostsPath: string;
  acceptNewHostKeys: boolean;
  pinnedFingerprints?: string[];
  connectTimeoutMs: number;
  keepaliveIntervalMs?: number;
  /** An already-open stream to the target (jump host forwardOut). */
  sock?: Duplex;
}

export async function connectClient(input: ConnectInput): Promise<Client> {
  let privateKey: Buffer;
  try {
    privateKey = await readFile(input.privateKeyPath);
  } catch (e) {
    throw new SshAuthError(`cannot read the SSH private key ${input.privateKeyPath}: ${(e as Error).message}`, {
      host: input.name,
      op: 'auth',
      hint: 'set ssh.privateKey in the spec to a readable key file on the worker machine',
    });
  }
  const client = new Client();
  let verdict: HostKeyVerdict | undefined;
  let presentedKey: Buffer | undefined;
  /** A new host key accepted for this handshake: recorded only once authentication succeeded. */
  let toRecord: Buffer | undefined;

  const hostVerifier = (key: Buffer): boolean => {
    presentedKey = key;
    verdict = verifyHostKey({
      host: input.address,
      port: input.port,
      key,
      entries: readKnownHosts(input.knownHostsPath),
      knownHostsPath: input.knownHostsPath,
      pinnedFingerprints: input.pinnedFingerprints,
    });
    if (verdict.kind === 'trusted') return true;
    if (verdict.kind === 'unknown' && input.acceptNewHostKeys && !input.pinnedFingerprints?.length) {
      toRecord = key;
      return true;
    }
    return false;
  };

  const config: ConnectConfig = {
    host: input.address,
    port: input.port,
    username: input.user,
    privateKey,
    readyTimeout: input.connectTimeoutMs,
    keepaliveInterval: input.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: 3,
    hostVerifier,
    sock: input.sock,
  };

  const ready = new Promise<Client>((resolve, reject) => {
    const onError = (err: Error & { level?: string; code?: string }): void => {
      client.removeListener('ready', onReady);
      // A client given up on may still err (a handshake timeout, then "Connection lost before handshake"): without a listener that kills the worker.
      client.on('error', () => undefined);
      client.end();
      // A key accepted on first use is not why the connection failed (auth, timeout, ...).
      reject(toConnectError(input, err, toRecord ? undefined : verdict, presentedKey));
    };
    const onReady = (): void => {
      client.removeListener('error', onError);
      resolve(client);
    };
    client.once('ready', onReady);
    client.once('error', onError);
    client.connect(config);
    // Nagle's algorithm held a command's stdin EOF (or a handshake's next small packet) until the
    // host's delayed ACK, about 40 ms later: each command with stdin took that much longer.
    // No effect on a jump host's forwarded channel, which has no TCP socket of its own.
    client.setNoDelay(true);
  });
  const connected = await ready;
  if (toRecord) await recordAcceptedKey(input, connected, toRecord);
  return connected;
}

/** Trust on first use, after the host proved it accepts our key: a refused login records nothing. */
async function recordAcceptedKey(input: ConnectInput, client: Client, key: Buffer): Promise<void> {
  // The caller attaches its own error listener once we return; until then a dropped connection must not crash the process.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  try {
    await recordKnownHost(input.knownHostsPath, input.address, input.port, key);
  } catch (e) {
    client.end();
    if (e instanceof HostKeyConflictError) {
      throw toConnectError(input, new Error('host key changed while connecting'), e.verdict, key);
    }
    throw new SshError(`cannot record the new host key in ${input.knownHostsPath}: ${(e as Error).message}`, { host: input.name, op: 'host-key' });
  } finally {
    client.removeListener('error', ignore);
  }
}

function toConnectError(
  input: ConnectInput,
  err: Error & { level?: string; code?: string },
  verdict: HostKeyVerdict | undefined,
  presentedKey: Buffer | undefined,
): SshError {
  const host = input.name;
  const where = `${input.user}@${input.address}:${input.port}`;
  if (verdict?.kind === 'mismatch') {
    return new HostKeyMismatchError(
      `host key mismatch for ${where}: expected ${verdict.expected.join(' or ')}, presented ${verdict.presented}`,
      {
        host,
        op: 'host-key',
        hint: `if the host was legitimately reinstalled, remove the stale entry (${verdict.lines.join(', ')}), e.g. ssh-keygen -R ${quoteForHint(knownHostName(input.address, input.port))} -f ${quoteForHint(input.knownHostsPath)}; otherwise treat this as a possible man-in-the-middle`,
      },
    );
  }
  if (verdict?.kind === 'revoked') {
    return new HostKeyMismatchError(`host key ${verdict.presented} of ${where} is marked @revoked at ${verdict.line}`, { host, op: 'host-key' });
  }
  if (verdict?.kind === 'unknown') {
    const keyNote = presentedKey ? ` (${verdict.keyType} ${verdict.presented})` : '';
    return new HostKeyUnknownError(`host ${where} is not in ${input.knownHostsPath}${keyNote}`, {
      host,
      op: 'host-key',
      hint: `add its key (ssh-keyscan -p ${input.port} ${input.address} >> ${input.knownHostsPath}, after checking the fingerprint) or set ssh.acceptNewHostKeys: true`,
    });
  }
  if (err.level === 'client-authentication') {
    return new SshAuthError(`authentication as ${input.user} with ${input.privateKeyPath} was refused by ${where}`, {
      host,
      op: 'auth',
      hint: `install the public key in ~${input.user}/.ssh/authorized_keys on ${input.address} or fix ssh.user / ssh.privateKey`,
    });
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new SshTimeoutError(`no SSH handshake from ${where} within ${input.connectTimeoutMs} ms`, { host, op: 'connect' });
  }
  if (/encrypted private OpenSSH key|parse privateKey|Cannot parse privateKey/i.test(err.message)) {
    return new SshAuthError(`cannot use the private key ${input.privateKeyPath}: ${err.message}`, { host, op: 'auth' });
  }
  return new SshConnectError(`cannot connect to ${where}: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '), { host, op: 'connect' });
}

function quoteForHint(value: string): string {
  return /^[\w.:@/-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
