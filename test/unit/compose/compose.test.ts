import { existsSync, readFileSync } from 'node:fs';
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

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, unknown>;
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
  expect(worker.command).toEqual(['node', 'dist/src/client/cli.js', 'worker']);
  expect(worker.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_NAMESPACE: 'default' });
  expect(worker.volumes?.some((v) => /:\/home\/node\/\.ssh:ro$/.test(v))).toBe(true);
  expect(worker.secrets).toEqual(['kubeha-codec-key']);
  expect(compose.secrets).toHaveProperty('kubeha-codec-key');
  expect(worker.environment?.KUBEHA_CODEC_KEY_FILE).toBe('/run/secrets/kubeha-codec-key');
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  expect(dockerfile).toMatch(/RUN npm ci/);
  expect(dockerfile).toMatch(/CMD \["node", "dist\/src\/client\/cli\.js", "worker"\]/);
  // The worker image carries no lab: only dist/src reaches the final stage.
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  expect(finalStage).toContain('COPY --from=build /app/dist/src ./dist/src');
  expect(finalStage).not.toMatch(/\/app\/dist\s|\/app\/dist$|lab/m);
});
