/**
 * `kubeadm init phase <phase> [<sub-phase>|all]` for the phases after the control plane is up,
 * with the flags or the same `--config` document `kubeadm init` takes. They are the functions a
 * full init runs (so a completed half init ends in the same state) and each may run twice.
 */
import type { SimContext } from '../context';
import { phaseError, SimExit } from '../errors';
import type { ParsedArgs } from '../flags';
import { flagBool } from '../flags';
import { out } from '../output';
import { adminClient } from './admin-client';
import type { AdminClient } from './admin-client';
import type { InitOptions } from './options';
import { initOptions } from './options';
import { applyAddon } from './phases/addons';
import { bootstrapToken } from './phases/bootstrap-token';
import { kubeletFinalize } from './phases/kubelet-finalize';
import { markControlPlane } from './phases/mark-control-plane';
import { uploadKubeadmConfig, uploadKubeletConfig } from './phases/upload-config';
import { newToken, TOKEN_RE } from './tokens';
import { uploadCerts } from './upload-certs';

interface PhaseRun {
  ctx: SimContext;
  p: ParsedArgs;
  o: InitOptions;
  sub: string;
  /** The admin client, checked as kubeadm does before its first request. */
  client: (failingPhase: string, apiPath: string) => Promise<AdminClient>;
}

interface Phase {
  /** Sub-phases besides `all`; none means the phase takes no sub-phase. */
  subs: string[];
  run: (r: PhaseRun) => Promise<void>;
}

const wants = (sub: string, name: string) => sub === 'all' || sub === name;

const PHASES: Record<string, Phase> = {
  'upload-config': {
    subs: ['kubeadm', 'kubelet'],
    run: async ({ ctx, o, sub, client }) => {
      if (wants(sub, 'kubeadm')) {
        await client('upload-config/kubeadm', '/api/v1/namespaces/kube-system/configmaps/kubeadm-config?timeout=10s');
        await uploadKubeadmConfig(ctx, o);
      }
      if (wants(sub, 'kubelet')) {
        await client('upload-config/kubelet', '/api/v1/namespaces/kube-system/configmaps/kubelet-config?timeout=10s');
        await uploadKubeletConfig(ctx);
      }
    },
  },
  'upload-certs': {
    subs: [],
    run: async ({ ctx, p, o, client }) => {
      if (!flagBool(p, 'upload-certs')) {
        out('[upload-certs] Skipping phase. Please see --upload-certs\n');
        return;
      }
      await client('upload-certs', '/api/v1/namespaces/kube-system/secrets/kubeadm-certs?timeout=10s');
      await uploadCerts(ctx, o.certificateKey, o.externalEtcd);
    },
  },
  'mark-control-plane': {
    subs: [],
    run: async ({ ctx, o, client }) => {
      await client('mark-control-plane', `/api/v1/nodes/${o.nodeName}?timeout=10s`);
      await markControlPlane(ctx, o.nodeName, 'mark-control-plane');
    },
  },
  'bootstrap-token': {
    subs: [],
    run: async ({ ctx, p, o, client }) => {
      const token = o.token ?? newToken();
      if (!TOKEN_RE.test(token)) throw new SimExit(`the bootstrap token "${token}" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"`, 1);
      const api = await client('bootstrap-token', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${token.split('.')[0]}?timeout=10s`);
      await bootstrapToken(ctx, o, token, api, !flagBool(p, 'skip-token-print'));
    },
  },
  'kubelet-finalize': {
    subs: ['experimental-cert-rotation'],
    run: async () => kubeletFinalize(),
  },
  addon: {
    subs: ['coredns', 'kube-proxy'],
    run: async ({ ctx, sub, client }) => {
      if (wants(sub, 'coredns')) {
        await client('addon/coredns', '/api/v1/namespaces/kube-system/configmaps/coredns?timeout=10s');
        await applyAddon(ctx, 'CoreDNS');
      }
      if (wants(sub, 'kube-proxy')) {
        await client('addon/kube-proxy', '/api/v1/namespaces/kube-system/configmaps/kube-proxy?timeout=10s');
        await applyAddon(ctx, 'kube-proxy');
      }
    },
  },
};

export async function initPhase(p: ParsedArgs, ctx: SimContext): Promise<number> {
  const [name = '', sub] = p.positional.slice(2);
  const phase = PHASES[name];
  if (!phase) throw new SimExit(`unknown command "${name}" for "kubeadm init phase"\nRun 'kubeadm init phase --help' for usage.`, 1);
  if (phase.subs.length > 0 && sub === undefined) throw new SimExit(`missing subcommand; "${name}" is not meant to be run on its own`, 1);
  if (sub !== undefined && !['all', ...phase.subs].includes(sub)) {
    throw new SimExit(`unknown command "${sub}" for "kubeadm init phase ${name}"\nRun 'kubeadm init phase ${name} --help' for usage.`, 1);
  }
  const o = initOptions(p, { nodeName: ctx.identity.name, address: ctx.identity.address, kubernetesVersion: ctx.config.kubernetesVersion });
  const kubeconfig = p.flags.get('kubeconfig');
  const client = (failingPhase: string, apiPath: string) => adminClient(kubeconfig, (m) => phaseError(failingPhase, m), apiPath);
  await phase.run({ ctx, p, o, sub: sub ?? 'all', client });
  return 0;
}
