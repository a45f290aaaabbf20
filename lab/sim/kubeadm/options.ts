/** kubeadm init/join options from flags or a --config file (v1beta3/v1beta4), normalized. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { parseDuration } from './duration';

export interface InitOptions {
  nodeName: string;
  advertiseAddress: string;
  bindPort: number;
  controlPlaneEndpoint?: string;
  kubernetesVersion: string;
  podSubnet?: string;
  serviceSubnet: string;
  clusterName: string;
  uploadCerts: boolean;
  certificateKey?: string;
  criSocket: string;
  ignorePreflight: string[];
  token?: string;
  /** Model milliseconds; 0 = never expires. */
  tokenTtlMs?: number;
  certSans: string[];
}

export interface JoinOptions {
  nodeName: string;
  endpoint: string;
  token: string;
  caCertHashes: string[];
  unsafeSkipCaVerification: boolean;
  controlPlane: boolean;
  certificateKey?: string;
  advertiseAddress: string;
  bindPort: number;
  criSocket: string;
  ignorePreflight: string[];
}

export interface Defaults {
  nodeName: string;
  address: string;
  kubernetesVersion: string;
}

const SUPPORTED = ['kubeadm.k8s.io/v1beta3', 'kubeadm.k8s.io/v1beta4'];
/** Flags real kubeadm accepts next to --config. */
const MIXABLE = new Set(['config', 'ignore-preflight-errors', 'dry-run', 'v', 'upload-certs', 'skip-phases', 'patches', 'node-name', 'skip-token-print', 'skip-certificate-key-print', 'kubeconfig', 'control-plane', 'certificate-key']);

type Doc = Record<string, unknown>;

function readConfigDocs(file: string): Doc[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SimExit(`unable to read config from "${file}" : open ${file}: no such file or directory`, 1);
  }
  const docs = parseAllDocuments(text);
  const out: Doc[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e?.linePos?.[0]?.line ?? 0;
      throw new SimExit(`error converting YAML to JSON: yaml: line ${line}: ${e?.message.split('\n')[0] ?? 'invalid YAML'}`, 1);
    }
    const value = doc.toJSON() as unknown;
    if (value && typeof value === 'object') out.push(value as Doc);
  }
  for (const d of out) {
    const api = String(d.apiVersion ?? '');
    if (api.startsWith('kubeadm.k8s.io/') && !SUPPORTED.includes(api)) {
      throw new SimExit(
        `your configuration file uses an old API spec: "${api}". Please use kubeadm v1.21 instead and run 'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the new, similar spec using a newer API version.`,
        1,
      );
    }
  }
  return out;
}

const obj = (v: unknown): Doc => (v && typeof v === 'object' ? (v as Doc) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function checkMixed(p: ParsedArgs): void {
  if (!p.flags.has('config')) return;
  const mixed = [...new Set(p.given.filter((f) => !MIXABLE.has(f)))];
  if (mixed.length > 0) throw new SimExit(`can not mix '--config' with arguments [${mixed.sort().join(' ')}]`, 1);
}

const ignoreList = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

export function initOptions(p: ParsedArgs, d: Defaults): InitOptions {
  checkMixed(p);
  const f = (n: string) => p.flags.get(n);
  const base: InitOptions = {
    nodeName: f('node-name') ?? d.nodeName,
    advertiseAddress: f('apiserver-advertise-address') ?? d.address,
    bindPort: Number(f('apiserver-bind-port') ?? 6443),
    controlPlaneEndpoint: f('control-plane-endpoint'),
    kubernetesVersion: f('kubernetes-version') ?? d.kubernetesVersion,
    podSubnet: f('pod-network-cidr'),
    serviceSubnet: f('service-cidr') ?? '10.96.0.0/12',
    clusterName: 'kubernetes',
    uploadCerts: f('upload-certs') !== undefined && f('upload-certs') !== 'false',
    certificateKey: f('certificate-key'),
    criSocket: f('cri-socket') ?? 'unix:///var/run/containerd/containerd.sock',
    ignorePreflight: ignoreList(f('ignore-preflight-errors')),
    token: f('token'),
    tokenTtlMs: f('token-ttl') === undefined ? undefined : parseDuration(f('token-ttl') ?? ''),
    certSans: (f('apiserver-cert-extra-sans') ?? '').split(',').filter(Boolean),
  };
  const file = f('config');
  if (!file) return base;
  const docs = readConfigDocs(file);
  const init = docs.find((x) => x.kind === 'InitConfiguration');
  const cluster = docs.find((x) => x.kind === 'ClusterConfiguration');
  if (!init && !cluster) throw new SimExit(`no InitConfiguration or ClusterConfiguration kind was found in the YAML file`, 1);
  const reg = obj(init?.nodeRegistration);
  const local = obj(init?.localAPIEndpoint);
  const net = obj(cluster?.networking);
  const tokens = Array.isArray(init?.bootstrapTokens) ? (init?.bootstrapTokens as unknown[]).map(obj) : [];
  return {
    ...base,
    nodeName: f('node-name') ?? str(reg.name) ?? base.nodeName,
    advertiseAddress: str(local.advertiseAddress) ?? base.advertiseAddress,
    bindPort: Number(local.bindPort ?? base.bindPort),
    controlPlaneEndpoint: str(cluster?.controlPlaneEndpoint),
    kubernetesVersion: str(cluster?.kubernetesVersion) ?? base.kubernetesVersion,
    podSubnet: str(net.podSubnet),
    serviceSubnet: str(net.serviceSubnet) ?? base.serviceSubnet,
    clusterName: str(cluster?.clusterName) ?? base.clusterName,
    certificateKey: str(init?.certificateKey) ?? base.certificateKey,
    criSocket: str(reg.criSocket) ?? base.criSocket,
    ignorePreflight: [...base.ignorePreflight, ...strList(reg.ignorePreflightErrors)],
    token: str(tokens[0]?.token),
    tokenTtlMs: str(tokens[0]?.ttl) === undefined ? undefined : parseDuration(String(tokens[0]?.ttl)),
    certSans: strList(obj(cluster?.apiServer).certSANs),
  };
}

export function joinOptions(p: ParsedArgs, d: Defaults): JoinOptions {
  checkMixed(p);
  const f = (n: string) => p.flags.get(n);
  const token = f('token') ?? f('discovery-token') ?? '';
  const base: JoinOptions = {
    nodeName: f('node-name') ?? d.nodeName,
    endpoint: p.positional[0] ?? '',
    token,
    caCertHashes: (f('discovery-token-ca-cert-hash') ?? '').split(',').filter(Boolean),
    unsafeSkipCaVerification: f('discovery-token-unsafe-skip-ca-verification') === 'true',
    controlPlane: f('control-plane') !== undefined && f('control-plane') !== 'false',
    certificateKey: f('certificate-key'),
    advertiseAddress: f('apiserver-advertise-address') ?? d.address,
    bindPort: Number(f('apiserver-bind-port') ?? 6443),
    criSocket: f('cri-socket') ?? 'unix:///var/run/containerd/containerd.sock',
    ignorePreflight: ignoreList(f('ignore-preflight-errors')),
  };
  const file = f('config');
  if (!file) {
    if (!base.endpoint) throw new SimExit('discovery: Invalid value: "": bootstrapToken or file must be set', 1);
    return base;
  }
  const join = readConfigDocs(file).find((x) => x.kind === 'JoinConfiguration');
  if (!join) throw new SimExit('no JoinConfiguration kind was found in the YAML file', 1);
  const bt = obj(obj(join.discovery).bootstrapToken);
  const cp = join.controlPlane === undefined || join.controlPlane === null ? undefined : obj(join.controlPlane);
  const reg = obj(join.nodeRegistration);
  return {
    ...base,
    nodeName: f('node-name') ?? str(reg.name) ?? base.nodeName,
    endpoint: str(bt.apiServerEndpoint) ?? '',
    token: str(bt.token) ?? str(obj(join.discovery).tlsBootstrapToken) ?? '',
    caCertHashes: strList(bt.caCertHashes),
    unsafeSkipCaVerification: bt.unsafeSkipCAVerification === true,
    controlPlane: cp !== undefined || base.controlPlane,
    certificateKey: str(cp?.certificateKey) ?? base.certificateKey,
    advertiseAddress: str(obj(cp?.localAPIEndpoint).advertiseAddress) ?? base.advertiseAddress,
    bindPort: Number(obj(cp?.localAPIEndpoint).bindPort ?? base.bindPort),
    criSocket: str(reg.criSocket) ?? base.criSocket,
    ignorePreflight: [...base.ignorePreflight, ...strList(reg.ignorePreflightErrors)],
  };
}
