#!/usr/bin/env node
/*
 * Asks kubeha to upgrade a cluster, the way any other service would: only @temporalio/client,
 * Node's built-ins and docs/API.md (no kubeha code). It sends the `requestOperation` update to
 * the cluster's workflow `kubeha-cluster-<name>`, prints the `OperationAccepted` answer and, with
 * --wait, polls the `record` query until the operation ended.
 *
 *   node examples/request-upgrade.mjs --cluster NAME --to vX.Y.Z [--max-unavailable N]
 *        [--requested-by WHO] [--address host:port] [--namespace ns] [--codec-key-file path]
 *        [--tls-cert f --tls-key f] [--tls-ca f] [--tls-server-name n] [--update-id id] [--wait]
 *
 * Exit codes: 0 accepted (with --wait: succeeded); 1 the operation ended without succeeding;
 * 2 refused by the cluster workflow's validator, or a wrong command line; 3 could not ask (server
 * unreachable, no such cluster, codec key missing or wrong).
 */
/* global process, console, Buffer, setTimeout */
import { createCipheriv, createDecipheriv, createHash, randomBytes, X509Certificate } from 'node:crypto';
import { fstatSync, openSync, readFileSync, closeSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';

class Exit extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

// ------------------------------------------------------------------ the codec (docs/API.md, "Payload encryption")
//
// AES-256-GCM over the whole serialized Payload protobuf. @temporalio/client exports no Payload
// message codec, so the two fields kubeha needs are written and read here by hand:
//   message Payload { map<string, bytes> metadata = 1; bytes data = 2; /* 3: external, skipped */ }

const ENCRYPTED = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

function varint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A length-delimited field (wire type 2). */
function field(number, bytes) {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function encodePayload(payload) {
  const parts = [];
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    parts.push(field(1, Buffer.concat([field(1, Buffer.from(key, 'utf8')), field(2, Buffer.from(value ?? []))])));
  }
  if (payload.data?.length) parts.push(field(2, Buffer.from(payload.data)));
  return Buffer.concat(parts);
}

/** Fields of a message as [number, bytes] pairs; varint and fixed-width fields are skipped. */
function* fields(buf) {
  let i = 0;
  const readVarint = () => {
    let n = 0;
    for (let shift = 1; ; shift *= 128) {
      if (i >= buf.length) throw new Exit(3, 'a payload does not decode as a protobuf Payload');
      const b = buf[i++];
      n += (b & 0x7f) * shift;
      if (b < 0x80) return n;
    }
  };
  while (i < buf.length) {
    const tag = readVarint();
    const wire = tag & 7;
    if (wire === 0) readVarint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = readVarint();
      yield [Math.floor(tag / 8), buf.subarray(i, i + len)];
      i += len;
    } else throw new Exit(3, `a payload uses protobuf wire type ${wire}, which a Payload never has`);
  }
}

function decodePayload(buf) {
  const payload = { metadata: {}, data: new Uint8Array() };
  for (const [number, bytes] of fields(buf)) {
    if (number === 1) {
      let key = '';
      let value = new Uint8Array();
      for (const [n, b] of fields(bytes)) {
        if (n === 1) key = b.toString('utf8');
        else if (n === 2) value = new Uint8Array(b);
      }
      payload.metadata[key] = value;
    } else if (number === 2) payload.data = new Uint8Array(bytes);
  }
  return payload;
}

/** Key ids as kubeha computes them: `kubeha-` + the first 12 hex digits of sha256(key). */
const keyIdOf = (key) => `kubeha-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

/** A ring: base64 32-byte keys separated by newlines, spaces or commas, `#` comments; the first one encrypts. */
function parseKeyRing(text, source) {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .flatMap((line) => line.split(/[\s,]+/))
    .filter(Boolean);
  if (words.length === 0) throw new Exit(3, `${source} holds no codec key`);
  const keys = words.map((word) => {
    const key = Buffer.from(word, 'base64');
    if (key.length !== 32) throw new Exit(3, `${source}: every key must be 32 random bytes in base64, got ${key.length} bytes`);
    return key;
  });
  return { current: { id: keyIdOf(keys[0]), key: keys[0] }, keys: new Map(keys.map((k) => [keyIdOf(k), k])) };
}

/** Where kubeha itself finds the ring: KUBEHA_CODEC_KEY, KUBEHA_CODEC_KEY_FILE, else ~/.config/kubeha/codec.key. */
function loadKeyRing(flagFile, env) {
  if (!flagFile && env.KUBEHA_CODEC_KEY) return parseKeyRing(env.KUBEHA_CODEC_KEY, 'KUBEHA_CODEC_KEY');
  const file = flagFile || env.KUBEHA_CODEC_KEY_FILE || join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'kubeha', 'codec.key');
  let fd;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new Exit(3, `cannot read the codec key file ${file} (${e.code ?? e.message}): use the key ring the kubeha workers use (--codec-key-file, KUBEHA_CODEC_KEY_FILE or KUBEHA_CODEC_KEY)`);
  }
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) throw new Exit(3, `the codec key file ${file} is readable by group or others: chmod 600 ${file}`);
    return parseKeyRing(readFileSync(fd, 'utf8'), file);
  } finally {
    closeSync(fd);
  }
}

/** The PayloadCodec kubeha's workers require: they refuse payloads that are not encrypted. */
function encryptionCodec(ring) {
  return {
    async encode(payloads) {
      return payloads.map((payload) => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
        const data = Buffer.concat([iv, cipher.update(encodePayload(payload)), cipher.final(), cipher.getAuthTag()]);
        return { metadata: { encoding: Buffer.from(ENCRYPTED), [KEY_ID]: Buffer.from(ring.current.id) }, data: new Uint8Array(data) };
      });
    },
    async decode(payloads) {
      return payloads.map((payload) => {
        const encoding = payload.metadata?.encoding;
        if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED) return payload;
        const id = Buffer.from(payload.metadata[KEY_ID] ?? []).toString();
        const key = ring.keys.get(id);
        if (!key) throw new Exit(3, `a payload was encrypted with key ${id || '(none)'}, which is not in this key ring (${[...ring.keys.keys()].join(', ')})`);
        const data = Buffer.from(payload.data ?? []);
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        return decodePayload(Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]));
      });
    },
  };
}

// ------------------------------------------------------------------ the request

const USAGE = 'usage: node examples/request-upgrade.mjs --cluster NAME --to vX.Y.Z [--max-unavailable N] [--requested-by WHO] [--address host:port] [--namespace ns] [--codec-key-file path] [--tls-cert f --tls-key f] [--tls-ca f] [--tls-server-name n] [--update-id id] [--wait]';

function options(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        cluster: { type: 'string' },
        to: { type: 'string' },
        'max-unavailable': { type: 'string' },
        'requested-by': { type: 'string' },
        address: { type: 'string' },
        namespace: { type: 'string' },
        'codec-key-file': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'tls-server-name': { type: 'string' },
        'update-id': { type: 'string' },
        'poll-ms': { type: 'string' },
        wait: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new Exit(2, `${e.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.cluster || !values.to) throw new Exit(2, `--cluster and --to are required\n${USAGE}`);
  const maxUnavailable = values['max-unavailable'] === undefined ? undefined : Number(values['max-unavailable']);
  if (maxUnavailable !== undefined && !Number.isInteger(maxUnavailable)) throw new Exit(2, '--max-unavailable takes a whole number');
  const tls = {
    cert: values['tls-cert'] ?? env.TEMPORAL_TLS_CERT,
    key: values['tls-key'] ?? env.TEMPORAL_TLS_KEY,
    ca: values['tls-ca'] ?? env.TEMPORAL_TLS_CA,
    serverName: values['tls-server-name'] ?? env.TEMPORAL_TLS_SERVER_NAME,
  };
  if (Boolean(tls.cert) !== Boolean(tls.key)) throw new Exit(2, '--tls-cert and --tls-key go together');
  return {
    cluster: values.cluster,
    to: values.to,
    maxUnavailable,
    requestedBy: values['requested-by'] ?? callerIdentity(tls.cert, env),
    address: values.address ?? env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: values.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
    codecKeyFile: values['codec-key-file'],
    tls,
    updateId: values['update-id'],
    pollMs: Number(values['poll-ms'] ?? 1000),
    wait: values.wait,
  };
}

/** As kubeha records callers: `cn:<CN>` of the mTLS client certificate, else `$USER@hostname`. */
function callerIdentity(certFile, env) {
  if (certFile) {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(readFileSync(certFile)).subject)?.[1];
    if (cn) return `cn:${cn}`;
  }
  return `${env.USER ?? env.LOGNAME ?? userInfo().username}@${hostname()}`;
}

function tlsConfig(tls) {
  if (!tls.cert && !tls.ca && !tls.serverName) return undefined;
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: tls.ca ? readFileSync(tls.ca) : undefined,
    clientCertPair: tls.cert ? { crt: readFileSync(tls.cert), key: readFileSync(tls.key) } : undefined,
  };
}

/** The innermost failure message: the validator's sentence (decrypted by the codec). */
function innermost(err) {
  let message = err.message;
  for (let e = err; e; e = e.cause) if (e.message) message = e.message;
  return message;
}

function findOperation(record, id) {
  return [...(record.current ? [record.current] : []), ...record.queue, ...record.history].find((op) => op.id === id);
}

async function main() {
  const opts = options(process.argv.slice(2), process.env);
  const codec = encryptionCodec(loadKeyRing(opts.codecKeyFile, process.env));
  let connection;
  try {
    connection = await Connection.connect({ address: opts.address, tls: tlsConfig(opts.tls), connectTimeout: 10_000 });
  } catch (e) {
    throw new Exit(3, `cannot reach Temporal at ${opts.address}: ${e.message}`);
  }
  try {
    const client = new Client({ connection, namespace: opts.namespace, dataConverter: { payloadCodecs: [codec] } });
    const handle = client.workflow.getHandle(`kubeha-cluster-${opts.cluster}`);
    const request = {
      kind: 'upgrade',
      to: opts.to,
      requestedBy: opts.requestedBy,
      ...(opts.maxUnavailable !== undefined ? { maxUnavailable: opts.maxUnavailable } : {}),
    };
    let accepted;
    try {
      accepted = await handle.executeUpdate('requestOperation', { args: [request], ...(opts.updateId ? { updateId: opts.updateId } : {}) });
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) {
        const type = e.cause?.type ? ` (${e.cause.type})` : '';
        throw new Exit(2, `refused${type}: ${innermost(e)}`);
      }
      if (e instanceof WorkflowNotFoundError) throw new Exit(3, `no cluster ${opts.cluster}: workflow kubeha-cluster-${opts.cluster} does not exist in namespace ${opts.namespace} (bring it up first)`);
      throw e;
    }
    console.log(JSON.stringify(accepted));
    if (!opts.wait) return 0;

    let last = '';
    for (;;) {
      const op = findOperation(await handle.query('record'), accepted.operationId);
      if (!op) throw new Exit(1, `cluster ${opts.cluster} no longer lists ${accepted.operationId}`);
      if (op.state !== last) console.error(`${op.id} ${op.state}${op.outcome ? `: ${op.outcome}` : ''}${op.message ? ` (${op.message})` : ''}`);
      last = op.state;
      if (op.state === 'ended') {
        console.log(JSON.stringify(op));
        return op.outcome === 'succeeded' ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, opts.pollMs));
    }
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Exit ? err.message : `unexpected error: ${err?.stack ?? err}`);
    process.exit(err instanceof Exit ? err.code : 3);
  },
);
