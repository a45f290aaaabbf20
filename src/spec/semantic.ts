import ipaddr from 'ipaddr.js';
import { BUILTIN_CNIS } from './defaults';
import { parseDuration } from './duration';
import { parseEndpoint } from './hosts';
import type { Problems } from './problems';
import { isCidr, isIp } from './addresses';
import { RELEASES, isPastEndOfLife, parseKubernetesVersion } from './version';

/**
 * Rules that span several fields. They read the raw document defensively, so they run even
 * when the schema already found problems elsewhere and every problem is reported at once.
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const CERTIFICATE_KEY_MAX_MS = 2 * 3_600_000;

interface RawHost {
  index: number;
  name?: string;
  address?: string;
  role?: string;
}

function hostsOf(spec: Obj): RawHost[] {
  const hosts = Array.isArray(spec.hosts) ? spec.hosts : [];
  return hosts.map((h, index) => {
    const o = obj(h) ?? {};
    return { index, name: str(o.name), address: str(o.address), role: str(o.role) };
  });
}

/** `today` (`YYYY-MM-DD`, default: the current UTC date) decides which releases are past upstream support. */
export function checkSemantics(root: unknown, problems: Problems, today = new Date().toISOString().slice(0, 10)): void {
  const spec = obj(obj(root)?.spec);
  if (!spec) return;
  const hosts = hostsOf(spec);
  checkEndOfLife(spec, today, problems);
  checkHosts(spec, hosts, problems);
  checkEndpointAndLoadBalancer(spec, hosts, problems);
  checkSubnets(spec, hosts, problems);
  checkEtcd(spec, problems);
  checkLifetimes(spec, problems);
  checkCertificateDistribution(spec, problems);
  checkKubeProxyMode(spec, problems);
  checkApprovals(spec, problems);
  checkCniDigest(spec, problems);
}

/** A CNI manifest file is applied as root on the cluster: it must come with the digest it is checked against. */
function checkCniDigest(spec: Obj, problems: Problems): void {
  const networking = obj(spec.networking);
  const cni = str(networking?.cni);
  if (!cni || (BUILTIN_CNIS as readonly string[]).includes(cni) || networking?.cniSha256 !== undefined) return;
  problems.error(['spec', 'networking', 'cni'], `a CNI manifest file needs networking.cniSha256 (the worker applies it only when the digest matches): add cniSha256: <output of sha256sum ${cni}>`);
}

/** A gate listed twice must not ask for two different timeouts. */
function checkApprovals(spec: Obj, problems: Problems): void {
  if (!Array.isArray(spec.approvals)) return;
  const seen = new Map<string, { index: number; timeout?: string }>();
  spec.approvals.forEach((entry: unknown, index) => {
    const gate = str(entry) ?? str(obj(entry)?.gate);
    if (!gate) return;
    const timeout = str(obj(entry)?.timeout);
    const first = seen.get(gate);
    if (!first) seen.set(gate, { index, timeout });
    else if (first.timeout !== timeout) {
      problems.error(['spec', 'approvals', index], `gate ${gate} is already listed at approvals[${first.index}] with ${first.timeout ? `timeout ${first.timeout}` : 'no timeout'}; list each gate once`);
    }
  });
}

/** A release past upstream support still installs as it always did; the user should know it gets no fixes. */
function checkEndOfLife(spec: Obj, today: string, problems: Problems): void {
  const text = str(spec.kubernetesVersion) ?? '';
  const minor = parseKubernetesVersion(text)?.minor;
  const release = RELEASES.find((r) => r.minor === minor);
  if (release && isPastEndOfLife(release, today)) {
    problems.warning(['spec', 'kubernetesVersion'], `upstream support for Kubernetes v1.${release.minor} ended on ${release.endOfLife} (no more security fixes); ${text} is still installed, but plan an upgrade`);
  }
}

function checkKubeProxyMode(spec: Obj, problems: Problems): void {
  const version = parseKubernetesVersion(str(spec.kubernetesVersion) ?? '');
  if (spec.kubeProxyMode === 'nftables' && version && version.minor < 31) {
    problems.error(['spec', 'kubeProxyMode'], `kube-proxy's nftables mode needs Kubernetes v1.31 or later (it is behind a feature gate before); use iptables or ipvs with ${str(spec.kubernetesVersion)}`);
  }
}

function checkHosts(spec: Obj, hosts: RawHost[], problems: Problems): void {
  if (!Array.isArray(spec.hosts)) return;
  const cps = hosts.filter((h) => h.role === 'control-plane');
  if (hosts.length > 0 && cps.length === 0) {
    problems.error(['spec', 'hosts'], 'no host has role control-plane; at least one is needed');
  } else if (cps.length > 0 && cps.length % 2 === 0 && obj(spec.etcd)?.topology !== 'external') {
    // Stacked etcd only: with external etcd the control planes are no etcd members.
    problems.warning(
      ['spec', 'hosts'],
      `${cps.length} control planes: an even etcd member count tolerates no more failures than ${cps.length - 1}; prefer an odd number`,
    );
  }
  for (const field of ['name', 'address'] as const) {
    const seen = new Map<string, number>();
    for (const h of hosts) {
      const value = field === 'address' && h.address && isIp(h.address) ? ipaddr.parse(h.address).toNormalizedString() : h[field];
      if (!value) continue;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, h.index);
      else problems.error(['spec', 'hosts', h.index, field], `duplicate host ${field} ${JSON.stringify(h[field])} (already used by hosts[${first}])`);
    }
  }
}

function checkEndpointAndLoadBalancer(spec: Obj, hosts: RawHost[], problems: Problems): void {
  const cpCount = hosts.filter((h) => h.role === 'control-plane').length;
  const lbHosts = hosts.filter((h) => h.role === 'load-balancer');
  const endpointText = str(spec.controlPlaneEndpoint);
  const endpoint = endpointText ? parseEndpoint(endpointText) : undefined;
  if (spec.controlPlaneEndpoint === undefined && cpCount > 1) {
    problems.error(['spec', 'controlPlaneEndpoint'], `controlPlaneEndpoint is required with ${cpCount} control planes (the load balancer's VIP or DNS name with port, e.g. 192.168.0.100:6443)`);
  }
  const lb = obj(spec.loadBalancer);
  if (!lb) {
    if (spec.loadBalancer === undefined && cpCount > 1) {
      problems.error(['spec', 'loadBalancer'], `loadBalancer is required with ${cpCount} control planes (type: kube-vip, haproxy-keepalived or external)`);
    }
    return;
  }
  const type = str(lb.type);
  const path = ['spec', 'loadBalancer'];
  if (type === 'kube-vip' || type === 'haproxy-keepalived') {
    if (lb.vip === undefined) problems.error([...path, 'vip'], `loadBalancer type ${type} needs vip (the virtual IP of controlPlaneEndpoint)`);
    if (lb.interface === undefined) problems.error([...path, 'interface'], `loadBalancer type ${type} needs interface (the NIC that carries the VIP, e.g. eth0)`);
    const vip = str(lb.vip);
    if (vip && isIp(vip) && endpoint && isIp(endpoint.host) && ipaddr.parse(vip).toNormalizedString() !== ipaddr.parse(endpoint.host).toNormalizedString()) {
      problems.error([...path, 'vip'], `vip ${vip} differs from the controlPlaneEndpoint host ${endpoint.host}; clients would not reach the VIP`);
    }
    const clash = vip && isIp(vip) ? hosts.find((h) => h.address && isIp(h.address) && ipaddr.parse(h.address).toNormalizedString() === ipaddr.parse(vip).toNormalizedString()) : undefined;
    if (clash) problems.error([...path, 'vip'], `vip ${vip} is also the address of host ${clash.name ?? clash.index}; the VIP must be an otherwise unused address`);
    if (typeof lb.port === 'number' && endpoint && lb.port !== endpoint.port) {
      problems.error([...path, 'port'], `loadBalancer.port ${lb.port} differs from the controlPlaneEndpoint port ${endpoint.port}; drop it or make them equal`);
    }
  } else if (type === 'external') {
    for (const key of ['vip', 'interface', 'port', 'virtualRouterId', 'image']) {
      if (lb[key] !== undefined) problems.error([...path, key], `${key} has no effect with loadBalancer type external; remove it`, 'key');
    }
  }
  if (type === 'kube-vip' && lb.virtualRouterId !== undefined) {
    problems.error([...path, 'virtualRouterId'], `virtualRouterId only applies to loadBalancer type haproxy-keepalived`, 'key');
  }
  if (type === 'haproxy-keepalived' && lb.image !== undefined) {
    problems.error([...path, 'image'], `image only applies to loadBalancer type kube-vip`, 'key');
  }
  if (type === 'haproxy-keepalived' && lbHosts.length === 0) {
    problems.error(['spec', 'hosts'], 'loadBalancer type haproxy-keepalived needs at least one host with role: load-balancer');
  }
  if ((type === 'kube-vip' || type === 'external') && lbHosts.length > 0) {
    for (const h of lbHosts) {
      problems.error(['spec', 'hosts', h.index, 'role'], `role load-balancer is only used with loadBalancer type haproxy-keepalived (type is ${type})`);
    }
  }
}

function checkSubnets(spec: Obj, hosts: RawHost[], problems: Problems): void {
  const net = obj(spec.networking);
  if (!net) return;
  const subnets: { key: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] }[] = [];
  for (const key of ['podSubnet', 'serviceSubnet']) {
    const text = str(net[key]);
    if (text && isCidr(text)) subnets.push({ key, range: ipaddr.parseCIDR(text) });
  }
  const [pod, svc] = subnets;
  if (pod && svc && pod.range[0].kind() === svc.range[0].kind() && overlaps(pod.range, svc.range)) {
    problems.error(['spec', 'networking', 'serviceSubnet'], `serviceSubnet ${str(net.serviceSubnet)} overlaps podSubnet ${str(net.podSubnet)}`);
  }
  const addresses: { path: (string | number)[]; what: string; address: string }[] = hosts
    .filter((h) => h.address && isIp(h.address))
    .map((h) => ({ path: ['spec', 'hosts', h.index, 'address'], what: `host ${h.name ?? h.index}`, address: h.address as string }));
  const vip = str(obj(spec.loadBalancer)?.vip);
  if (vip && isIp(vip)) addresses.push({ path: ['spec', 'loadBalancer', 'vip'], what: 'the VIP', address: vip });
  for (const a of addresses) {
    const ip = ipaddr.parse(a.address);
    for (const s of subnets) {
      if (ip.kind() === s.range[0].kind() && ip.match(s.range)) {
        problems.error(a.path, `${a.what} address ${a.address} lies inside ${s.key} ${str(net[s.key])}; pick subnets that do not contain host addresses`);
      }
    }
  }
}

function overlaps(a: [ipaddr.IPv4 | ipaddr.IPv6, number], b: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  return a[0].match(b) || b[0].match(a);
}

function checkEtcd(spec: Obj, problems: Problems): void {
  const etcd = obj(spec.etcd);
  if (!etcd) return;
  const path = ['spec', 'etcd'];
  const fields = ['endpoints', 'caFile', 'certFile', 'keyFile'];
  if (etcd.topology === 'external') {
    for (const key of fields) {
      if (etcd[key] === undefined) problems.error([...path, key], `external etcd needs ${key}`);
    }
    if (Array.isArray(etcd.endpoints)) {
      if (etcd.endpoints.length === 0) problems.error([...path, 'endpoints'], 'external etcd needs at least one endpoint');
      etcd.endpoints.forEach((e, i) => {
        if (typeof e !== 'string' || !isEtcdUrl(e)) {
          problems.error([...path, 'endpoints', i], `${JSON.stringify(e)} is not an https URL with host and port (e.g. https://10.0.0.5:2379)`);
        }
      });
    }
    if (spec.controlPlaneJoins === 'parallel') {
      problems.warning(['spec', 'controlPlaneJoins'], 'control-plane joins run serially with external etcd; parallel is ignored');
    }
  } else if (etcd.topology === 'stacked') {
    for (const key of fields) {
      if (etcd[key] !== undefined) problems.error([...path, key], `${key} only applies to etcd topology external`, 'key');
    }
  }
}

function isEtcdUrl(text: string): boolean {
  const m = /^https:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!m) return false;
  const host = (m[1] as string).replace(/^\[|\]$/g, '');
  return (isIp(host) || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) && Number(m[2]) >= 1 && Number(m[2]) <= 65535;
}

/** With manual distribution nothing is uploaded, so a certificate key lifetime would be a setting that does nothing. */
function checkCertificateDistribution(spec: Obj, problems: Problems): void {
  if (spec.certificateDistribution !== 'manual' || spec.certificateKey === undefined) return;
  problems.error(
    ['spec', 'certificateKey'],
    'certificateKey has no effect with certificateDistribution: manual (kubeha copies the shared certificates over SSH; nothing is uploaded): remove certificateKey, or use certificateDistribution: upload',
    'key',
  );
}

function checkLifetimes(spec: Obj, problems: Problems): void {
  const defaults: Record<string, { ttl: string; renewBefore: string }> = {
    certificateKey: { ttl: '2h', renewBefore: '15m' },
    joinToken: { ttl: '24h', renewBefore: '1h' },
  };
  for (const [key, d] of Object.entries(defaults)) {
    const raw = obj(spec[key]);
    if (spec[key] !== undefined && !raw) continue;
    const ttlText = str(raw?.ttl) ?? d.ttl;
    const renewText = str(raw?.renewBefore) ?? d.renewBefore;
    const ttl = parseDuration(ttlText);
    const renew = parseDuration(renewText);
    if (ttl === undefined || renew === undefined) continue;
    if (key === 'certificateKey' && ttl > CERTIFICATE_KEY_MAX_MS) {
      problems.error(['spec', key, 'ttl'], `certificateKey ttl ${ttlText} exceeds 2h: kubeadm deletes the uploaded certificates after 2h`);
    }
    if (renew >= ttl) {
      problems.error(['spec', key, raw?.renewBefore !== undefined ? 'renewBefore' : 'ttl'], `${key} renewBefore (${renewText}) must be shorter than ttl (${ttlText})`);
    }
  }
}
