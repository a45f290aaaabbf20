import { z } from 'zod';
import { isCidr, isIp } from './addresses';
import { parseDuration } from './duration';
import { parseEndpoint } from './hosts';
import { PATTERNS } from './patterns';
import { SUPPORTED_RANGE, isSupportedMinor, parseKubernetesVersion } from './version';

/** The spec as the user writes it: shape and per-field formats. Cross-field rules live in ./semantic.ts. */

const SHELL_SAFE = 'letters, digits and . _ / - only (no spaces or shell syntax)';

const pattern = (re: RegExp, what: string) =>
  z.string().refine((v) => re.test(v), { error: (iss) => `${JSON.stringify(iss.input)} is not ${what}` });

const ip = z.string().refine(isIp, { error: (iss) => `${JSON.stringify(iss.input)} is not a valid IPv4 or IPv6 address` });
const cidr = z.string().refine(isCidr, { error: (iss) => `${JSON.stringify(iss.input)} is not a valid CIDR (e.g. 10.244.0.0/16)` });
const port = z.number().int().min(1).max(65535);
const duration = z
  .string()
  .refine((v) => parseDuration(v) !== undefined && (parseDuration(v) as number) > 0, {
    error: (iss) => `${JSON.stringify(iss.input)} is not a duration (use e.g. 2h, 15m, 30s, 250ms)`,
  });
const path = pattern(PATTERNS.path, `a plain file path (${SHELL_SAFE})`);
const absolutePath = pattern(PATTERNS.absolutePath, `an absolute path on the control-plane hosts (${SHELL_SAFE})`);
const hostAddress = z
  .string()
  .refine((v) => isIp(v) || PATTERNS.dnsName.test(v), { error: (iss) => `${JSON.stringify(iss.input)} is not an IP address or DNS name` });

const version = z.string().superRefine((v, ctx) => {
  const parsed = parseKubernetesVersion(v);
  if (!parsed) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a Kubernetes version (write it as v1.MINOR.PATCH, e.g. v1.30.2)` });
  else if (!isSupportedMinor(parsed.minor)) ctx.addIssue({ code: 'custom', message: `Kubernetes ${v} is not supported (kubeha supports ${SUPPORTED_RANGE})` });
});

const endpoint = z.string().refine(
  (v) => {
    const e = parseEndpoint(v);
    return e !== undefined && (isIp(e.host) || PATTERNS.dnsName.test(e.host));
  },
  { error: (iss) => `${JSON.stringify(iss.input)} is not host:port (e.g. 192.168.0.100:6443 or api.example.com:6443)` },
);

const lifetime = z.strictObject({ ttl: duration.optional(), renewBefore: duration.optional() });
const joinToken = lifetime.extend({ keep: z.boolean().optional() });

/** The bring-up holds at a gate listed here; the other operations' gates are always on (listing one sets its timeout). */
const approvalGate = z.enum(['before-init', 'before-workers', 'before-upgrade-apply', 'before-remove-workers', 'before-reset']);
/** `before-init`, or `{ gate: before-init, timeout: 4h }`. */
const approval = z.union([approvalGate, z.strictObject({ gate: approvalGate, timeout: duration.optional() })]);

export const sshSchema = z.strictObject({
  user: pattern(PATTERNS.user, 'a valid user name').optional(),
  port: port.optional(),
  privateKey: path.optional(),
  knownHosts: path.optional(),
  acceptNewHostKeys: z.boolean().optional(),
  sudo: z.boolean().optional(),
  jumpHost: z
    .strictObject({ address: hostAddress, port: port.optional(), user: pattern(PATTERNS.user, 'a valid user name').optional() })
    .optional(),
  connectTimeout: duration.optional(),
});

const extraArgs = z.record(
  pattern(PATTERNS.extraArgKey, 'a flag name (lowercase letters, digits, -)'),
  z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(pattern(PATTERNS.extraArgValue, `a safe flag value (${SHELL_SAFE}, = , : @ + %)`)),
);

export const hostSchema = z.strictObject({
  name: pattern(PATTERNS.nodeName, 'a valid Kubernetes node name (lowercase RFC 1123: a-z, 0-9, -, .)'),
  address: ip,
  role: z.enum(['control-plane', 'worker', 'load-balancer']),
  ssh: sshSchema.optional(),
});

export const specSchema = z.strictObject({
  apiVersion: z.literal('kubeha.io/v1alpha1'),
  kind: z.literal('Cluster'),
  metadata: z.strictObject({ name: pattern(PATTERNS.dnsLabel, 'a valid cluster name (lowercase RFC 1123 label)') }),
  spec: z.strictObject({
    kubernetesVersion: version,
    controlPlaneEndpoint: endpoint.optional(),
    loadBalancer: z
      .strictObject({
        type: z.enum(['kube-vip', 'haproxy-keepalived', 'external']),
        vip: ip.optional(),
        interface: pattern(PATTERNS.interface, 'a network interface name').optional(),
        port: port.optional(),
        virtualRouterId: z.number().int().min(1).max(255).optional(),
        image: pattern(PATTERNS.image, 'a container image reference').optional(),
      })
      .optional(),
    etcd: z
      .strictObject({
        topology: z.enum(['stacked', 'external']),
        endpoints: z.array(z.string()).optional(),
        caFile: absolutePath.optional(),
        certFile: absolutePath.optional(),
        keyFile: absolutePath.optional(),
      })
      .optional(),
    networking: z.strictObject({
      podSubnet: cidr,
      serviceSubnet: cidr,
      dnsDomain: pattern(PATTERNS.dnsName, 'a DNS domain').optional(),
      cni: path.optional(),
      cniSha256: pattern(/^[a-f0-9]{64}$/, 'a sha256 (64 hex digits, as `sha256sum` prints it)').optional(),
    }),
    imageRepository: pattern(PATTERNS.imageRepository, 'an image repository (e.g. registry.k8s.io)').optional(),
    criSocket: pattern(PATTERNS.criSocket, 'a CRI socket URL (unix:///path)').optional(),
    cgroupDriver: z.enum(['systemd', 'cgroupfs']).optional(),
    kubeProxyMode: z.enum(['iptables', 'ipvs', 'nftables']).optional(),
    extraArgs: z
      .strictObject({ apiServer: extraArgs.optional(), controllerManager: extraArgs.optional(), scheduler: extraArgs.optional() })
      .optional(),
    certificateKey: lifetime.optional(),
    certificateDistribution: z.enum(['upload', 'manual']).optional(),
    joinToken: joinToken.optional(),
    approvals: z.array(approval).optional(),
    allowSelfApproval: z.boolean().optional(),
    controlPlaneJoins: z.enum(['parallel', 'serial']).optional(),
    workers: z.strictObject({ maxConcurrentJoins: z.number().int().min(1).optional() }).optional(),
    preflight: z
      .strictObject({ fix: z.boolean().optional(), ignore: z.array(pattern(PATTERNS.preflightCheck, 'a preflight check name')).optional() })
      .optional(),
    ssh: sshSchema.optional(),
    hosts: z.array(hostSchema).min(1),
  }),
});

export type RawSpec = z.infer<typeof specSchema>;
export type RawSsh = z.infer<typeof sshSchema>;
