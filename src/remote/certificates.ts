/**
 * Remote scripts of certificate management: what `kubeadm certs check-expiration`, the kubelet's
 * client certificate and the local API server say; `kubeadm certs renew all`; and kubeadm's
 * documented static-Pod restart (manifests moved out of /etc/kubernetes/manifests until the
 * kubelet stopped them, then back).
 */
import { defineScript, lines, q, qAll, sh } from '../ssh/quote';
import { CA_CERT, MANIFESTS_DIR } from './paths';
import { section } from './sections';

export const KUBELET_CLIENT_PEM = '/var/lib/kubelet/pki/kubelet-client-current.pem';
export const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
export const APISERVER_CRT = '/etc/kubernetes/pki/apiserver.crt';
/** Where the control-plane manifests wait while the kubelet stops their Pods. */
export const RESTART_HOLD_DIR = '/etc/kubernetes/kubeha-restart-manifests';
const CONTROL_PLANE_MANIFESTS = ['kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml', 'etcd.yaml'];

/** `notAfter=...` of the certificate the server at `hostPort` presents. */
const servedEndDate = (hostPort: string) => sh`openssl s_client -connect ${q(hostPort)} </dev/null 2>/dev/null | openssl x509 -noout -enddate`;
const fileEndDate = (file: string) => sh`openssl x509 -noout -enddate -in ${q(file)}`;

/** Read-only: every section is a fact; the workflow judges them. */
export const certificateFacts = defineScript<{ hostPort: string; readyzUrl: string }>('certificate-facts', {
  body: ({ hostPort, readyzUrl }) =>
    lines(
      section('check-expiration', sh`kubeadm certs check-expiration`),
      section('kubelet-client', fileEndDate(KUBELET_CLIENT_PEM)),
      section('kubelet-config', sh`grep -E '^rotateCertificates:' ${q(KUBELET_CONFIG)} || true`),
      section('apiserver-crt', fileEndDate(APISERVER_CRT)),
      section('serving', servedEndDate(hostPort)),
      section('readyz', sh`curl -fsS --max-time 5 --cacert ${q(CA_CERT)} ${q(readyzUrl)}`),
    ),
});

export const kubeadmCertsRenewAll = defineScript<Record<string, never>>('kubeadm-certs-renew-all', {
  body: () => sh`kubeadm certs renew all`,
});

/**
 * Guard: nothing held back and the API server already serves apiserver.crt's notAfter (restarted
 * after the renewal). The manifests go back however the script ends; a run cut short before that
 * (host down) leaves them in the hold directory, and the next run moves them back.
 */
export const restartControlPlanePods = defineScript<{ hostPort: string; healthzUrl: string; timeoutSeconds: number }>('restart-control-plane-pods', {
  guard: ({ hostPort }) => sh`[ ! -d ${q(RESTART_HOLD_DIR)} ] && [ "$(${servedEndDate(hostPort)} 2>/dev/null)" = "$(${fileEndDate(APISERVER_CRT)} 2>/dev/null)" ]`,
  guardMessage: 'kube-apiserver already serves the certificate on disk',
  body: ({ healthzUrl, timeoutSeconds }) =>
    lines(
      sh`manifests=${q(MANIFESTS_DIR)}; hold=${q(RESTART_HOLD_DIR)}`,
      sh`mkdir -p "$hold"`,
      // Whatever ends this script (an error, the SSH session gone, a signal), the manifests go back.
      sh`restore() { for f in "$hold"/*.yaml; do if [ -e "$f" ]; then mv "$f" "$manifests/"; fi; done; rmdir "$hold" 2>/dev/null || true; }`,
      sh`trap restore EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
      sh`for f in ${qAll(CONTROL_PLANE_MANIFESTS)}; do if [ -f "$manifests/$f" ]; then mv "$manifests/$f" "$hold/$f"; fi; done`,
      sh`stopped=0; i=0`,
      sh`while [ "$i" -lt ${timeoutSeconds} ]; do if ! curl -fsS --max-time 2 --cacert ${q(CA_CERT)} -o /dev/null ${q(healthzUrl)} 2>/dev/null; then stopped=1; break; fi; i=$((i+1)); sleep 1; done`,
      sh`restore`,
      sh`if [ "$stopped" != 1 ]; then echo 'kube-apiserver still answered' ${q(healthzUrl)} 'after its manifest was moved out for' ${timeoutSeconds} 's; the manifests are back' >&2; exit 1; fi`,
      sh`echo 'control-plane static Pods stopped and started again'`,
    ),
});
