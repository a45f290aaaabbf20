/** certificateDistribution in the spec: schema, the semantic rule, normalization (upload stays absent), the wire check and the summary. */
import { InputError } from '../../../src/client/errors';
import { parseSpec } from '../../../src/spec/load';
import { summarizeSpec } from '../../../src/spec/summary';
import { clusterSpecWireSchema, wireProblems } from '../../../src/spec/wire';
import { pinToday } from '../../helpers/today';

pinToday();

const spec = (extra: string) => `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata:
  name: t
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoint: 10.0.0.100:6443
  loadBalancer: { type: external }
  networking: { podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12 }
${extra}  hosts:
    - { name: cp1, address: 10.0.0.1, role: control-plane }
    - { name: cp2, address: 10.0.0.2, role: control-plane }
    - { name: cp3, address: 10.0.0.3, role: control-plane }
`;

const parse = (extra: string) => parseSpec(spec(extra), 'c.yaml', { baseDir: '/specs', homeDir: '/home/u' });

function problemsOf(extra: string): string[] {
  try {
    parse(extra);
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  throw new Error('spec unexpectedly valid');
}

describe('spec.certificateDistribution', () => {
  it('manual is kept and named in the summary', () => {
    const { spec: s } = parse('  certificateDistribution: manual\n');
    expect(s.certificateDistribution).toBe('manual');
    expect(summarizeSpec(s)).toBe('3 control planes, 0 workers, external, certificates copied over SSH');
    expect(wireProblems(clusterSpecWireSchema, s)).toEqual([]);
  });

  it('upload (the default) normalizes to absent, like every spec recorded before the field', () => {
    expect(parse('  certificateDistribution: upload\n').spec).not.toHaveProperty('certificateDistribution');
    expect(parse('').spec).not.toHaveProperty('certificateDistribution');
    expect(JSON.stringify(parse('  certificateDistribution: upload\n').spec)).toBe(JSON.stringify(parse('').spec));
  });

  it('refuses another value at its line, naming the allowed ones', () => {
    expect(problemsOf('  certificateDistribution: scp\n')).toEqual(['c.yaml:10:28: spec.certificateDistribution: "scp" is not one of "upload", "manual"']);
  });

  it('refuses a certificate key lifetime with manual distribution (nothing is uploaded), at the key', () => {
    expect(problemsOf('  certificateDistribution: manual\n  certificateKey: { ttl: 1h }\n')).toEqual([
      'c.yaml:11:3: spec.certificateKey: certificateKey has no effect with certificateDistribution: manual (kubeha copies the shared certificates over SSH; nothing is uploaded): remove certificateKey, or use certificateDistribution: upload',
    ]);
    expect(parse('  certificateDistribution: upload\n  certificateKey: { ttl: 1h }\n').spec.certificateKey.ttlMs).toBe(3_600_000);
  });

  it('the worker refuses a distribution it would not have produced', () => {
    const { spec: s } = parse('');
    expect(wireProblems(clusterSpecWireSchema, { ...s, certificateDistribution: 'upload' })).toEqual(['certificateDistribution: Invalid input: expected "manual"']);
  });
});
