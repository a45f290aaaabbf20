/** With certificateDistribution: manual the control planes' join configs carry no certificate key, and the remote commands no --upload-certs. */
import { parseAllDocuments } from 'yaml';
import { kubeadmInitCommand, kubeadmInitFinishCommand } from '../../../src/remote/kubeadm';
import { renderKubeadmJoin } from '../../../src/render/kubeadm-join';
import { renderPlanFiles } from '../../../src/render/plan-files';
import { parseSpec } from '../../../src/spec/load';
import { clusterSettings } from '../../../src/spec/hosts';
import { CLUSTER, CP2 } from '../activities/settings';

const SECRETS = { token: 'abcdef.0123456789abcdef', caCertHash: `sha256:${'1'.repeat(64)}` };
const MANUAL = { ...CLUSTER, certificateDistribution: 'manual' as const };

describe('manual certificate distribution in rendered files and commands', () => {
  it('a control-plane JoinConfiguration has controlPlane but no certificateKey', () => {
    const [join] = parseAllDocuments(renderKubeadmJoin({ cluster: MANUAL, host: CP2, as: 'control-plane', secrets: SECRETS })).map((d) => d.toJS());
    expect(join.controlPlane).toEqual({ localAPIEndpoint: { advertiseAddress: '10.0.0.12', bindPort: 6443 } });
  });

  it('refuses a certificate key with manual distribution, and its absence with upload', () => {
    expect(() => renderKubeadmJoin({ cluster: MANUAL, host: CP2, as: 'control-plane', secrets: { ...SECRETS, certificateKey: 'c'.repeat(64) } })).toThrow(/no certificate key with certificateDistribution manual/);
    expect(() => renderKubeadmJoin({ cluster: CLUSTER, host: CP2, as: 'control-plane', secrets: SECRETS })).toThrow(/needs a certificate key/);
  });

  it('kubeadm init and the phases that complete it upload nothing', () => {
    expect(kubeadmInitCommand({ config: '/etc/kubeha/kubeadm-init.yaml', ignore: [], uploadCerts: false })).toBe("kubeadm init --config '/etc/kubeha/kubeadm-init.yaml'");
    expect(kubeadmInitCommand({ config: '/etc/kubeha/kubeadm-init.yaml', ignore: [], uploadCerts: true })).toBe("kubeadm init --config '/etc/kubeha/kubeadm-init.yaml' --upload-certs");
    expect(kubeadmInitFinishCommand({ config: '/c', uploadCerts: false })).not.toContain('upload-certs');
    expect(kubeadmInitFinishCommand({ config: '/c', uploadCerts: true })).toContain("kubeadm init phase 'upload-certs' '--upload-certs'");
  });

  it('kubeha plan --out renders the joining control planes without the certificate-key placeholder', () => {
    const { spec } = parseSpec(
      `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: t }
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoint: 10.0.0.100:6443
  loadBalancer: { type: external }
  certificateDistribution: manual
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: 10.0.0.2, role: control-plane }
    - { name: w1, address: 10.0.0.4, role: worker }
`,
      'c.yaml',
      { baseDir: '/', homeDir: '/h' },
    );
    const files = renderPlanFiles(spec);
    expect(files.find((f) => f.path === 'cp2/kubeadm-join.yaml')?.content).not.toContain('certificate-key');
    expect(files.find((f) => f.path === 'cp1/kubeadm-init.yaml')?.content).not.toContain('certificateKey');
    expect(files.find((f) => f.path === 'w1/kubeadm-join.yaml')?.content).not.toContain('controlPlane');
    expect(clusterSettings(spec).certificateDistribution).toBe('manual');
  });
});
