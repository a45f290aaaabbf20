import { parseSpec } from '../../../src/spec/load';
import { specSchema } from '../../../src/spec/schema';
import { editDistance, knownKeysAt, nearestName } from '../../../src/spec/suggest';

const SPEC = `apiVersion: kubeha.io/v1alpha1
kind: Cluster
metadata: { name: demo }
spec:
  kubernetesVersion: v1.30.2
  controlPlaneEndpoit: 10.0.0.10:6443
  loadBalancer: { type: kube-vip, vip: 10.0.0.10, interface: eth0 }
  ssh: { user: root, privateKey: /root/.ssh/id_ed25519 }
  hosts:
    - { name: cp1, adress: 10.0.0.1, role: control-plane }
`;

function problems(text: string): string[] {
  try {
    parseSpec(text, 'c.yaml');
    return [];
  } catch (err) {
    return (err as { problems?: string[] }).problems ?? [String(err)];
  }
}

describe('unknown spec fields', () => {
  it('suggest the nearest known field at that place', () => {
    const found = problems(SPEC).join('\n');
    expect(found).toContain('spec.controlPlaneEndpoit: unknown field "controlPlaneEndpoit"; did you mean "controlPlaneEndpoint"?');
    expect(found).toContain('spec.hosts[0].adress: unknown field "adress"; did you mean "address"?');
  });

  it('know the fields of nested objects, list items and union alternatives', () => {
    expect(knownKeysAt(specSchema, ['spec'])).toEqual(expect.arrayContaining(['controlPlaneEndpoint', 'hosts', 'loadBalancer', 'etcd']));
    expect(knownKeysAt(specSchema, ['spec', 'hosts', 0])).toEqual(expect.arrayContaining(['name', 'address', 'role', 'ssh']));
    expect(knownKeysAt(specSchema, ['spec', 'approvals', 2])).toEqual(['gate', 'timeout']);
    expect(knownKeysAt(specSchema, ['spec', 'nothing'])).toEqual([]);
  });
});

describe('nearestName', () => {
  it('guesses typos, transpositions and case, not words that are merely different', () => {
    expect(nearestName('controlPlaneEndpoit', ['controlPlaneEndpoint', 'controlPlaneJoins'])).toBe('controlPlaneEndpoint');
    expect(nearestName('timeuot', ['gate', 'timeout'])).toBe('timeout');
    expect(nearestName('PodSubnet', ['podSubnet', 'serviceSubnet'])).toBe('podSubnet');
    expect(nearestName('colour', ['hosts', 'networking', 'etcd'])).toBeUndefined();
    expect(nearestName('ab', ['ac', 'ad'])).toBeUndefined();
  });

  it('measures edit distance with adjacent transpositions as one edit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('timeuot', 'timeout')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
