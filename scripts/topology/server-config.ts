/**
 * The Temporal server's config file: temporalio/auto-setup:1.29.1's config_template.yaml as it
 * renders with docker-compose.yml's environment (DB=postgres12, mTLS on the frontend and between
 * server nodes, the dynamic config file), with this run's addresses, ports and file paths.
 */
import { stringify } from 'yaml';
import { SQL_PLUGIN } from './schema';
import type { TopologyLayout } from './layout';

export interface ServerConfigInput {
  layout: TopologyLayout;
  database: { user: string; password: string };
  tls: { caFile: string; certFile: string; keyFile: string; serverName: string };
  dynamicConfigFile: string;
}

function sqlStore(input: ServerConfigInput, databaseName: string, connections: number) {
  const { layout, database } = input;
  return {
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `${layout.serviceAddress}:${layout.ports.postgres}`,
      connectProtocol: 'tcp',
      user: database.user,
      password: database.password,
      maxConns: connections,
      maxIdleConns: connections,
      maxConnLifetime: '1h',
      tls: { enabled: false, caFile: '', certFile: '', keyFile: '', enableHostVerification: false, serverName: '' },
    },
  };
}

function rpc(address: string, grpcPort: number, membershipPort: number, httpPort?: number) {
  return { rpc: { grpcPort, membershipPort, bindOnIP: address, ...(httpPort === undefined ? {} : { httpPort }) } };
}

export function serverConfig(input: ServerConfigInput): Record<string, unknown> {
  const { layout, tls } = input;
  const { ports, serviceAddress } = layout;
  return {
    log: { stdout: true, level: 'info' },
    persistence: {
      numHistoryShards: 4,
      defaultStore: 'default',
      visibilityStore: 'visibility',
      datastores: { default: sqlStore(input, 'temporal', 20), visibility: sqlStore(input, 'temporal_visibility', 10) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '' },
      pprof: { port: 0 },
      tls: {
        refreshInterval: '0s',
        expirationChecks: { warningWindow: '0s', errorWindow: '0s', checkInterval: '0s' },
        internode: {
          server: { requireClientAuth: true, certFile: tls.certFile, keyFile: tls.keyFile, clientCaFiles: [tls.caFile] },
          client: { serverName: tls.serverName, disableHostVerification: false, rootCaFiles: [tls.caFile] },
        },
        frontend: {
          server: { requireClientAuth: true, certFile: tls.certFile, keyFile: tls.keyFile, clientCaFiles: [tls.caFile, tls.caFile] },
          client: { serverName: tls.serverName, disableHostVerification: false, rootCaFiles: [tls.caFile] },
        },
      },
      authorization: {
        jwtKeyProvider: { keySourceURIs: [], refreshInterval: '1m' },
        permissionsClaimName: 'permissions',
        permissionsRegex: '',
        authorizer: '',
        claimMapper: '',
      },
    },
    services: {
      frontend: rpc(serviceAddress, ports.frontendGrpc, ports.frontendMembership, ports.frontendHttp),
      matching: rpc(serviceAddress, ports.matching, ports.matchingMembership),
      history: rpc(serviceAddress, ports.history, ports.historyMembership),
      worker: rpc(serviceAddress, ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          // The template says 127.0.0.1, which in its container is not where the frontend listens either.
          rpcAddress: `${serviceAddress}:${ports.frontendGrpc}`,
          httpAddress: `${serviceAddress}:${ports.frontendHttp}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: {
      history: { state: 'enabled', enableRead: true, provider: { filestore: { fileMode: '0666', dirMode: '0766' } } },
      visibility: { state: 'enabled', enableRead: true, provider: { filestore: { fileMode: '0666', dirMode: '0766' } } },
    },
    namespaceDefaults: {
      archival: {
        history: { state: 'disabled', URI: 'file:///tmp/temporal_archival/development' },
        visibility: { state: 'disabled', URI: 'file:///tmp/temporal_vis_archival/development' },
      },
    },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '60s' },
  };
}

export function renderServerConfig(input: ServerConfigInput): string {
  return stringify(serverConfig(input));
}
