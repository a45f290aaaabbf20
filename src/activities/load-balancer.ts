/** HAProxy + keepalived, kube-vip, and the reachability probe of the control-plane endpoint. */
import {
  CHECK_SCRIPT_PATH,
  EQUAL_BACKUP,
  KUBE_VIP_MANIFEST_PATH,
  renderCheckApiserverScript,
  renderHaproxyCfg,
  renderKeepalivedConf,
  renderKubeVipManifest,
  vrrpRole,
} from '../render';
import { ensureServices, probeTcp, reloadService } from '../remote/load-balancer';
import { endpointOf } from '../spec/hosts';
import type { ActivityDeps } from './deps';
import { failure } from './failures';
import { hostStep } from './step';
import type { HostStepInput, LoadBalancerProbe } from './types';
import { FailureTypes } from './types';

const PROBE_TIMEOUT_S = 5;
const HAPROXY_CFG = '/etc/haproxy/haproxy.cfg';

export function createLoadBalancerActivities(deps: ActivityDeps) {
  return {
    async configureLoadBalancer({ cluster, host }: HostStepInput): Promise<{ changed: boolean }> {
      const step = hostStep(deps, host, 'load-balancer');
      if (cluster.loadBalancer.type !== 'haproxy-keepalived') {
        throw failure(FailureTypes.invalidSpec, `${host.name}: configureLoadBalancer needs loadBalancer.type haproxy-keepalived, the spec has ${cluster.loadBalancer.type}`);
      }
      const role = host.role === 'control-plane' ? vrrpRole(cluster.controlPlanes, host) : EQUAL_BACKUP;
      const results = [
        await step.writeFile(HAPROXY_CFG, renderHaproxyCfg(cluster), 0o644),
        await step.writeFile('/etc/keepalived/keepalived.conf', renderKeepalivedConf(cluster, host, role), 0o644),
        await step.writeFile(CHECK_SCRIPT_PATH, renderCheckApiserverScript(cluster), 0o755),
      ];
      const changed = results.some((r) => r.changed);
      await step.runChecked(ensureServices.render({ services: ['haproxy', 'keepalived'], restart: changed }), { timeoutMs: 2 * 60_000 });
      step.log(changed ? 'haproxy and keepalived configured and restarted' : 'haproxy and keepalived already configured');
      return { changed };
    },

    async updateLoadBalancerBackends({ cluster, host }: HostStepInput): Promise<{ changed: boolean }> {
      const step = hostStep(deps, host, 'load-balancer-backends');
      if (cluster.loadBalancer.type !== 'haproxy-keepalived') {
        throw failure(FailureTypes.invalidSpec, `${host.name}: updateLoadBalancerBackends needs loadBalancer.type haproxy-keepalived, the spec has ${cluster.loadBalancer.type}`);
      }
      // keepalived's files do not name control planes: left alone, so the VIP does not move.
      const { changed } = await step.writeFile(HAPROXY_CFG, renderHaproxyCfg(cluster), 0o644);
      // Reloaded even when the file was already right: an earlier attempt may have written it and failed before its reload.
      await step.runChecked(reloadService.render({ service: 'haproxy' }), { timeoutMs: 2 * 60_000 });
      step.log(changed ? `${HAPROXY_CFG} rewritten, haproxy reloaded` : `${HAPROXY_CFG} already lists the control planes`);
      return { changed };
    },

    async installKubeVip({ cluster, host }: HostStepInput): Promise<{ changed: boolean }> {
      const step = hostStep(deps, host, 'kube-vip');
      if (cluster.loadBalancer.type !== 'kube-vip') {
        throw failure(FailureTypes.invalidSpec, `${host.name}: installKubeVip needs loadBalancer.type kube-vip, the spec has ${cluster.loadBalancer.type}`);
      }
      const result = await step.writeFile(KUBE_VIP_MANIFEST_PATH, renderKubeVipManifest(cluster, host), 0o600);
      step.log(result.changed ? `wrote ${KUBE_VIP_MANIFEST_PATH}` : `${KUBE_VIP_MANIFEST_PATH} already up to date`);
      return result;
    },

    async probeLoadBalancer({ cluster, host }: HostStepInput): Promise<{ result: LoadBalancerProbe }> {
      const step = hostStep(deps, host, 'probe-load-balancer');
      const endpoint = endpointOf(cluster);
      const out = (await step.runChecked(probeTcp.render({ host: endpoint.host, port: endpoint.port, timeoutSeconds: PROBE_TIMEOUT_S }), { timeoutMs: 30_000 })).stdout.trim();
      if (out === 'connected' || out === 'refused') return { result: out };
      if (out === 'timeout') {
        throw failure(
          FailureTypes.loadBalancerUnreachable,
          `${host.name}: connecting to ${cluster.controlPlaneEndpoint} timed out after ${PROBE_TIMEOUT_S} s. A connection refused error is expected before the first API server runs; a timeout means the load balancer cannot communicate with the control plane nodes (check the VIP, the load balancer and firewalls between this host and ${cluster.controlPlaneEndpoint})`,
        );
      }
      throw failure(FailureTypes.loadBalancerUnreachable, `${host.name}: cannot probe ${cluster.controlPlaneEndpoint}: ${out}`);
    },
  };
}
