import { NativeConnection } from '@temporalio/worker';
import { checkedConnection, tlsConfigFrom, type TemporalConnectionOptions } from '../client/connection';

/**
 * A worker connection, checked as the client's is. Kept apart from it: the SDK's worker takes a
 * quarter of a second to load, which every other command would pay.
 */
export function connectWorker(options: TemporalConnectionOptions): Promise<NativeConnection> {
  return checkedConnection(options, () => NativeConnection.connect({ address: options.address, tls: tlsConfigFrom(options.tls), apiKey: options.apiKey }));
}
