import { defineScript, q, sh } from '../ssh/quote';
import { section } from './sections';

export interface EtcdctlTarget {
  endpoint: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export const etcdState = defineScript<EtcdctlTarget>('etcd-state', {
  body: ({ endpoint, caFile, certFile, keyFile }) => {
    const etcdctl = sh`ETCDCTL_API=3 etcdctl --endpoints=${q(endpoint)} --cacert=${q(caFile)} --cert=${q(certFile)} --key=${q(keyFile)} --dial-timeout=3s --command-timeout=8s`;
    return sh`set +e
${section('members', sh`${etcdctl} member list -w json`)}
${section('status', sh`${etcdctl} endpoint status -w json --cluster`)}
${section('health', sh`${etcdctl} endpoint health -w json --cluster`)}`;
  },
});
