/**
 * kubeadm over real SSH when the session is lost, as kubeha will run it: started detached an
 * init survives and completes; run in the session it dies at its next line and leaves a
 * half-done control plane, which `kubeadm init phase …` completes into what a full init leaves.
 * A control-plane join lost after kubelet-start is completed by `kubeadm join phase
 * control-plane-join all`; the uploaded certificates and tokens are managed by kubeadm's and
 * kubectl's own commands.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { LabHandle } from '../../lab';
import { readStore } from '../../lab/sim/store';
import type { StoreView } from '../../lab/sim/store';
import { startTestLab, CERTS_SECRET_GONE, hostCommands } from '../helpers/lab';
import { controlPlaneJoinConfig, eventually, hostProcesses, initConfig, KEY, PREPARE, runUntilOutput, TOKEN, writeFileCommand } from './kubeadm-runs';

const PREFIX = '127.0.55';
/** init 60 s -> 10 s (its stretch after the API server is up ~5 s), control-plane join 40 s -> 6.7 s. */
const TIME_SCALE = 6;
const INIT_CONFIG = '/etc/kubeha/lab-init.yaml';
const JOIN_CONFIG = '/etc/kubeha/lab-join.yaml';
const RUN = '/var/lib/kubeha/lab-run';
const ADMIN = 'kubectl --kubeconfig /etc/kubernetes/admin.conf';
const ETCD = `ETCDCTL_API=3 etcdctl --endpoints=https://${PREFIX}.11:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key`;
/** Every file kubeadm and the kubelet leave, the kubelet's timestamped certificate name normalized. */
const FILES = "find /etc/kubernetes /var/lib/kubelet \\( -type f -o -type l \\) | sed -E 's/[0-9]{4}(-[0-9]{2}){5}/TIME/' | sort";
const EXPIRED = CERTS_SECRET_GONE;

jest.setTimeout(120_000);

let lab: LabHandle & { dispose(): Promise<void> };

const { run, ok } = hostCommands(() => lab);

/** The cluster as the store holds it, without what differs between any two runs (times, random token names). */
function clusterState(s: StoreView) {
  return {
    kubeadmConfig: s.cluster && { ...s.cluster, initializedAt: 0 },
    kubeletConfig: s.kubeletConfig !== undefined,
    clusterInfo: s.clusterInfo?.server,
    csrSigner: s.csrSigner !== undefined,
    addons: s.addons?.slice().sort(),
    certs: s.certs !== undefined,
    nodes: Object.values(s.nodes).map((n) => ({ name: n.name, address: n.address, controlPlane: n.controlPlane })),
    tokenKinds: [...new Set(s.tokens.map((t) => `${t.description}|${t.usages.join(',')}|${t.groups.join(',')}`))].sort(),
    pods: s.pods.map((p) => `${p.namespace}/${p.name}`).sort(),
  };
}

const kubeadmPids = (host: string, verb: string, config: string) => hostProcesses(lab, host, [verb, '--config', config]);

beforeAll(async () => {
  const compiled = path.join(__dirname, '..', '..', 'dist', 'lab', 'sim', 'kubeadm.js');
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run \`npx tsc -p tsconfig.build.json\` before the lab tests`);
  lab = await startTestLab({ addressPrefix: PREFIX, controlPlanes: 3, workers: 0, loadBalancer: 'external', timeScale: TIME_SCALE, installPackages: false });
  await Promise.all(['cp1', 'cp2', 'cp3'].map((h) => ok(h, `${PREPARE} && mkdir -p ${RUN}`)));
  await ok('cp1', writeFileCommand(INIT_CONFIG, initConfig(lab, 'cp1')));
}, 60_000);

afterAll(async () => {
  await lab?.dispose();
});

describe('kubeadm and a lost SSH session', () => {
  let full: { files: string; state: ReturnType<typeof clusterState> };

  test('started detached, kubeadm init survives the loss of its session and completes', async () => {
    const detached = `setsid bash -c 'kubeadm init --config ${INIT_CONFIG} --upload-certs > ${RUN}/log 2>&1; echo $? > ${RUN}/exit' </dev/null >/dev/null 2>&1 & echo started; wait`;
    await runUntilOutput(lab, 'cp1', detached, 'started');
    expect(await eventually(() => kubeadmPids('cp1', 'init', INIT_CONFIG).length, (n) => n === 1, 5_000)).toBe(1);
    const exit = await eventually(() => run('cp1', `cat ${RUN}/exit 2>/dev/null`).then((r) => r.stdout), (v) => v !== '', 60_000);
    expect(exit).toBe('0\n');
    expect(await ok('cp1', `cat ${RUN}/log`)).toContain('Your Kubernetes control-plane has initialized successfully!');
    full = { files: await ok('cp1', FILES), state: clusterState(readStore(lab.dir)) };
    expect(full.state.addons).toEqual(['CoreDNS', 'kube-proxy']);
    expect(full.state.nodes).toEqual([{ name: 'cp1', address: `${PREFIX}.11`, controlPlane: true }]);
    expect(full.files).toContain('/var/lib/kubelet/pki/kubelet-client-current.pem');

    await ok('cp1', 'kubeadm reset -f');
    expect(readStore(lab.dir)).toMatchObject({ nodes: {}, tokens: [] });
  });

  test('in its session, kubeadm init dies at its next line once the session is lost, leaving the host half done', async () => {
    await runUntilOutput(lab, 'cp1', `kubeadm init --config ${INIT_CONFIG} --upload-certs; echo $? > ${RUN}/exit-in-session`, '[api-check] The API server is healthy after');
    expect(kubeadmPids('cp1', 'init', INIT_CONFIG)).toHaveLength(1);
    expect(await eventually(() => kubeadmPids('cp1', 'init', INIT_CONFIG).length, (n) => n === 0, 20_000)).toBe(0);
    expect(await ok('cp1', `cat ${RUN}/exit-in-session`)).toBe('141\n');

    expect(await ok('cp1', 'ls /etc/kubernetes /etc/kubernetes/manifests')).toMatch(/admin\.conf[\s\S]*kubelet\.conf[\s\S]*etcd\.yaml\nkube-apiserver\.yaml/);
    expect(await ok('cp1', `${ADMIN} get --raw=/readyz`)).toBe('ok');
    // It died writing "[upload-config] Storing the configuration…", before storing anything.
    const s = readStore(lab.dir);
    expect([s.cluster, s.kubeletConfig, s.certs, s.clusterInfo, s.addons]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(await ok('cp1', 'kubeadm token list -o json')).toBe('');
    const pods = await ok('cp1', `${ADMIN} -n kube-system get pods -o name`);
    expect(pods).not.toMatch(/coredns|kube-proxy/);
    // Its kubelet registered the Node on its own; nobody marked it a control plane.
    expect(await eventually(() => ok('cp1', `${ADMIN} get nodes`), (v) => v.includes('cp1'), 10_000)).toMatch(/^cp1 +NotReady +<none> /m);
  });

  test('kubeadm init phase … completes the half-done init into the state a full init leaves, and may run twice', async () => {
    const phases = ['upload-config all', 'upload-certs --upload-certs', 'mark-control-plane', 'bootstrap-token', 'kubelet-finalize all', 'addon all'];
    const outputs: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (const phase of phases) outputs.push(await ok('cp1', `kubeadm init phase ${phase} --config ${INIT_CONFIG}`));
    }
    expect(outputs[1]).toBe(`[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace\n[upload-certs] Using certificate key:\n${KEY}\n`);
    expect(outputs[3]).toContain(`[bootstrap-token] Using token: ${TOKEN}\n`);
    expect(outputs[4]).toBe('[kubelet-finalize] Updating "/etc/kubernetes/kubelet.conf" to point to a rotatable kubelet client certificate and key\n');
    expect(outputs[5]).toBe('[addons] Applied essential addon: CoreDNS\n[addons] Applied essential addon: kube-proxy\n');

    expect(await ok('cp1', FILES)).toBe(full.files);
    expect(clusterState(readStore(lab.dir))).toEqual(full.state);
    const tokens = JSON.parse(`[${(await ok('cp1', 'kubeadm token list -o json')).replace(/}\n{/g, '},{')}]`) as Array<{ token: string }>;
    expect(tokens.filter((t) => t.token === TOKEN)).toHaveLength(1);
  });

  test('a control-plane join that loses its session after kubelet-start leaves an unstarted etcd learner; join phase control-plane-join all completes it', async () => {
    const caHash = (await ok('cp1', "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | sha256sum | cut -d' ' -f1")).trim();
    await ok('cp2', writeFileCommand(JOIN_CONFIG, controlPlaneJoinConfig(lab, 'cp2', `sha256:${caHash}`)));
    await runUntilOutput(lab, 'cp2', `kubeadm join --config ${JOIN_CONFIG}`, '[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap');
    expect(await eventually(() => kubeadmPids('cp2', 'join', JOIN_CONFIG).length, (n) => n === 0, 20_000)).toBe(0);

    expect(await ok('cp2', 'ls /etc/kubernetes /etc/kubernetes/manifests')).toMatch(/^kubelet\.conf$/m);
    expect(await ok('cp2', 'ls /etc/kubernetes/manifests')).not.toContain('etcd.yaml');
    expect(await ok('cp1', `${ADMIN} get nodes`)).toMatch(/^cp2 +NotReady +<none> /m);
    type Members = { members: Array<{ name?: string; peerURLs: string[]; isLearner?: boolean }> };
    const learner = (JSON.parse(await ok('cp1', `${ETCD} member list -w json`)) as Members).members.find((m) => m.peerURLs.includes(`https://${PREFIX}.12:2380`));
    expect(learner).toMatchObject({ isLearner: true });
    expect(learner?.name ?? '').toBe('');
    // A learner counts for no quorum: cp1 serves on.
    expect(await ok('cp1', `${ADMIN} get --raw=/readyz`)).toBe('ok');

    for (let round = 0; round < 2; round++) {
      const out = await ok('cp2', `kubeadm join phase control-plane-join all --config ${JOIN_CONFIG}`);
      expect(out).toContain('[etcd] Creating static Pod manifest for "etcd"\n');
      expect(out).toContain('[mark-control-plane] Marking the node cp2 as control-plane by adding the taints [node-role.kubernetes.io/control-plane:NoSchedule]\n');
    }
    const members = (JSON.parse(await ok('cp1', `${ETCD} member list -w json`)) as Members).members;
    expect(members.map((m) => [m.name, m.isLearner ?? false]).sort()).toEqual([['cp1', false], ['cp2', false]]);
    const health = await run('cp1', `${ETCD} endpoint health --cluster`);
    expect(health.stdout + health.stderr).toMatch(new RegExp(`${PREFIX.replace(/\./g, '\\.')}\\.12:2379 is healthy`));
    expect(await ok('cp1', `${ADMIN} get nodes`)).toMatch(/^cp2 +\S+ +control-plane /m);
  });

  test('uploading the certificates again with the same key keeps the key and restarts the Secret\'s 2 h; without the Secret a control-plane join fails as kubeadm does', async () => {
    const before = readStore(lab.dir).certs;
    const up = await ok('cp1', `kubeadm init phase upload-certs --upload-certs --config ${INIT_CONFIG}`);
    expect(up).toContain(`[upload-certs] Using certificate key:\n${KEY}\n`);
    const after = readStore(lab.dir).certs;
    expect(after?.expiresAt).toBeGreaterThan(before?.expiresAt ?? Infinity);
    expect((after?.expiresAt ?? 0) - (after?.uploadedAt ?? 0)).toBe((2 * 3600_000) / TIME_SCALE);
    expect((await ok('cp1', `${ADMIN} -n kube-system get secrets -o name`)).match(/^secret\/kubeadm-certs$/gm)).toHaveLength(1);

    const remove = `${ADMIN} -n kube-system delete secret kubeadm-certs --ignore-not-found`;
    expect(await ok('cp1', remove)).toBe('secret "kubeadm-certs" deleted\n');
    expect(await ok('cp1', remove)).toBe('');
    const caHash = (await ok('cp1', "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | sha256sum | cut -d' ' -f1")).trim();
    await ok('cp3', writeFileCommand(JOIN_CONFIG, controlPlaneJoinConfig(lab, 'cp3', `sha256:${caHash}`)));
    const refused = await run('cp3', `kubeadm join --config ${JOIN_CONFIG}`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(EXPIRED);

    await ok('cp1', `kubeadm init phase upload-certs --upload-certs --config ${INIT_CONFIG}`);
    expect(await ok('cp3', `kubeadm join --config ${JOIN_CONFIG}`)).toContain('This node has joined the cluster and a new control plane instance was created:');
  });

  test('kubeadm token list prints kubeadm\'s table and JSON; token delete takes a token ID or a whole token', async () => {
    const table = (await ok('cp1', 'kubeadm token list')).split('\n');
    expect(table[0]).toBe('TOKEN                     TTL         EXPIRES                USAGES                   DESCRIPTION                                                EXTRA GROUPS');
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // kubeadm pads TTL to 9, USAGES to 22 and DESCRIPTION to 56, then its tabwriter adds 3.
    const row = (tokenRe: string, ttl: string, usages: string, description: string, groups: string) =>
      expect.stringMatching(new RegExp(`^${tokenRe}   ${esc(ttl.padEnd(12))}\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ   ${esc(usages.padEnd(25))}${esc(description.padEnd(59))}${esc(groups)}$`));
    expect(table).toContainEqual(row(esc(TOKEN), '23h', 'authentication,signing', '<none>', 'system:bootstrappers:kubeadm:default-node-token'));
    expect(table).toContainEqual(row('[a-z0-9]{6}\\.[a-z0-9]{16}', '1h', '<none>', 'Proxy for managing TTL for the kubeadm-certs secret', '<none>'));

    const created = (await ok('cp1', 'kubeadm token create --ttl 2h --description lab')).trim();
    const json = JSON.parse(`[${(await ok('cp1', 'kubeadm token list -o json')).replace(/}\n{/g, '},{')}]`) as Array<Record<string, unknown>>;
    expect(json.find((t) => t.token === created)).toEqual({
      kind: 'BootstrapToken',
      apiVersion: 'output.kubeadm.k8s.io/v1alpha3',
      token: created,
      description: 'lab',
      expires: expect.stringMatching(/Z$/),
      usages: ['authentication', 'signing'],
      groups: ['system:bootstrappers:kubeadm:default-node-token'],
    });

    const id = created.slice(0, 6);
    expect(await ok('cp1', `kubeadm token delete --kubeconfig /etc/kubernetes/admin.conf ${id}`)).toBe(`bootstrap token "${id}" deleted\n`);
    const again = await run('cp1', `kubeadm token delete ${created}`);
    expect([again.code, again.stderr]).toEqual([1, `failed to delete bootstrap token "${id}": secrets "bootstrap-token-${id}" not found\nTo see the stack trace of this error execute with --v=5 or higher\n`]);
    expect(await ok('cp1', `kubeadm token delete ${TOKEN}`)).toBe(`bootstrap token "${TOKEN.slice(0, 6)}" deleted\n`);
    expect(await ok('cp1', 'kubeadm token list')).not.toContain(TOKEN);
  });
});
