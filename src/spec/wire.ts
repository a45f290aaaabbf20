/**
 * The normalized spec as it travels in workflow and activity inputs, checked again where it is
 * used: the worker trusts nothing it is sent (a workflow may be started by any Temporal client,
 * skipping `kubeha validate`). Same allow-lists as the user-facing schema; pure, so workflow code
 * can run it before any activity is scheduled.
 */
import { z } from 'zod';
import { BUILTIN_CNIS } from './defaults';
import { parseEndpoint } from './hosts';
import { PATTERNS } from './patterns';
import { isCidr, isIp } from './addresses';
import { parseKubernetesVersion } from './version';

const matches = (re: RegExp, what: string) => z.string().max(1024).refine((v) => re.test(v), { error: (iss) => `${JSON.stringify(iss.input)} is not ${what}` });
const ip = z.string().refine(isIp, { error: (iss) => `${JSON.stringify(iss.input)} is not an IP address` });
const address = z.string().refine((v) => isIp(v) || PATTERNS.dnsName.test(v), { error: (iss) => `${JSON.stringify(iss.input)} is not an IP address or DNS name` });
const cidr = z.string().refine(isCidr, { error: (iss) => `${JSON.stringify(iss.input)} is not a CIDR` });
const port = z.number().int().min(1).max(65535);
const ms = z.number().int().nonnegative();
const path = matches(PATTERNS.path, 'a plain file path');
const absolutePath = matches(PATTERNS.absolutePath, 'an absolute path');
const endpoint = z.string().refine((v) => {
  const e = parseEndpoint(v);
  return e !== undefined && (isIp(e.host) || PATTERNS.dnsName.test(e.host));
}, { error: (iss) => `${JSON.stringify(iss.input)} is not host:port` });
const version = z.string().refine((v) => parseKubernetesVersion(v) !== undefined, { error: (iss) => `${JSON.stringify(iss.input)} is not a Kubernetes version` });
const args = z.record(matches(PATTERNS.extraArgKey, 'a flag name'), matches(PATTERNS.extraArgValue, 'a plain flag value'));

const sshSchema = z.strictObject({
  user: matches(PATTERNS.user, 'a user name'),
  port,
  privateKey: path,
  knownHosts: path,
  acceptNewHostKeys: z.boolean(),
  sudo: z.boolean(),
  jumpHost: z.strictObject({ address, port, user: matches(PATTERNS.user, 'a user name') }).optional(),
  connectTimeoutMs: ms,
});

export const hostWireSchema = z.strictObject({
  name: matches(PATTERNS.nodeName, 'a node name (RFC 1123)'),
  address,
  role: z.enum(['control-plane', 'worker', 'load-balancer']),
  ssh: sshSchema,
});

const loadBalancer = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('kube-vip'), vip: ip, port, interface: matches(PATTERNS.interface, 'an interface name'), image: matches(PATTERNS.image, 'an image reference') }),
  z.strictObject({ type: z.literal('haproxy-keepalived'), vip: ip, port, interface: matches(PATTERNS.interface, 'an interface name'), virtualRouterId: z.number().int().min(1).max(255) }),
  z.strictObject({ type: z.literal('external') }),
]);

const etcd = z.discriminatedUnion('topology', [
  z.strictObject({ topology: z.literal('stacked') }),
  z.strictObject({
    topology: z.literal('external'),
    endpoints: z.array(z.string().refine((v) => /^https?:\/\//.test(v) && parseEndpoint(v.replace(/^https?:\/\//, '')) !== undefined, { error: 'not an etcd URL' })).min(1),
    caFile: absolutePath,
    certFile: absolutePath,
    keyFile: absolutePath,
  }),
]);

const gate = z.enum(['before-init', 'before-workers', 'before-upgrade-apply', 'before-remove-workers', 'before-reset']);

/** Everything but the hosts: what activities receive (`ClusterSettings` adds the control planes). */
const settingsShape = {
  name: matches(PATTERNS.dnsLabel, 'a cluster name (RFC 1123 label)'),
  kubernetesVersion: version,
  controlPlaneEndpoint: endpoint,
  loadBalancer,
  etcd,
  networking: z.strictObject({
    podSubnet: cidr,
    serviceSubnet: cidr,
    dnsDomain: matches(PATTERNS.dnsName, 'a DNS domain'),
    cni: z.union([z.enum(BUILTIN_CNIS), path]),
    cniSha256: matches(/^[a-f0-9]{64}$/, 'a sha256').optional(),
  }),
  imageRepository: matches(PATTERNS.imageRepository, 'an image repository'),
  criSocket: matches(PATTERNS.criSocket, 'a unix:/// socket'),
  cgroupDriver: z.enum(['systemd', 'cgroupfs']),
  kubeProxyMode: z.enum(['iptables', 'ipvs', 'nftables']),
  extraArgs: z.strictObject({ apiServer: args, controllerManager: args, scheduler: args }),
  certificateKey: z.strictObject({ ttlMs: ms.positive(), renewBeforeMs: ms }),
  certificateDistribution: z.literal('manual').optional(),
  joinToken: z.strictObject({ ttlMs: ms.positive(), renewBeforeMs: ms, keep: z.boolean().optional() }),
  approvals: z.array(gate),
  allowSelfApproval: z.boolean().optional(),
  approvalTimeoutsMs: z.partialRecord(gate, ms.positive()).optional(),
  controlPlaneJoins: z.enum(['parallel', 'serial']),
  workers: z.strictObject({ maxConcurrentJoins: z.number().int().min(1).max(10_000) }),
  preflight: z.strictObject({ fix: z.boolean(), ignore: z.array(matches(PATTERNS.preflightCheck, 'a preflight check name')) }),
  ssh: sshSchema,
};

function unique(values: string[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', message: `${what} ${v} appears twice` });
    seen.add(v);
  }
}

export const clusterSpecWireSchema = z.strictObject({ ...settingsShape, hosts: z.array(hostWireSchema).min(1).max(10_000) }).superRefine((spec, ctx) => {
  if (!spec.hosts.some((h) => h.role === 'control-plane')) ctx.addIssue({ code: 'custom', message: 'no control-plane host' });
  unique(spec.hosts.map((h) => h.name), 'host name', ctx);
  unique(spec.hosts.map((h) => h.address), 'host address', ctx);
});

export const clusterSettingsWireSchema = z.strictObject({ ...settingsShape, controlPlanes: z.array(hostWireSchema).min(1) });

/** Human-readable problems (`path: message`), or [] when `value` is a spec kubeha would have produced. */
export function wireProblems(schema: z.ZodType, value: unknown): string[] {
  // Each schema parses once or twice per workflow (the sandbox builds them anew for every one), so
  // compiling zod's fast path costs more than it saves: jitless halved the first parse's time.
  const result = schema.safeParse(value, { jitless: true });
  if (result.success) return [];
  return result.error.issues.slice(0, 20).map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`);
}
