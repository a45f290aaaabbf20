/** The join commands and closing texts kubeadm init and join print. */

export interface JoinCommandInput {
  endpoint: string;
  token: string;
  caHash: string;
  certificateKey?: string;
}

export function workerJoinCommand(j: JoinCommandInput, indent = ''): string {
  return `${indent}kubeadm join ${j.endpoint} --token ${j.token} \\\n\t--discovery-token-ca-cert-hash ${j.caHash} `;
}

export function initSuccessText(j: JoinCommandInput, controlPlaneEndpointSet: boolean): string {
  const lines = [
    '',
    'Your Kubernetes control-plane has initialized successfully!',
    '',
    'To start using your cluster, you need to run the following as a regular user:',
    '',
    '  mkdir -p $HOME/.kube',
    '  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config',
    '  sudo chown $(id -u):$(id -g) $HOME/.kube/config',
    '',
    'Alternatively, if you are the root user, you can run:',
    '',
    '  export KUBECONFIG=/etc/kubernetes/admin.conf',
    '',
    'You should now deploy a pod network to the cluster.',
    'Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:',
    '  https://kubernetes.io/docs/concepts/cluster-administration/addons/',
    '',
  ];
  if (controlPlaneEndpointSet && j.certificateKey) {
    lines.push(
      'You can now join any number of control-plane nodes running the following command on each as root:',
      '',
      `  kubeadm join ${j.endpoint} --token ${j.token} \\`,
      `\t--discovery-token-ca-cert-hash ${j.caHash} \\`,
      `\t--control-plane --certificate-key ${j.certificateKey}`,
      '',
      'Please note that the certificate-key gives access to cluster sensitive data, keep it secret!',
      'As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use',
      '"kubeadm init phase upload-certs --upload-certs" to reload certs afterward.',
      '',
    );
  } else if (controlPlaneEndpointSet) {
    lines.push(
      'You can now join any number of control-plane nodes by copying certificate authorities',
      'and service account keys on each node and then running the following as root:',
      '',
      `  kubeadm join ${j.endpoint} --token ${j.token} \\`,
      `\t--discovery-token-ca-cert-hash ${j.caHash} \\`,
      '\t--control-plane ',
      '',
    );
  }
  lines.push('Then you can join any number of worker nodes by running the following on each as root:', '', workerJoinCommand(j), '');
  return lines.join('\n');
}

export function controlPlaneJoinedText(): string {
  return [
    '',
    'This node has joined the cluster and a new control plane instance was created:',
    '',
    '* Certificate signing request was sent to apiserver and approval was received.',
    '* The Kubelet was informed of the new secure connection details.',
    '* Control plane label and taint were applied to the new node.',
    '* The Kubernetes control plane instances scaled up.',
    '* A new etcd member was added to the local/stacked etcd cluster.',
    '',
    'To start administering your cluster from this node, you need to run the following as a regular user:',
    '',
    '\tmkdir -p $HOME/.kube',
    '\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config',
    '\tsudo chown $(id -u):$(id -g) $HOME/.kube/config',
    '',
    "Run 'kubectl get nodes' to see this node join the cluster.",
    '',
    '',
  ].join('\n');
}

export function workerJoinedText(): string {
  return [
    '',
    'This node has joined the cluster:',
    '* Certificate signing request was sent to apiserver and a response was received.',
    '* The Kubelet was informed of the new secure connection details.',
    '',
    "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.",
    '',
    '',
  ].join('\n');
}
