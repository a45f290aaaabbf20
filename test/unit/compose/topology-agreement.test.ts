/**
 * docker-compose.yml and `npm run topology` (which proves the topology without Docker) must run
 * the same server version on the same database with the same server settings: these checks fail
 * when one side changes alone.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_FILES, SERVER_NAME, topologyLayout, tlsFiles } from '../../../scripts/topology/layout';
import { POSTGRES_MAJOR } from '../../../scripts/topology/postgres';
import { SQL_PLUGIN } from '../../../scripts/topology/schema';
import { serverConfig } from '../../../scripts/topology/server-config';
import { TEMPORAL_SERVER_VERSION } from '../../../scripts/topology/server-build';

const root = path.join(__dirname, '..', '..', '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; environment?: Record<string, string>; volumes?: string[] }>;
};
const temporal = compose.services.temporal ?? {};
const env = temporal.environment ?? {};

const layout = topologyLayout('/tmp/kubeha-topology-test', '127.0.91');
const tls = tlsFiles(layout, 'server');
const config = serverConfig({ layout, database: { user: 'temporal', password: 'secret' }, tls, dynamicConfigFile: COMPOSE_FILES.dynamicConfig }) as {
  persistence: { datastores: Record<string, { sql: { pluginName: string; databaseName: string; connectAddr: string } }> };
  global: { tls: Record<'internode' | 'frontend', { server: Record<string, unknown>; client: Record<string, unknown> }> };
  services: Record<string, { rpc: { bindOnIP: string } }>;
  dynamicConfigClient: { filepath: string };
};

it('runs the server version the topology builds (auto-setup and admin-tools images)', () => {
  const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
  expect(temporal.image).toBe(`temporalio/auto-setup:${version}`);
  expect(compose.services['temporal-admin-tools']?.image).toBe(`temporalio/admin-tools:${version}`);
  expect(compose.services['temporal-search-attributes']?.image).toBe(`temporalio/admin-tools:${version}`);
});

it('puts Temporal on the PostgreSQL major version the topology runs, through the same SQL plugin and databases', () => {
  expect(compose.services.postgresql?.image).toMatch(new RegExp(`^postgres:${POSTGRES_MAJOR}\\.`));
  expect(env.DB).toBe(SQL_PLUGIN);
  expect(env.POSTGRES_USER).toBe('temporal');
  const stores = config.persistence.datastores;
  expect(Object.fromEntries(Object.entries(stores).map(([name, s]) => [name, [s.sql.pluginName, s.sql.databaseName, s.sql.connectAddr]]))).toEqual({
    default: [SQL_PLUGIN, 'temporal', '127.0.91.2:5432'],
    visibility: [SQL_PLUGIN, 'temporal_visibility', '127.0.91.2:5432'],
  });
});

it('requires client certificates on the frontend and between server nodes, verifying the server name, on both sides', () => {
  expect(env.TEMPORAL_TLS_REQUIRE_CLIENT_AUTH).toBe('true');
  expect(env.TEMPORAL_TLS_FRONTEND_SERVER_NAME).toBe(SERVER_NAME);
  expect(env.TEMPORAL_TLS_INTERNODE_SERVER_NAME).toBe(SERVER_NAME);
  expect(env.TEMPORAL_TLS_FRONTEND_DISABLE_HOST_VERIFICATION).toBe('false');
  expect(env.TEMPORAL_TLS_INTERNODE_DISABLE_HOST_VERIFICATION).toBe('false');
  for (const side of ['internode', 'frontend'] as const) {
    expect({ side, server: config.global.tls[side].server }).toMatchObject({
      side,
      server: { requireClientAuth: true, certFile: tls.certFile, keyFile: tls.keyFile, clientCaFiles: expect.arrayContaining([tls.caFile]) },
    });
    expect({ side, client: config.global.tls[side].client }).toEqual({
      side,
      client: { serverName: SERVER_NAME, disableHostVerification: false, rootCaFiles: [tls.caFile] },
    });
  }
  // The same certificate files: compose mounts server.pem/server.key and ca.pem from deploy/tls.
  expect(path.basename(tls.certFile)).toBe('server.pem');
  expect(path.basename(tls.keyFile)).toBe('server.key');
  expect(path.basename(tls.caFile)).toBe('ca.pem');
});

it('reads the same dynamic config file', () => {
  expect(path.basename(env.DYNAMIC_CONFIG_FILE_PATH ?? '')).toBe(path.basename(COMPOSE_FILES.dynamicConfig));
  expect(temporal.volumes).toContain(`./${path.relative(root, path.dirname(COMPOSE_FILES.dynamicConfig))}:/etc/temporal/config/dynamicconfig:ro`);
  expect(config.dynamicConfigClient.filepath).toBe(COMPOSE_FILES.dynamicConfig);
});

it('binds every service of the server to the run\'s own address', () => {
  expect(Object.values(config.services).map((s) => s.rpc.bindOnIP)).toEqual(['127.0.91.2', '127.0.91.2', '127.0.91.2', '127.0.91.2']);
});
