/**
 * Where a topology run keeps its files and which loopback addresses and ports it uses. Everything
 * lives under one directory (default /tmp/kubeha-topology) and one address prefix (default
 * 127.0.91): the Temporal server and PostgreSQL on <prefix>.2, the lab from <prefix>.9 up.
 */
import * as path from 'node:path';

/** The repository root, from dist/scripts/topology or scripts/topology alike. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(path.basename(path.resolve(__dirname, '..', '..')) === 'dist' ? ['..'] : []));

/** The files docker-compose.yml uses, so both deployments share them. */
export const COMPOSE_FILES = {
  generateCerts: path.join(REPO_ROOT, 'deploy', 'tls', 'generate-dev-certs.sh'),
  registerSearchAttributes: path.join(REPO_ROOT, 'deploy', 'temporal', 'register-search-attributes.sh'),
  dynamicConfig: path.join(REPO_ROOT, 'deploy', 'temporal', 'dynamicconfig', 'development-sql.yaml'),
} as const;

/** The frontend's name in its certificate (deploy/tls/generate-dev-certs.sh), which clients verify. */
export const SERVER_NAME = 'temporal';
/** The client certificate `kubeha up` presents: its CN is who the bring-up records as requester. */
export const CLI_CERT_NAME = 'kubeha-topology';
export const NAMESPACE = 'default';

export interface TopologyPorts {
  postgres: number;
  frontendGrpc: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

/** The ports docker-compose.yml's server uses inside its container (auto-setup's defaults). */
export const DEFAULT_PORTS: TopologyPorts = {
  postgres: 5432,
  frontendGrpc: 7233,
  frontendHttp: 7243,
  frontendMembership: 6933,
  history: 7234,
  historyMembership: 6934,
  matching: 7235,
  matchingMembership: 6935,
  worker: 7239,
  workerMembership: 6939,
};

export interface TopologyLayout {
  dir: string;
  addressPrefix: string;
  /** Where PostgreSQL and the Temporal server listen. */
  serviceAddress: string;
  ports: TopologyPorts;
  frontendAddress: string;
  tlsDir: string;
  postgresDir: string;
  serverRoot: string;
  labDir: string;
  logDir: string;
}

export function topologyLayout(dir: string, addressPrefix: string, ports: TopologyPorts = DEFAULT_PORTS): TopologyLayout {
  const serviceAddress = `${addressPrefix}.2`;
  return {
    dir,
    addressPrefix,
    serviceAddress,
    ports,
    frontendAddress: `${serviceAddress}:${ports.frontendGrpc}`,
    tlsDir: path.join(dir, 'tls'),
    postgresDir: path.join(dir, 'postgres'),
    serverRoot: path.join(dir, 'temporal'),
    labDir: path.join(dir, 'lab'),
    logDir: path.join(dir, 'logs'),
  };
}

/** The client certificate files for one party, as deploy/tls/generate-dev-certs.sh names them. */
export function tlsFiles(layout: TopologyLayout, party: 'server' | 'worker' | 'tools' | `cli-${string}`) {
  return {
    caFile: path.join(layout.tlsDir, 'ca.pem'),
    certFile: path.join(layout.tlsDir, `${party}.pem`),
    keyFile: path.join(layout.tlsDir, `${party}.key`),
    serverName: SERVER_NAME,
  };
}
