import { NativeConnection } from '@temporalio/worker';
import { InputError } from '../client/errors';
import { temporalUnreachable, tlsConfigFrom, type TemporalConnectionOptions } from '../client/connection';

/**
 * A worker connection, checked with a real call so a wrong address fails here, by name. Kept
 * apart from the client's connection: the SDK's worker takes a quarter of a second to load,
 * which every other command would pay.
 */
export async function connectWorker(options: TemporalConnectionOptions): Promise<NativeConnection> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ address: options.address, tls: tlsConfigFrom(options.tls), apiKey: options.apiKey });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw temporalUnreachable(options, err);
  }
  try {
    await connection.workflowService.describeNamespace({ namespace: options.namespace });
    return connection;
  } catch (err) {
    await connection.close();
    throw temporalUnreachable(options, err);
  }
}
