/**
 * The namespace and kubeha's search attributes, registered by the compose file's own one-shot
 * script (deploy/temporal/register-search-attributes.sh) with the Temporal CLI over mTLS, as
 * its temporal-search-attributes service runs it.
 */
import * as path from 'node:path';
import { EnvironmentError } from '../../src/errors';
import { ensureTemporalCli } from '../../src/temporal/ensure-cli';
import { COMPOSE_FILES, NAMESPACE } from './layout';
import { runTool } from './exec';
import type { TlsFiles } from '../../src/client/connection';

export async function registerNamespace(address: string, tls: Required<TlsFiles>, progress: (line: string) => void): Promise<string> {
  const cli = await ensureTemporalCli({ env: process.env, progress });
  if (cli.kind === 'sdk-download') {
    throw new EnvironmentError('no Temporal CLI to run register-search-attributes.sh with', 'install Go so it can be built, or set TEMPORAL_CLI_PATH');
  }
  const { stdout } = await runTool({
    command: 'sh',
    args: [COMPOSE_FILES.registerSearchAttributes],
    env: {
      ...process.env,
      PATH: `${path.dirname(cli.path)}${path.delimiter}${process.env.PATH ?? ''}`,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TLS_CA: tls.caFile,
      TEMPORAL_TLS_CERT: tls.certFile,
      TEMPORAL_TLS_KEY: tls.keyFile,
      TEMPORAL_TLS_SERVER_NAME: tls.serverName,
    },
    what: 'registering the namespace and search attributes (deploy/temporal/register-search-attributes.sh)',
  });
  return stdout.trim();
}
