import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../../src/shared/search-attributes';

const root = join(__dirname, '..', '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  command?: string[];
  entrypoint?: string[];
  ports?: string[];
  secrets?: string[];
  profiles?: string[];
}

const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
// Compose resolves YAML merge keys (<<: *anchor), as docker compose does.
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
};
const { services } = compose;

it('has the Temporal server on PostgreSQL, the UI, admin tools and the kubeha worker', () => {
  expect(Object.keys(services).sort()).toEqual(
    ['kubeha-worker', 'postgresql', 'temporal', 'temporal-admin-tools', 'temporal-search-attributes', 'temporal-ui'].sort(),
  );
  expect(services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
  expect(services.temporal?.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql', DB_PORT: '5432' });
  expect(services.postgresql?.image).toMatch(/^postgres:/);
  expect(services['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  expect(services['temporal-ui']?.ports).toContain('127.0.0.1:8080:8080');
  expect(services['temporal-admin-tools']?.profiles).toEqual(['admin']);
});

it('pins every image tag (no latest, no bare names)', () => {
  for (const [name, service] of Object.entries(services)) {
    expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9./-]+:\d[\w.-]*$/) });
  }
  for (const line of readFileSync(join(root, 'Dockerfile'), 'utf8').split('\n').filter((l) => l.startsWith('FROM '))) {
    expect(line).toMatch(/^FROM node:20\.\d+\.\d+-[\w-]*slim( AS \w+)?$/);
  }
});

it('starts services only once what they need is healthy', () => {
  const healthchecked = Object.entries(services).filter(([, s]) => s.healthcheck).map(([n]) => n);
  expect(healthchecked.sort()).toEqual(['postgresql', 'temporal', 'temporal-ui']);
  expect(services.temporal?.depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
  expect(services['temporal-ui']?.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
  expect(services['kubeha-worker']?.depends_on).toEqual({
    temporal: { condition: 'service_healthy' },
    'temporal-search-attributes': { condition: 'service_completed_successfully' },
  });
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of Object.keys(service.depends_on ?? {})) {
      expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
    }
  }
});

it('keeps PostgreSQL data in a named volume and mounts the dynamic config that exists in the repo', () => {
  expect(services.postgresql?.volumes).toContain('postgresql-data:/var/lib/postgresql/data');
  expect(compose.volumes).toHaveProperty('postgresql-data');
  const dynamicConfig = services.temporal?.volumes?.find((v) => v.endsWith(':/etc/temporal/config/dynamicconfig:ro'));
  expect(dynamicConfig).toBeDefined();
  const hostDir = join(root, dynamicConfig!.split(':')[0]!);
  const file = services.temporal!.environment!.DYNAMIC_CONFIG_FILE_PATH!.split('/').pop()!;
  expect(existsSync(join(hostDir, file))).toBe(true);
});

it('registers exactly the search attributes kubeha uses', () => {
  const mount = services['temporal-search-attributes']?.volumes?.[0];
  const script = readFileSync(join(root, mount!.split(':')[0]!), 'utf8');
  const names = /for name in ([\w ]+); do/.exec(script)?.[1]?.split(' ');
  expect(names?.sort()).toEqual(Object.keys(SEARCH_ATTRIBUTES).sort());
  expect(services['temporal-search-attributes']?.entrypoint?.join(' ')).toContain(mount!.split(':')[1]!);
});

it('runs the worker from the Dockerfile against the compose server, with SSH keys read-only and the codec key as a secret', () => {
  const worker = services['kubeha-worker']!;
  expect(worker.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
  // bin/kubeha: node with the worker's memory settings, as the bench measures it.
  expect(worker.command).toEqual(['bin/kubeha', 'worker']);
  expect(worker.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default' });
  expect(worker.volumes?.some((v) => /:\/home\/node\/\.ssh:ro$/.test(v))).toBe(true);
  expect(worker.secrets).toEqual(['kubeha-codec-key', 'temporal-ca', 'kubeha-worker-cert', 'kubeha-worker-key']);
  expect(compose.secrets).toHaveProperty('kubeha-codec-key');
  expect(worker.environment?.KUBEHA_CODEC_KEY_FILE).toBe('/run/secrets/kubeha-codec-key');
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/RUN npm ci/);
  expect(dockerfile).toMatch(/CMD \["bin\/kubeha", "worker"\]/);
  expect(dockerfile).toMatch(/^COPY bin \.\/bin$/m);
  // The worker image carries no lab: only dist/src reaches the final stage.
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  expect(finalStage).toContain('COPY --from=build /app/dist/src ./dist/src');
  expect(finalStage).not.toMatch(/\/app\/dist\s|\/app\/dist$|lab/m);
});

describe('security', () => {
  /** `${VAR...}` interpolations in the compose file, with what follows the name (`:-default`, `:?error`, ...). */
  const interpolations = [...composeText.matchAll(/\$\{([A-Z_]+)([^}]*)\}/g)].map((m) => ({ name: m[1] as string, rest: m[2] as string }));

  it('has no default passwords: every secret-bearing variable must be set (${VAR:?...})', () => {
    const secretish = interpolations.filter((i) => /PASSWORD|PWD|SECRET|TOKEN/.test(i.name));
    expect(secretish.length).toBeGreaterThan(0);
    for (const i of secretish) expect(i).toEqual({ name: i.name, rest: expect.stringMatching(/^:\?.+/) });
    expect(services.postgresql?.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{TEMPORAL_DB_PASSWORD:\?/);
    expect(services.temporal?.environment?.POSTGRES_PWD).toMatch(/^\$\{TEMPORAL_DB_PASSWORD:\?/);
    expect(services['kubeha-worker']?.volumes?.find((v) => v.endsWith(':/home/node/.ssh:ro'))).toMatch(/^\$\{KUBEHA_SSH_DIR:\?/);
  });

  it('requires client certificates on the frontend (mTLS) and verifies the server name', () => {
    const env = services.temporal!.environment!;
    expect(env).toMatchObject({
      TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
      TEMPORAL_TLS_FRONTEND_CERT: '/run/secrets/temporal-server-cert',
      TEMPORAL_TLS_FRONTEND_KEY: '/run/secrets/temporal-server-key',
      TEMPORAL_TLS_CLIENT1_CA_CERT: '/run/secrets/temporal-ca',
      TEMPORAL_TLS_FRONTEND_SERVER_NAME: 'temporal',
      TEMPORAL_TLS_FRONTEND_DISABLE_HOST_VERIFICATION: 'false',
      TEMPORAL_TLS_INTERNODE_DISABLE_HOST_VERIFICATION: 'false',
    });
    expect(services.temporal!.healthcheck!.test.join(' ')).toMatch(/--tls-ca-path \S+ --tls-cert-path \S+ --tls-key-path \S+ --tls-server-name temporal/);
  });

  it('gives every client of the frontend a certificate, a key and the CA, each mounted as a secret it declares', () => {
    const clients = Object.entries(services).filter(([name, s]) => name !== 'temporal' && s.environment?.TEMPORAL_ADDRESS === 'temporal:7233');
    expect(clients.map(([n]) => n).sort()).toEqual(['kubeha-worker', 'temporal-admin-tools', 'temporal-search-attributes', 'temporal-ui']);
    for (const [name, service] of [...clients, ['temporal', services.temporal!] as const]) {
      const env = service.environment ?? {};
      for (const variable of ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY']) {
        const secret = /^\/run\/secrets\/([\w-]+)$/.exec(env[variable] ?? '')?.[1];
        expect({ name, variable, declared: secret !== undefined && (service.secrets ?? []).includes(secret) && secret in compose.secrets }).toEqual({ name, variable, declared: true });
      }
      expect({ name, serverName: env.TEMPORAL_TLS_SERVER_NAME }).toEqual({ name, serverName: 'temporal' });
    }
    expect(services['temporal-ui']?.environment?.TEMPORAL_TLS_ENABLE_HOST_VERIFICATION).toBe('true');
  });

  it('turns the Web UI\'s write actions off', () => {
    expect(services['temporal-ui']?.environment?.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  });

  it('mounts exactly the files deploy/tls/generate-dev-certs.sh writes, keys 0600, and git ignores them', () => {
    const files = Object.values(compose.secrets).map((s) => s.file).filter((f) => f.includes('KUBEHA_TLS_DIR'));
    const names = files.map((f) => f.replace(/^\$\{KUBEHA_TLS_DIR:-\.\/deploy\/tls\}\//, ''));
    expect(names.sort()).toEqual(['ca.pem', 'server.key', 'server.pem', 'tools.key', 'tools.pem', 'worker.key', 'worker.pem']);
    const ignored = readFileSync(join(root, '.gitignore'), 'utf8');
    for (const pattern of ['deploy/codec.key', 'deploy/tls/*.key', 'deploy/tls/*.pem']) expect(ignored.split('\n')).toContain(pattern);
    if (spawnSync('openssl', ['version']).status !== 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'kubeha-tls-'));
    try {
      const run = spawnSync('sh', [join(root, 'deploy/tls/generate-dev-certs.sh'), dir, 'alice'], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      const written = readdirSync(dir);
      for (const name of names) expect(written).toContain(name);
      expect(written).toContain('cli-alice.pem');
      for (const key of written.filter((f) => f.endsWith('.key'))) expect({ key, mode: statSync(join(dir, key)).mode & 0o777 }).toEqual({ key, mode: 0o600 });
      const verify = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), ...['server', 'worker', 'tools', 'cli-alice'].map((n) => join(dir, `${n}.pem`))], { encoding: 'utf8' });
      expect(verify.status).toBe(0);
      const san = spawnSync('openssl', ['x509', '-in', join(dir, 'server.pem'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' }).stdout;
      expect(san).toContain('DNS:temporal');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates the namespace and registers the search attributes over mTLS', () => {
    const script = readFileSync(join(root, 'deploy/temporal/register-search-attributes.sh'), 'utf8');
    expect(script).toContain('temporal operator namespace create');
    expect(script).toMatch(/TEMPORAL_TLS_CERT:\?/);
    expect(spawnSync('sh', ['-n', join(root, 'deploy/temporal/register-search-attributes.sh')]).status).toBe(0);
  });
});
