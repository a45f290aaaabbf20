import { classifyKubeadmFailure, parseCertificateKey, parseJoinCommand, preflightErrors } from '../../../src/activities/kubeadm-output';

const HASH = `sha256:${'7'.repeat(64)}`;
const KEY = 'e6a2eb8581237ab72a4f494f30285ec12a9694d750b9785706a83bfcbbbd2204';

// The tail of real kubeadm init output (kubeadm docs, "Creating Highly Available Clusters with kubeadm").
const INIT_OUTPUT = `Your Kubernetes control-plane has initialized successfully!

You can now join any number of control-plane nodes running the following command on each as root:

  kubeadm join 192.168.0.200:6443 --token 9vr73a.a8uxyaju799qwdjv \\
\t--discovery-token-ca-cert-hash ${HASH} \\
\t--control-plane --certificate-key ${KEY}

Please note that the certificate-key gives access to cluster sensitive data, keep it secret!
As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use
"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.

Then you can join any number of worker nodes by running the following on each as root:

kubeadm join 192.168.0.200:6443 --token 9vr73a.a8uxyaju799qwdjv \\
\t--discovery-token-ca-cert-hash ${HASH}
`;

describe('kubeadm output', () => {
  it('reads token, CA hash and certificate key from init output', () => {
    expect(parseJoinCommand(INIT_OUTPUT)).toEqual({ token: '9vr73a.a8uxyaju799qwdjv', caCertHash: HASH });
    expect(parseCertificateKey(INIT_OUTPUT)).toBe(KEY);
  });

  it('reads the key from upload-certs output', () => {
    const out = `[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${KEY}\n`;
    expect(parseCertificateKey(out)).toBe(KEY);
  });

  it('reads token create --print-join-command output', () => {
    expect(parseJoinCommand(`kubeadm join 10.0.0.10:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH} \n`)).toEqual({
      token: 'abcdef.0123456789abcdef',
      caCertHash: HASH,
    });
  });

  it('classifies the expired certificate key, a wrong key, an unknown token and preflight errors', () => {
    expect(classifyKubeadmFailure('error execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one')).toBe('CertificateKeyExpired');
    expect(classifyKubeadmFailure('error execution phase control-plane-prepare/download-certs: error downloading certs: error decoding secret data with provided key: cipher: message authentication failed')).toBe('CertificateKeyExpired');
    expect(classifyKubeadmFailure('error execution phase preflight: couldn\'t validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef"')).toBe('JoinTokenExpired');
    const preflight = '[preflight] Running pre-flight checks\nerror execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`';
    expect(classifyKubeadmFailure(preflight)).toBe('PreflightFailed');
    expect(preflightErrors(preflight)).toEqual(['[Swap] running with swap on is not supported. Please disable swap']);
    expect(classifyKubeadmFailure('error execution phase kubelet-start: timed out')).toBe('RemoteCommandFailed');
  });
});
