import { defineScript, q, sh } from '../ssh/quote';
import { parallelSections } from './sections';

export interface EtcdctlTarget {
  endpoint: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export const etcdState = defineScript<EtcdctlTarget>('etcd-state', {
  body: ({ endpoint, caFile, certFile, keyFile }) => {
    const etcdctl = sh`ETCDCTL_API=3 etcdctl --endpoints=${q(endpoint)} --cacert=${q(caFile)} --cert=${q(certFile)} --key=${q(keyFile)} --dial-timeout=3s --command-timeout=8s`;
    // At once: against a member that is down, status and health each wait out the timeouts.
    return sh`set +e
${parallelSections([
  ['members', sh`${etcdctl} member list -w json`],
  ['status', sh`${etcdctl} endpoint status -w json --cluster`],
  ['health', sh`${etcdctl} endpoint health -w json --cluster`],
])}`;
  },
});
