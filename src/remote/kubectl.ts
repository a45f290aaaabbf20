import { defineScript, q, sh } from '../ssh/quote';
import { ADMIN_CONF, KUBEHA_DIR } from './paths';
import { section } from './sections';

export const CNI_MANIFEST = `${KUBEHA_DIR}/cni.yaml`;

export const kubectlApply = defineScript<{ source: string }>('kubectl-apply-cni', {
  body: ({ source }) => sh`kubectl --kubeconfig ${q(ADMIN_CONF)} apply -f ${q(source)}`,
});

export const waitNodeReady = defineScript<{ node: string; timeoutSeconds: number }>('kubectl-wait-node', {
  body: ({ node, timeoutSeconds }) => sh`kubectl --kubeconfig ${q(ADMIN_CONF)} wait --for=condition=Ready ${q(`node/${node}`)} --timeout=${q(`${timeoutSeconds}s`)} >&2
kubectl --kubeconfig ${q(ADMIN_CONF)} get node ${q(node)} -o json`,
});

export const clusterState = defineScript<{ readyzUrl: string }>('cluster-state', {
  body: ({ readyzUrl }) =>
    sh`set +e
${section('nodes', sh`kubectl --kubeconfig ${q(ADMIN_CONF)} get nodes -o json`)}
${section('pods', sh`kubectl --kubeconfig ${q(ADMIN_CONF)} get pods -n kube-system -o json`)}
${section('readyz', sh`kubectl --kubeconfig ${q(ADMIN_CONF)} get --raw=/readyz 2>/dev/null || curl -fsSk --max-time 5 ${q(readyzUrl)}`)}`,
});
