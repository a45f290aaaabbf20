/**
 * The lab's simulator server runs every host's commands outside the hosts' namespaces: a host
 * path must land where that host's namespace binds it, and a request must survive the wire.
 */
import { renderHostFstab } from '../../../lab/hosts/sshd';
import { hostPath, simEnv, userPath } from '../../../lab/sim/context';
import type { Invocation } from '../../../lab/sim/invocation';
import { runInvocation } from '../../../lab/sim/invocation';
import { encodeRequest, parseRequest } from '../../../lab/sim/server/protocol';

const LAB = '/tmp/kubeha-lab-unit';

function invocation(host: string, cwd = '/root'): Invocation {
  return { labDir: LAB, host, pid: 4242, cwd, env: { HOME: '/root', KUBECONFIG: '/etc/kubernetes/admin.conf' }, write: () => undefined, clientGone: () => false };
}

describe('host paths in the simulator server', () => {
  test('map through the same binds as the host namespace fstab, and leave the rest of the machine alone', async () => {
    const mapped = await runInvocation(invocation('w7'), async () => ({
      pki: hostPath('/etc/kubernetes/pki/ca.crt'),
      kubernetes: hostPath('/etc/kubernetes'),
      home: hostPath('/root/.kube/config'),
      nic: hostPath('/sys/class/net/eth0/address'),
      uuid: hostPath('/sys/class/dmi/id/product_uuid'),
      swaps: hostPath('/proc/swaps'),
      forwarding: hostPath('/proc/sys/net/ipv4/ip_forward'),
      machineProc: hostPath('/proc/sys/kernel/hostname'),
      shared: hostPath('/usr/bin/etcd'),
      lookalike: hostPath('/etc/kubernetes-not-private/x'),
      relative: userPath('kubeadm.yaml'),
      kubeconfig: simEnv('KUBECONFIG'),
    }));
    expect(mapped).toEqual({
      pki: `${LAB}/hosts/w7/root/etc/kubernetes/pki/ca.crt`,
      kubernetes: `${LAB}/hosts/w7/root/etc/kubernetes`,
      home: `${LAB}/hosts/w7/root-home/.kube/config`,
      nic: `${LAB}/hosts/w7/root/sys/class/net/eth0/address`,
      uuid: `${LAB}/hosts/w7/sys-class/dmi/id/product_uuid`,
      swaps: `${LAB}/hosts/w7/proc-swaps`,
      forwarding: `${LAB}/hosts/w7/proc-sys-net/ipv4/ip_forward`,
      machineProc: '/proc/sys/kernel/hostname',
      shared: '/usr/bin/etcd',
      lookalike: '/etc/kubernetes-not-private/x',
      relative: `${LAB}/hosts/w7/root-home/kubeadm.yaml`,
      kubeconfig: '/etc/kubernetes/admin.conf',
    });
    const fstab = renderHostFstab(LAB, { name: 'w7', address: '127.0.9.27', role: 'worker' });
    expect(fstab).toContain(`${LAB}/hosts/w7/root-home /root none bind 0 0`);
    expect(fstab).toContain(`${LAB}/hosts/w7/root/sys/class/net /sys/class/net none bind 0 0`);
    expect(fstab).toContain(`${LAB}/hosts/w7/proc-sys-net /proc/sys/net none bind 0 0`);
    expect(fstab).toContain(`${LAB}/hosts/w7/proc-swaps /proc/swaps none bind 0 0`);
  });

  test('two hosts running at once each see their own paths', async () => {
    const [a, b] = await Promise.all(['cp1', 'cp2'].map((h) => runInvocation(invocation(h), async () => {
      await new Promise((r) => setImmediate(r));
      return hostPath('/etc/kubernetes/admin.conf');
    })));
    expect([a, b]).toEqual([`${LAB}/hosts/cp1/root/etc/kubernetes/admin.conf`, `${LAB}/hosts/cp2/root/etc/kubernetes/admin.conf`]);
  });
});

describe('the client request', () => {
  test('round-trips arguments with spaces, quotes and newlines, and keeps only the forwarded environment', () => {
    const request = { command: 'kubeadm', host: 'cp1', cwd: '/root', pid: 77, args: ['init', '--config', '/etc/kubeha/a b.yaml', "it's\nfine", ''], env: { HOME: '/root' } };
    const wire = encodeRequest({ ...request, env: { ...request.env, SECRET_TOKEN: 'x' } });
    expect(parseRequest(wire.subarray(0, wire.length - 1))).toBeUndefined();
    expect(parseRequest(wire)).toEqual(request);
  });
});
