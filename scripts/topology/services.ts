/**
 * The Temporal side of the topology: certificates, PostgreSQL 15 with the Temporal databases,
 * the server with mTLS, the namespace and search attributes. The server can be killed and
 * started again on the same config and databases.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { TlsFiles } from '../../src/client/connection';
import { generateCertificates } from './certificates';
import type { Cleanups } from './cleanups';
import { COMPOSE_FILES, NAMESPACE, tlsFiles, type TopologyLayout } from './layout';
import { checkMtls, type MtlsAttempt } from './mtls-check';
import { registerNamespace } from './namespace';
import { recordPid } from './pid-files';
import { ensurePostgresInstalled, startPostgres } from './postgres';
import { createTemporalDatabases } from './schema';
import { renderServerConfig } from './server-config';
import type { ServerBinaries } from './server-build';
import { startTemporalServer, writeServerConfig, type TemporalServer } from './temporal-server';

export interface TemporalServices {
  /** The server running now (replaced by `restart`). */
  server(): TemporalServer;
  /** Starts the server again on the same config and databases; resolves once the frontend is SERVING. */
  restart(): Promise<TemporalServer>;
  mtls: MtlsAttempt[];
  registered: string;
}

export async function startTemporalServices(
  layout: TopologyLayout,
  binaries: Promise<ServerBinaries>,
  cleanups: Cleanups,
  say: (line: string) => void,
): Promise<TemporalServices> {
  say(`certificates: deploy/tls/generate-dev-certs.sh ${layout.tlsDir}`);
  await generateCertificates(layout.tlsDir);
  const foreignDir = path.join(layout.dir, 'tls-foreign');
  await generateCertificates(foreignDir);

  await ensurePostgresInstalled(say);
  const password = randomBytes(24).toString('base64url');
  const postgres = await startPostgres({
    dir: layout.postgresDir,
    address: layout.serviceAddress,
    port: layout.ports.postgres,
    password,
    logFile: path.join(layout.logDir, 'postgres.log'),
    progress: say,
  });
  recordPid(layout.dir, postgres.pid);
  cleanups.add('PostgreSQL', () => postgres.stop());
  say(`PostgreSQL 15 on ${postgres.address}:${postgres.port} (pid ${postgres.pid}, data in ${layout.postgresDir})`);

  const { server: serverBinary, sqlTool, moduleDir } = await binaries;
  await createTemporalDatabases({ sqlTool, moduleDir, address: postgres.address, port: postgres.port, user: postgres.user, password, progress: say });

  const serverTls = tlsFiles(layout, 'server');
  const configFile = writeServerConfig(
    layout.serverRoot,
    renderServerConfig({ layout, database: { user: postgres.user, password }, tls: serverTls, dynamicConfigFile: COMPOSE_FILES.dynamicConfig }),
  );
  const toolsTls: Required<TlsFiles> = tlsFiles(layout, 'tools');
  const start = async (): Promise<TemporalServer> => {
    const started = await startTemporalServer({
      binary: serverBinary,
      root: layout.serverRoot,
      logFile: path.join(layout.logDir, 'temporal-server.log'),
      address: layout.frontendAddress,
      tls: toolsTls,
      onSpawn: (pid) => recordPid(layout.dir, pid),
    });
    say(`Temporal server ${path.basename(serverBinary)} pid ${started.pid}: frontend ${layout.frontendAddress} SERVING over mTLS`);
    return started;
  };
  say(`Temporal server config ${configFile}`);
  let current = await start();
  cleanups.add('the Temporal server', () => current.stop());

  const registered = await registerNamespace(layout.frontendAddress, toolsTls, say);
  say(`namespace ${NAMESPACE}: ${registered.split('\n').join('; ')}`);
  const mtls = await checkMtls({
    address: layout.frontendAddress,
    namespace: NAMESPACE,
    trusted: toolsTls,
    foreign: { ...tlsFiles(layout, 'tools'), certFile: path.join(foreignDir, 'tools.pem'), keyFile: path.join(foreignDir, 'tools.key') },
  });
  for (const m of mtls) say(`mTLS: ${m.client}: ${m.refused ? `refused (${m.detail})` : 'answered'}`);

  return {
    server: () => current,
    restart: async () => (current = await start()),
    mtls,
    registered,
  };
}
