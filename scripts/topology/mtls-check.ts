/**
 * The frontend's mTLS, checked from outside: clients without a certificate, with one from
 * another CA, or without TLS at all must not get an answer, and one with a certificate from our
 * CA must. Each attempt is bounded (the SDK's retries on UNAVAILABLE would otherwise wait ~20 s).
 */
import { Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { tlsConfigFrom, type TlsFiles } from '../../src/client/connection';
import { OperationError } from '../../src/errors';

export interface MtlsAttempt {
  client: string;
  refused: boolean;
  detail: string;
}

async function attempt(address: string, namespace: string, tls: TLSConfig | undefined): Promise<{ ok: boolean; detail: string }> {
  try {
    const connection = await Connection.connect({ address, tls, connectTimeout: 3_000 });
    try {
      await connection.withDeadline(Date.now() + 3_000, () => connection.workflowService.describeNamespace({ namespace }));
      return { ok: true, detail: 'answered' };
    } finally {
      await connection.close();
    }
  } catch (err) {
    return { ok: false, detail: (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '' };
  }
}

export async function checkMtls(input: { address: string; namespace: string; trusted: Required<TlsFiles>; foreign: Required<TlsFiles> }): Promise<MtlsAttempt[]> {
  const { address, namespace, trusted, foreign } = input;
  const cases: Array<{ client: string; tls: TLSConfig | undefined; shouldAnswer: boolean }> = [
    { client: 'TLS with our CA, no client certificate', tls: tlsConfigFrom({ caFile: trusted.caFile, serverName: trusted.serverName }), shouldAnswer: false },
    { client: 'client certificate from another CA', tls: tlsConfigFrom({ ...foreign, caFile: trusted.caFile }), shouldAnswer: false },
    { client: 'plaintext (no TLS)', tls: undefined, shouldAnswer: false },
    { client: 'client certificate from our CA', tls: tlsConfigFrom(trusted), shouldAnswer: true },
  ];
  const results: MtlsAttempt[] = [];
  for (const c of cases) {
    const { ok, detail } = await attempt(address, namespace, c.tls);
    if (ok !== c.shouldAnswer) {
      throw new OperationError(`mTLS check failed: ${c.client} was ${ok ? 'answered' : `refused (${detail})`}, expected the opposite`);
    }
    results.push({ client: c.client, refused: !ok, detail });
  }
  return results;
}
