/**
 * Hostile strings ($(), backticks, quotes, newlines, spaces, unicode) go into every field of
 * every remote script template (src/remote, src/ssh) and every renderer (src/render). Scripts
 * are rendered and executed in bash with harmless stub commands: no injected command may run.
 * Renderers either refuse the value or carry it only as an inert token.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import type { ClusterSettings } from '../../../src/activities/types';
import { RenderInputError } from '../../../src/render/assert';
import { renderHaproxyCfg } from '../../../src/render/haproxy';
import { renderCheckApiserverScript, renderKeepalivedConf } from '../../../src/render/keepalived';
import { renderKubeVipManifest } from '../../../src/render/kube-vip';
import { renderKubeadmInit } from '../../../src/render/kubeadm-init';
import { renderKubeadmJoin } from '../../../src/render/kubeadm-join';
import { kubeadmInitCommand, kubeadmInitFinishCommand, kubeadmJoinCommand, kubeadmJoinFinishCommand } from '../../../src/remote/kubeadm';
import { section } from '../../../src/remote/sections';
import { kubeadmUpgradeApplyCommand, kubeadmUpgradeNodeCommand } from '../../../src/remote/upgrade';
import { killCommand, wrapCommand } from '../../../src/ssh/command';
import type { Quoted, Script, ScriptTemplate } from '../../../src/ssh/quote';
import { defineScript, q, sh } from '../../../src/ssh/quote';
import type { HostSpec, SshSpec } from '../../../src/spec/types';
import { ShellSandbox, type Script as SandboxScript } from './shell-sandbox';

const ROOT = path.join(__dirname, '../../..');
/** Property runs; KUBEHA_FC_RUNS=500 for a long soak. Each shell run executes ~60 scripts. */
const NUM_RUNS = Number(process.env.KUBEHA_FC_RUNS ?? 15);
const SHELL_RUNS = Number(process.env.KUBEHA_FC_RUNS ?? 10);

// ---------------------------------------------------------------------------------------------
// Hostile values: every one carries an attempt to run `touch "$KUBEHA_MARKER"`.

const TOUCH = 'touch "$KUBEHA_MARKER"';
const INJECTIONS = [
  `$(${TOUCH})`,
  `\`${TOUCH}\``,
  `;${TOUCH};`,
  `'; ${TOUCH}; '`,
  `"; ${TOUCH}; "`,
  `'$(${TOUCH})'`,
  `"$(${TOUCH})"`,
  `\n${TOUCH}\n`,
  `\r\n${TOUCH} #`,
  `| ${TOUCH}`,
  `&& ${TOUCH}`,
  `\${IFS}$(${TOUCH})`,
  `'"'"'; ${TOUCH}; '"'"'`,
  `\\'; ${TOUCH}; #`,
  `x/$(${TOUCH})/y`,
  `-o ProxyCommand=${TOUCH}`,
  `--foo=$(${TOUCH})`,
  `$'\\x27'; ${TOUCH}`,
];
const FRAGMENTS = ["'", '"', '\\', ' ', '\t', '\n', '$', '`', ';', '&', '|', '<', '>', '(', ')', '{', '}', '*', '?', '[', ']', '~', '#', '!', '%', '=', '-', '--', '..', '/', 'é', 'ß', '💥', '中文', '\u202e', '\u00a0', '\u2028', '$IFS', 'EOF'];

const piece = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme', maxLength: 3 }).filter((s) => !s.includes('\0')));
const hostile: fc.Arbitrary<string> = fc
  .tuple(fc.array(piece, { maxLength: 3 }), fc.constantFrom(...INJECTIONS), fc.array(piece, { maxLength: 3 }))
  .map(([before, injection, after]) => [...before, injection, ...after].join(''));

// ---------------------------------------------------------------------------------------------
// Every script template: found by walking the modules' exports, each given bases to vary.

const SCRIPT_DIRS = ['src/remote', 'src/ssh'];

function isTemplate(value: unknown): value is ScriptTemplate<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as ScriptTemplate<unknown>).render === 'function' && typeof (value as ScriptTemplate<unknown>).name === 'string';
}

function exportedTemplates(): Map<string, ScriptTemplate<unknown>> {
  const found = new Map<string, ScriptTemplate<unknown>>();
  for (const dir of SCRIPT_DIRS) {
    for (const file of fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts'))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(ROOT, dir, file)) as Record<string, unknown>;
      for (const value of Object.values(mod)) if (isTemplate(value)) found.set(value.name, value);
    }
  }
  return found;
}

const etcd = { endpoint: 'https://127.0.0.1:2379', caFile: '/etc/kubernetes/pki/etcd/ca.crt', certFile: '/etc/kubernetes/pki/etcd/healthcheck-client.crt', keyFile: '/etc/kubernetes/pki/etcd/healthcheck-client.key' };
const initCommand = kubeadmInitCommand({ config: '/etc/kubeha/kubeadm-init.yaml', ignore: ['NumCPU'], uploadCerts: true });

/**
 * Inputs each template is rendered from: every string leaf (also inside arrays and nested
 * objects) is replaced by the hostile value in turn. `fragments` names leaves that are already
 * quoted shell (the caller builds them with sh/q), fed separately below.
 */
/** What receive-shared-certificates unpacks from its stdin in the sandbox: files it may create there. */
const RECEIVED_FILES = [
  { path: '/etc/kubernetes/pki/sa.pub', mode: '600' },
  { path: '/etc/kubernetes/pki/etcd/ca.key', mode: '600' },
];

/** A tar stream of `paths` (names relative to /), as send-shared-certificates makes it. */
function tarOf(paths: string[]): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubeha-tar-'));
  try {
    for (const p of paths) {
      mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
      writeFileSync(path.join(dir, p), `content of ${p}\n`);
    }
    return execFileSync('tar', ['-C', dir, '-cf', '-', '--', ...paths.map((p) => p.slice(1))]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TEMPLATE_INPUTS: Record<string, { bases: object[]; fragments?: string[]; stdin?: () => Buffer }> = {
  'drill-park-manifests': { bases: [{ manifests: ['kube-apiserver.yaml', 'etcd.yaml'], manifestsDir: '/etc/kubernetes/manifests', parkedDir: '/var/lib/kubeha/drill-stopped' }] },
  'drill-restore-manifests': { bases: [{ manifests: ['kube-apiserver.yaml', 'etcd.yaml'], manifestsDir: '/etc/kubernetes/manifests', parkedDir: '/var/lib/kubeha/drill-stopped' }] },
  'drill-probe-readyz': { bases: [{ url: 'https://10.0.0.10:6443/readyz', windowMs: 100, intervalMs: 50, timeoutSeconds: 1 }] },
  'drill-readyz-codes': { bases: [{ urls: ['https://10.0.0.11:6443/readyz', 'https://10.0.0.10:6443/readyz'], timeoutSeconds: 1 }] },
  'write-file': { bases: [{ path: '/etc/kubeha/x.yaml', mode: '600' }] },
  'ensure-services': { bases: [{ services: ['haproxy', 'keepalived'], restart: true }, { services: ['haproxy'], restart: false }] },
  'probe-load-balancer': { bases: [{ host: '10.0.0.10', port: 6443, timeoutSeconds: 1 }] },
  'etcd-state': { bases: [etcd] },
  'kubectl-apply-cni': { bases: [{ source: '/etc/kubeha/cni.yaml' }] },
  'kubectl-wait-node': { bases: [{ node: 'cp1', timeoutSeconds: 5 }] },
  'cluster-state': { bases: [{ readyzUrl: 'https://10.0.0.11:6443/readyz' }] },
  'preflight-facts': { bases: [{ criSocketPath: '/run/containerd/containerd.sock', mustExist: [] }, { criSocketPath: '/run/containerd/containerd.sock', mustExist: ['/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key'] }] },
  'preflight-fix': { bases: [{ swap: true, modules: true, sysctl: true }] },
  'detached-state': { bases: [{ unit: 'kubeadm-init', waitMs: 0, logLines: 20 }] },
  'detached-start': {
    bases: [
      { unit: 'kubeadm-init', command: initCommand, removeWhenDone: '/etc/kubeha/kubeadm-init.yaml', waitMs: 0, logLines: 20 },
      { unit: 'kubeadm-join', command: initCommand, waitMs: 0, logLines: 20 },
    ],
    fragments: ['command'],
  },
  'detached-stop': { bases: [{ unit: 'kubeadm-init' }] },
  'kubeadm-host-facts': { bases: [{ unit: 'kubeadm-init', readyzUrl: 'https://10.0.0.11:6443/readyz', etcd }, { unit: 'kubeadm-init', readyzUrl: 'https://10.0.0.11:6443/readyz' }] },
  'cluster-membership': { bases: [{ node: 'cp2', server: 'https://10.0.0.11:6443', etcd }] },
  'kubeadm-reset': { bases: [{ criSocket: 'unix:///run/containerd/containerd.sock', unit: 'kubeadm-join' }, { criSocket: 'unix:///run/containerd/containerd.sock', unit: 'kubeadm-init', keep: ['/etc/kubernetes/pki/etcd/ca.crt', '/etc/kubernetes/pki/apiserver-etcd-client.key'] }] },
  'kubeadm-upload-certs': { bases: [{ config: '/etc/kubeha/kubeadm-upload-certs.yaml', server: 'https://10.0.0.11:6443' }] },
  'kubeadm-upload-config': { bases: [{ config: '/etc/kubeha/kubeadm-upload-config.yaml', server: 'https://10.0.0.11:6443' }] },
  'reload-service': { bases: [{ service: 'haproxy' }] },
  'kubeadm-token-create': { bases: [{ ttlSeconds: 3600, server: 'https://10.0.0.11:6443' }] },
  'revoke-join-credentials': { bases: [{ tokenIds: ['abcdef', 'ghijkl'], certificateSecret: true, files: ['/etc/kubeha/kubeadm-join.yaml'], server: 'https://10.0.0.11:6443' }] },
  'read-ca-cert': { bases: [{}] },
  'read-file-if-present': { bases: [{ path: '/etc/kubeha/kubeadm-init.yaml' }] },
  'forget-node': { bases: [{ node: 'cp2', peerUrl: 'https://10.0.0.12:2380', server: 'https://10.0.0.11:6443', etcd }, { node: 'w1', peerUrl: 'x', server: 'https://10.0.0.11:6443' }] },
  'install-pinned-packages': { bases: [{ packages: ['kubeadm'], gitVersion: 'v1.31.1', debVersion: '1.31.1-1.1' }, { packages: ['kubelet', 'kubectl'], gitVersion: 'v1.31.1', debVersion: '1.31.1-1.1' }] },
  'kubeadm-upgrade-plan': { bases: [{ to: 'v1.31.1' }] },
  'kubectl-drain': { bases: [{ node: 'w1', timeoutSeconds: 60 }] },
  'kubectl-uncordon': { bases: [{ node: 'w1' }] },
  'restart-kubelet': { bases: [{}] },
  'upgrade-host-facts': { bases: [{ apiUrls: ['https://10.0.0.11:6443', 'https://10.0.0.10:6443'], unit: 'kubeadm-upgrade-node-v1.31.1' }] },
  'cluster-versions': { bases: [{ endpointUrl: 'https://10.0.0.10:6443', localUrl: 'https://10.0.0.11:6443' }] },
  'rejoin-host-state': { bases: [{ kubeletConf: '/etc/kubernetes/kubelet.conf', manifestsDir: '/etc/kubernetes/manifests' }] },
  'send-shared-certificates': { bases: [{ files: [{ path: '/etc/kubernetes/pki/ca.crt', mode: '644' }] }] },
  'receive-shared-certificates': { bases: [{ files: RECEIVED_FILES }], stdin: () => tarOf(RECEIVED_FILES.map((f) => f.path)) },
  'clean-after-reset': { bases: [{ cniDir: '/etc/cni/net.d', kubeconfig: '/root/.kube/config' }] },
  'certificate-facts': { bases: [{ hostPort: '10.0.0.11:6443', readyzUrl: 'https://10.0.0.11:6443/readyz' }] },
  'kubeadm-certs-renew-all': { bases: [{}] },
  'restart-control-plane-pods': { bases: [{ hostPort: '10.0.0.11:6443', healthzUrl: 'https://10.0.0.11:6443/healthz', timeoutSeconds: 2 }] },
  'reset-host-state': { bases: [{ kubernetesDir: '/etc/kubernetes', kubeletConf: '/etc/kubernetes/kubelet.conf', manifestsDir: '/etc/kubernetes/manifests', etcdMemberDir: '/var/lib/etcd/member' }] },
  'reset-cleanup': { bases: [{ cniDir: '/etc/cni/net.d', kubeconfig: '/root/.kube/config', kubehaDir: '/etc/kubeha', stateDir: '/var/lib/kubeha', runsDir: '/var/lib/kubeha/runs', heldManifestsDir: '/etc/kubernetes/kubeha-restart-manifests' }] },
  'kubeadm-reset-force': { bases: [{ criSocket: 'unix:///run/containerd/containerd.sock' }] },
};

/** Commands built outside a template (then run through `detached-start` or the SSH wrapper). */
const COMMAND_BUILDERS: Record<string, (v: string) => Quoted[]> = {
  kubeadmInitCommand: (v) => [kubeadmInitCommand({ config: v, ignore: [], uploadCerts: true }), kubeadmInitCommand({ config: '/c', ignore: [v, 'NumCPU'], uploadCerts: false })],
  kubeadmInitFinishCommand: (v) => [kubeadmInitFinishCommand({ config: v, uploadCerts: true })],
  kubeadmJoinCommand: (v) => [kubeadmJoinCommand({ config: v, ignore: [v] })],
  kubeadmJoinFinishCommand: (v) => [kubeadmJoinFinishCommand({ config: v })],
  kubeadmUpgradeApplyCommand: (v) => [kubeadmUpgradeApplyCommand({ to: v })],
  kubeadmUpgradeNodeCommand: () => [kubeadmUpgradeNodeCommand()],
};

/** Copies of `base` with one string leaf replaced by `value`, for every leaf outside `skip`. */
function variants(base: unknown, value: string, skip: string[] = [], at = ''): unknown[] {
  if (typeof base === 'string') return skip.includes(at) ? [] : [value];
  if (Array.isArray(base)) return base.flatMap((item, i) => variants(item, value, skip, at).map((v) => base.map((b, j) => (i === j ? v : b))));
  if (typeof base === 'object' && base !== null) {
    return Object.entries(base).flatMap(([k, child]) => variants(child, value, skip, at ? `${at}.${k}` : k).map((v) => ({ ...base, [k]: v })));
  }
  return [];
}

/**
 * Templates known to paste a value one shell level too shallow, owned elsewhere and reported:
 * checked by their own `it.failing` below, so the fix turns that test red and this entry is removed.
 */
const KNOWN_UNSAFE = new Set<string>([]);

/** Every template rendered from its bases, unchanged: what the hostile variants are compared against. */
function renderBases(): SandboxScript[] {
  const scripts: SandboxScript[] = [];
  for (const [name, template] of templates) {
    const stdin = TEMPLATE_INPUTS[name]?.stdin?.();
    for (const [i, base] of (TEMPLATE_INPUTS[name]?.bases ?? []).entries()) scripts.push({ id: `${name}-${i}`, text: template.render(base).text, ...(stdin ? { stdin } : {}) });
  }
  return scripts;
}

function renderAll(value: string, include: (template: string) => boolean = (t) => !KNOWN_UNSAFE.has(t)): SandboxScript[] {
  const scripts: SandboxScript[] = [];
  const add = (id: string, script: Script | Quoted, stdin?: Buffer): void => {
    scripts.push({ id: `${String(scripts.length).padStart(3, '0')}-${id.replace(/[^\w-]/g, '_')}`, text: typeof script === 'string' ? script : script.text, ...(stdin ? { stdin } : {}) });
  };
  for (const [name, template] of templates) {
    if (!include(name)) continue;
    const { bases, fragments, stdin } = TEMPLATE_INPUTS[name] as { bases: object[]; fragments?: string[]; stdin?: () => Buffer };
    const input = stdin?.();
    for (const base of bases) for (const variant of variants(base, value, fragments)) add(name, template.render(variant), input);
  }
  if (!include('detached-start')) return scripts;
  const detachedStart = templates.get('detached-start') as ScriptTemplate<{ unit: string; command: Quoted; waitMs: number; logLines: number }>;
  for (const [name, build] of Object.entries(COMMAND_BUILDERS)) {
    for (const command of build(value)) add(`detached-start-${name}`, detachedStart.render({ unit: 'kubeadm-init', command, waitMs: 0, logLines: 20 }));
  }
  add('section', lines(section(value, sh`true`)));
  const echo = defineScript<{ v: string }>('echo', { body: ({ v }) => sh`echo ${q(v)}` }).render({ v: value });
  add('wrap-command', wrapCommand(echo, false));
  add('wrap-command-sudo', wrapCommand(echo, true));
  add('wrap-command-hostile-name', wrapCommand({ name: value, text: echo.text }, true));
  add('kill-command', killCommand(999_999_999, true));
  return scripts;
}

const lines = (...parts: Quoted[]): Quoted => parts.join('\n') as Quoted;

const templates = exportedTemplates();
let sandbox: ShellSandbox;
beforeAll(() => {
  sandbox = new ShellSandbox();
});
afterAll(() => sandbox?.dispose());

describe('remote script templates', () => {
  it('are all covered: every exported template and command builder has hostile inputs here', () => {
    expect([...templates.keys()].sort()).toEqual(Object.keys(TEMPLATE_INPUTS).sort());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kubeadm = { ...(require(path.join(ROOT, 'src/remote/kubeadm.ts')) as Record<string, unknown>), ...(require(path.join(ROOT, 'src/remote/upgrade.ts')) as Record<string, unknown>) };
    const builders = Object.entries(kubeadm).filter(([k, v]) => typeof v === 'function' && k.endsWith('Command')).map(([k]) => k);
    expect(builders.sort()).toEqual(Object.keys(COMMAND_BUILDERS).sort());
  });

  it('the sandbox catches an injection (a template that pastes a value one shell level too shallow)', () => {
    const unsafe = defineScript<{ host: string }>('unsafe', { body: ({ host }) => sh`timeout 1 bash -c ${q(`</dev/tcp/${host}/1`)} || true` });
    expect(sandbox.run([{ id: 'unsafe', text: unsafe.render({ host: `x$(${TOUCH})x` }).text }])).toEqual(['unsafe']);
    expect(sandbox.run([{ id: 'sh-unsafe', shell: 'sh', text: `curl 'https://x' && echo "$(${TOUCH})"` }])).toEqual(['sh-unsafe']);
  });

  it('run to their end (exit 0) from their base inputs, so the hostile variants reach every line', () => {
    const { injected, exitCodes } = sandbox.runWithExitCodes(renderBases());
    expect(injected).toEqual([]);
    expect(sandbox.isolated || process.getuid?.() !== 0).toBe(true);
    expect(exitCodes.size).toBe(Object.values(TEMPLATE_INPUTS).reduce((n, t) => n + t.bases.length, 0));
    // Only isolated do the scripts find the host's directories they write to (see shell-sandbox.ts).
    if (sandbox.isolated) expect([...exitCodes].filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('never run a command carried by a value, at any nesting level', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        expect(sandbox.run(renderAll(value))).toEqual([]);
      }),
      { numRuns: SHELL_RUNS },
    );
  });

  // src/remote/kubeadm.ts once had `trap 'rm -f -- ${q(config)}' EXIT`, a quoted word nested inside single quotes.
  it('kubeadm-upload-certs quotes its config path for the trap too', () => {
    for (const injection of INJECTIONS) expect(sandbox.run(renderAll(`/etc/kubeha/${injection}`, (t) => t === 'kubeadm-upload-certs'))).toEqual([]);
  });

  it('refuse a NUL byte, which no shell word can carry', () => {
    expect(() => q('a\0b')).toThrow(/NUL/);
  });
});

// ---------------------------------------------------------------------------------------------
// Renderers.

const ssh: SshSpec = { user: 'root', port: 22, privateKey: '/k', knownHosts: '/kh', acceptNewHostKeys: false, sudo: false, connectTimeoutMs: 5000 };
const host = (name: string, address: string, role: HostSpec['role'] = 'control-plane'): HostSpec => ({ name, address, role, ssh });
const CP1 = host('cp1', '10.0.0.11');
const CP2 = host('cp2', '10.0.0.12');
const LB1 = host('lb1', '10.0.0.5', 'load-balancer');

const BASE: ClusterSettings = {
  name: 'prod',
  kubernetesVersion: 'v1.31.2',
  controlPlaneEndpoint: '10.0.0.10:6443',
  loadBalancer: { type: 'haproxy-keepalived', vip: '10.0.0.10', port: 6443, interface: 'eth0', virtualRouterId: 51 },
  etcd: { topology: 'stacked' },
  networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12', dnsDomain: 'cluster.local', cni: 'calico' },
  imageRepository: 'registry.k8s.io',
  criSocket: 'unix:///run/containerd/containerd.sock',
  cgroupDriver: 'systemd',
  kubeProxyMode: 'iptables',
  extraArgs: { apiServer: { 'audit-log-maxage': '30' }, controllerManager: {}, scheduler: {} },
  certificateKey: { ttlMs: 2 * 3600_000, renewBeforeMs: 10 * 60_000 },
  joinToken: { ttlMs: 24 * 3600_000, renewBeforeMs: 3600_000 },
  approvals: [],
  controlPlaneJoins: 'serial',
  workers: { maxConcurrentJoins: 10 },
  preflight: { fix: false, ignore: ['NumCPU'] },
  ssh,
  controlPlanes: [CP1, CP2],
};
const KUBE_VIP: ClusterSettings = { ...BASE, loadBalancer: { type: 'kube-vip', vip: '10.0.0.10', port: 6443, interface: 'eth0', image: 'ghcr.io/kube-vip/kube-vip:v0.8.0' } };
const EXTERNAL_ETCD: ClusterSettings = { ...BASE, etcd: { topology: 'external', endpoints: ['https://10.0.0.31:2379'], caFile: '/etc/etcd/ca.crt', certFile: '/etc/etcd/c.crt', keyFile: '/etc/etcd/c.key' } };
const SECRETS = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'a'.repeat(64)}`, certificateKey: 'f'.repeat(64) };

/** Where a hostile value may be put in a text renderer's input; the value must be refused. */
type Input = { cluster: ClusterSettings; host: HostSpec };
const set = (obj: Input, at: string, value: unknown): Input => {
  const copy = structuredClone(obj) as unknown as Record<string, unknown>;
  const keys = at.split('.');
  let node = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys[keys.length - 1] as string] = value;
  return copy as unknown as Input;
};

const TEXT_RENDERERS: { name: string; base: Input; fields: string[]; render: (input: Input) => string }[] = [
  {
    name: 'haproxy.cfg',
    base: { cluster: BASE, host: LB1 },
    fields: ['cluster.name', 'cluster.loadBalancer.vip', 'cluster.loadBalancer.port', 'cluster.controlPlanes.0.name', 'cluster.controlPlanes.1.address'],
    render: ({ cluster }) => renderHaproxyCfg(cluster),
  },
  {
    name: 'keepalived.conf',
    base: { cluster: BASE, host: LB1 },
    fields: ['cluster.name', 'host.name', 'cluster.loadBalancer.vip', 'cluster.loadBalancer.interface', 'cluster.loadBalancer.virtualRouterId'],
    render: ({ cluster, host: h }) => renderKeepalivedConf(cluster, h, { state: 'MASTER', priority: 101 }),
  },
  {
    name: 'check_apiserver.sh',
    base: { cluster: BASE, host: LB1 },
    fields: ['cluster.name', 'cluster.loadBalancer.vip', 'cluster.loadBalancer.port'],
    render: ({ cluster }) => renderCheckApiserverScript(cluster),
  },
  {
    name: 'kube-vip.yaml',
    base: { cluster: KUBE_VIP, host: CP1 },
    fields: ['host.name', 'cluster.loadBalancer.vip', 'cluster.loadBalancer.interface', 'cluster.loadBalancer.image', 'cluster.loadBalancer.port'],
    render: ({ cluster, host: h }) => renderKubeVipManifest(cluster, h),
  },
];

describe('renderers that paste values into config files and scripts', () => {
  it('refuse every hostile value in every field they paste, naming the field', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        for (const r of TEXT_RENDERERS) {
          for (const field of r.fields) {
            const attempt = () => r.render(set(r.base, field, value));
            expect(attempt).toThrow(RenderInputError);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('refuse non-integer, negative and out-of-range numbers and wrong types', () => {
    for (const bad of [Number.NaN, 1.5, -1, 0, 70_000, '6443', undefined]) {
      expect(() => renderHaproxyCfg(set({ cluster: BASE, host: LB1 }, 'cluster.loadBalancer.port', bad).cluster)).toThrow(RenderInputError);
      expect(() => renderCheckApiserverScript(set({ cluster: BASE, host: LB1 }, 'cluster.loadBalancer.port', bad).cluster)).toThrow(RenderInputError);
    }
    for (const bad of [0, 256, 1.5]) expect(() => renderKeepalivedConf(set({ cluster: BASE, host: LB1 }, 'cluster.loadBalancer.virtualRouterId', bad).cluster, LB1, { state: 'MASTER', priority: 101 })).toThrow(RenderInputError);
    expect(() => renderKeepalivedConf(BASE, LB1, { state: 'MASTER\n}' as 'MASTER', priority: 101 })).toThrow(/VRRP state/);
    expect(() => renderKeepalivedConf(BASE, LB1, { state: 'BACKUP', priority: 300 })).toThrow(/VRRP priority/);
  });

  it('name the field and the fix in the error', () => {
    expect(() => renderHaproxyCfg(set({ cluster: BASE, host: LB1 }, 'cluster.controlPlanes.0.name', 'cp1\n    server evil 1.2.3.4:6443').cluster)).toThrow(
      /cannot render control-plane name "cp1\\n {4}server evil.*": expected a node name .*no newlines or control characters/,
    );
    expect(() => renderKeepalivedConf(set({ cluster: BASE, host: LB1 }, 'cluster.loadBalancer.vip', '10.0.0.10 dev eth0').cluster, LB1, { state: 'MASTER', priority: 101 })).toThrow(
      /cannot render loadBalancer.vip "10.0.0.10 dev eth0": expected an IPv4 or IPv6 address/,
    );
  });

  it('check_apiserver.sh carries the VIP and URL only as single-quoted assignments, and runs nothing else', () => {
    const text = renderCheckApiserverScript({ ...BASE, loadBalancer: { ...BASE.loadBalancer, vip: 'fd00::10' } as ClusterSettings['loadBalancer'] });
    expect(text).toContain("vip='fd00::10'\nurl='https://[fd00::10]:6443/healthz'\n");
    expect(text.split('\n').filter((l) => l.includes('fd00'))).toHaveLength(2);
    expect(sandbox.run([{ id: 'check', shell: 'sh', text }, { id: 'check-bash', text }])).toEqual([]);
  });
});

describe('kubeadm configuration renderers (YAML)', () => {
  /** A field path, or a path and how the value sits in it (an endpoint's host before its port). */
  type Field = string | [string, (v: string) => string];
  type Case = { name: string; base: Record<string, unknown>; fields: Field[]; render: (input: Record<string, unknown>) => string };
  const init = (input: Record<string, unknown>) =>
    renderKubeadmInit(input.cluster as ClusterSettings, { host: input.host as HostSpec, certificateKey: input.certificateKey as string, bootstrapToken: { token: input.token as string, ttlMs: 3_600_000 } });
  const join = (input: Record<string, unknown>) =>
    renderKubeadmJoin({ cluster: input.cluster as ClusterSettings, host: input.host as HostSpec, as: 'control-plane', secrets: input.secrets as typeof SECRETS });
  const CASES: Case[] = [
    {
      name: 'kubeadm-init.yaml',
      base: { cluster: BASE, host: CP1, certificateKey: SECRETS.certificateKey, token: SECRETS.token },
      fields: [
        'cluster.name', ['cluster.controlPlaneEndpoint', (v) => `${v}:6443`], 'cluster.imageRepository', 'cluster.criSocket', 'cluster.networking.podSubnet', 'cluster.networking.dnsDomain',
        'cluster.extraArgs.apiServer.audit-log-maxage', 'cluster.preflight.ignore.0', 'cluster.controlPlanes.1.name', 'host.name', 'host.address', 'certificateKey', 'token',
      ],
      render: init,
    },
    {
      name: 'kubeadm-init.yaml (external etcd)',
      base: { cluster: EXTERNAL_ETCD, host: CP1, certificateKey: SECRETS.certificateKey, token: SECRETS.token },
      fields: ['cluster.etcd.endpoints.0', 'cluster.etcd.caFile', 'cluster.etcd.keyFile'],
      render: init,
    },
    {
      name: 'kubeadm-join.yaml',
      base: { cluster: BASE, host: CP2, secrets: SECRETS },
      fields: [['cluster.controlPlaneEndpoint', (v) => `${v}:6443`], 'host.name', 'host.address', 'secrets.token', 'secrets.caCertHash', 'secrets.certificateKey', 'cluster.criSocket'],
      render: join,
    },
  ];

  const SENTINEL = 'kubeha-sentinel-value';
  const setAt = (obj: Record<string, unknown>, at: string, value: unknown): Record<string, unknown> => {
    const copy = structuredClone(obj);
    const keys = at.split('.');
    let node = copy as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = value;
    return copy;
  };
  const documents = (text: string): unknown[] => {
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors).toEqual([]);
    return docs.map((d) => d.toJS());
  };

  it('carry a hostile value only as one YAML scalar: the documents are the same as with a plain value in its place', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        for (const c of CASES) {
          for (const spec of c.fields) {
            const [field, wrap] = typeof spec === 'string' ? [spec, (v: string) => v] : spec;
            let rendered: string;
            try {
              rendered = c.render(setAt(c.base, field, wrap(value)));
            } catch {
              continue; // refused
            }
            const plain = JSON.stringify(documents(c.render(setAt(c.base, field, wrap(SENTINEL)))));
            const expected = plain.split(SENTINEL).join(JSON.stringify(value).slice(1, -1));
            expect({ field, docs: JSON.stringify(documents(rendered)) }).toEqual({ field, docs: expected });
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
