export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
/** Root-only directory for files kubeha renders on a host (some carry secrets briefly). */
export const KUBEHA_DIR = '/etc/kubeha';
export const INIT_CONFIG = `${KUBEHA_DIR}/kubeadm-init.yaml`;
export const JOIN_CONFIG = `${KUBEHA_DIR}/kubeadm-join.yaml`;
export const ETCD_PKI = '/etc/kubernetes/pki/etcd';
/** Root-only state kubeha keeps on a host (its runs, a drill's parked manifests). */
export const KUBEHA_STATE_DIR = '/var/lib/kubeha';
/** Root-only state of kubeha's detached kubeadm runs (pid, exit code, log per unit). */
export const RUNS_DIR = `${KUBEHA_STATE_DIR}/runs`;
export const MANIFESTS_DIR = '/etc/kubernetes/manifests';
export const BOOTSTRAP_KUBELET_CONF = '/etc/kubernetes/bootstrap-kubelet.conf';
export const CA_CERT = '/etc/kubernetes/pki/ca.crt';
