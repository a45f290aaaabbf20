/**
 * bootstrap-token: the configured bootstrap token (created, or refreshed when it exists, as
 * kubeadm's UpdateOrCreateTokens does), the bootstrap RBAC rules, and the cluster-info
 * ConfigMap (created once, from the admin kubeconfig's server and CA).
 */
import type { SimContext } from '../../context';
import { out } from '../../output';
import { updateStore } from '../../store';
import type { AdminClient } from '../admin-client';
import type { InitOptions } from '../options';
import { makeToken, tokenTtl } from '../tokens';

export async function bootstrapToken(ctx: SimContext, o: InitOptions, token: string, client: AdminClient, printToken: boolean): Promise<void> {
  if (printToken) out(`[bootstrap-token] Using token: ${token}\n`);
  out('[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles\n');
  await updateStore(ctx.identity.labDir, (s) => {
    s.tokens = s.tokens.filter((t) => t.token !== token);
    s.tokens.push({ ...makeToken(ctx.config, token, tokenTtl(o.tokenTtlMs)), description: o.tokenDescription });
  });
  out('[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to get nodes\n');
  out('[bootstrap-token] Configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials\n');
  out('[bootstrap-token] Configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token\n');
  out('[bootstrap-token] Configured RBAC rules to allow certificate rotation for all node client certificates in the cluster\n');
  out('[bootstrap-token] Creating the "cluster-info" ConfigMap in the "kube-public" namespace\n');
  await updateStore(ctx.identity.labDir, (s) => {
    s.clusterInfo ??= { server: client.server, caCert: client.ca ?? '' };
  });
}
