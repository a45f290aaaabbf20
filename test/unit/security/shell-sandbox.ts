/**
 * Runs rendered scripts in a real bash to prove that no value interpolated into them is
 * executed. A hostile value carries `touch "$KUBEHA_MARKER"` in some form; the driver gives
 * each script its own marker path, so a marker that exists names the script that ran an
 * injected command.
 *
 * Isolated (as root, with unshare and setpriv): the scripts run as nobody in their own mount,
 * network and pid namespaces, over throw-away overlays of /etc and /var (a host's directories
 * kubeha writes exist there, writable) and a private /tmp, with the real coreutils and stubs for
 * everything that would act on a cluster or the machine (kubeadm, kubectl, systemctl, ip, ...).
 * So every script runs to its end with harmless values, and hostile ones reach every line.
 * Otherwise every command but bash and touch is a stub that succeeds.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Commands that must run for real so the scripts reach their inner shells. */
const PASS_THROUGH: Record<string, string> = {
  timeout: 'shift; exec "$@"',
  setsid: 'exec "$@"',
  sudo: 'while [ "$#" -gt 0 ]; do case "$1" in --) shift; break;; -*) shift;; *) break;; esac; done; exec "$@"',
};

/** Stand-ins that succeed silently: what acts on a cluster or the machine (and, for sh scripts, what bash's handler covers). */
const STUBS = ['kubeadm', 'kubectl', 'etcdctl', 'systemctl', 'crictl', 'kubelet', 'apt-get', 'apt-mark', 'curl', 'modprobe', 'swapoff', 'swapon', 'sysctl', 'lsmod', 'ss', 'haproxy', 'keepalived', 'grep'];
/** `ip addr` as on a host holding the VIPs the tests use, so check_apiserver.sh reaches its curl line. */
const IP_STUB = "printf '    inet 10.0.0.10/32 scope global eth0\\n    inet6 fd00::10/128 scope global\\n'";
/** Without isolation these are stubs too: they would act on this machine's real directories. */
const COREUTILS = ['cat', 'install', 'mkdir', 'mv', 'rm', 'chmod', 'mktemp', 'cmp', 'stat', 'dirname', 'basename', 'date', 'tail', 'awk', 'ps', 'tr', 'seq', 'sleep', 'id', 'hostname'];

/** The host directories and files kubeha's scripts expect, made inside the overlays. */
const HOST_DIRS = ['/etc/kubeha', '/etc/kubernetes/manifests', '/etc/kubernetes/pki/etcd', '/etc/keepalived', '/etc/haproxy', '/var/lib/kubeha/runs'];
const HOST_FILES: Record<string, string> = {
  '/etc/kubernetes/admin.conf': 'apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.10:6443\n',
  '/etc/kubernetes/pki/ca.crt': 'not a certificate\n',
};

function which(command: string): string | undefined {
  const result = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found.startsWith('/') ? found : undefined;
}

export interface Script {
  /** Unique, file-name safe. */
  id: string;
  text: string;
  /** The interpreter: bash for remote scripts, sh for files like check_apiserver.sh. */
  shell?: 'bash' | 'sh';
  /** What the script reads on stdin (default: nothing, /dev/null), e.g. a tar stream it unpacks. */
  stdin?: Buffer;
}

/** Where the sandbox's own files appear inside the isolated namespaces (bind-mounted there: /tmp is private). */
const INNER_ROOT = '/var/kubeha-sandbox';

export class ShellSandbox {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'kubeha-inject-'));
  /** True when scripts run as nobody in namespaces with real coreutils (see the module comment). */
  readonly isolated: boolean;
  private readonly prefix: string[];
  private runs = 0;

  constructor() {
    chmodSync(this.root, 0o755);
    const bin = path.join(this.root, 'bin');
    const shStubs = path.join(this.root, 'sh-stubs');
    mkdirSync(bin, { mode: 0o755 });
    mkdirSync(shStubs, { mode: 0o755 });
    const bash = which('bash');
    const touch = which('touch');
    if (!bash || !touch) throw new Error('the injection test needs bash and touch on PATH');
    const unshare = which('unshare');
    const setpriv = which('setpriv');
    this.isolated = process.getuid?.() === 0 && !!unshare && !!setpriv && this.overlaysWork(unshare);
    symlinkSync(bash, path.join(bin, 'bash'));
    symlinkSync('/bin/sh', path.join(bin, 'sh'));
    symlinkSync(touch, path.join(bin, 'touch'));
    for (const [name, body] of Object.entries(PASS_THROUGH)) writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    for (const name of STUBS) writeFileSync(path.join(bin, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(path.join(bin, 'ip'), `#!/bin/sh\n${IP_STUB}\n`, { mode: 0o755 });
    if (this.isolated) {
      for (const name of COREUTILS) {
        const real = which(name);
        if (real) symlinkSync(real, path.join(bin, name));
      }
    } else {
      for (const name of COREUTILS) writeFileSync(path.join(shStubs, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    }
    // Without isolation, any other command bash cannot find "succeeds" silently, so set -e never
    // stops a script early; mktemp makes a file in the scratch directory, as scripts write to it.
    const bashEnv = this.isolated
      ? ''
      : ['command_not_found_handle() { return 0; }', 'mktemp() { local f="$KUBEHA_CWD/tmp.$RANDOM$RANDOM"; : > "$f" && echo "$f"; }'].join('\n');
    writeFileSync(path.join(this.root, 'bash-env'), `${bashEnv}\n`, { mode: 0o644 });
    this.prefix = this.isolated ? [unshare as string, '--mount', '--net', '--pid', '--fork', '--', '/bin/sh', '-c', this.isolationSetup(setpriv as string), 'kubeha-sandbox'] : [];
  }

  private overlaysWork(unshare: string): boolean {
    const probe = mkdtempSync(path.join(this.root, 'probe-'));
    for (const d of ['up', 'work']) mkdirSync(path.join(probe, d));
    const result = spawnSync(unshare, ['--mount', '--', '/bin/sh', '-c', `mount -t overlay overlay -o lowerdir=/etc,upperdir=${probe}/up,workdir=${probe}/work /etc`], { timeout: 10_000 });
    rmSync(probe, { recursive: true, force: true });
    return result.status === 0;
  }

  /** Root's part, in the new namespaces: overlays, the host's directories, then nobody runs the driver ("$@"). */
  private isolationSetup(setpriv: string): string {
    const overlay = path.join(this.root, 'overlay');
    const lines = ['set -e'];
    for (const d of ['etc', 'var']) {
      for (const part of ['up', 'work']) mkdirSync(path.join(overlay, part, d), { recursive: true });
      lines.push(`mount -t overlay overlay -o lowerdir=/${d},upperdir=${overlay}/up/${d},workdir=${overlay}/work/${d} /${d}`);
    }
    lines.push(`mkdir -p ${INNER_ROOT} && mount --bind ${this.root} ${INNER_ROOT}`);
    lines.push('mount -t tmpfs -o mode=1777 tmpfs /tmp', 'mount -t proc proc /proc');
    lines.push(`mkdir -p ${HOST_DIRS.join(' ')}`);
    for (const [file, content] of Object.entries(HOST_FILES)) lines.push(`printf '%s' '${content}' > ${file}`);
    lines.push(`chmod -R a+rwX ${HOST_DIRS.join(' ')} /etc/kubernetes`);
    // The scripts run as nobody here (root on real hosts): let it own kubeha's dirs, which they chmod 0700.
    lines.push('chown -R 65534:65534 /etc/kubeha /var/lib/kubeha');
    lines.push(`exec ${setpriv} --reuid=65534 --regid=65534 --clear-groups -- "$@"`);
    return lines.join('\n');
  }

  /** Runs every script; returns the ids of those that ran an injected `touch "$KUBEHA_MARKER"`. */
  run(scripts: Script[]): string[] {
    return this.runWithExitCodes(scripts).injected;
  }

  /** Also reports how each script exited: isolated, with harmless inputs, every one gets to its end (0). */
  runWithExitCodes(scripts: Script[]): { injected: string[]; exitCodes: Map<string, number> } {
    const name = `run-${this.runs++}`;
    const dir = path.join(this.root, name);
    const sub = (d: string) => path.join(dir, d);
    for (const d of [dir, sub('scripts'), sub('markers'), sub('cwd'), sub('stdin')]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, d === sub('scripts') || d === sub('stdin') ? 0o755 : 0o777);
    }
    for (const s of scripts) {
      writeFileSync(path.join(sub('scripts'), `${s.id}.${s.shell ?? 'bash'}`), s.text, { mode: 0o644 });
      if (s.stdin) writeFileSync(path.join(sub('stdin'), s.id), s.stdin, { mode: 0o644 });
    }
    const inner = this.isolated ? INNER_ROOT : this.root;
    const driver = [
      `root=${inner}; run="$root/${name}"`,
      'export KUBEHA_CWD="$run/cwd"; cd "$KUBEHA_CWD" || exit 90',
      'for f in "$run"/scripts/*; do',
      '  id=${f##*/}; shell=${id##*.}',
      '  path="$root/bin"; [ "$shell" = sh ] || [ -n "$KUBEHA_ISOLATED" ] && path="$path:$root/sh-stubs"',
      '  [ -n "$KUBEHA_ISOLATED" ] && path="$path:/usr/bin:/bin"',
      '  in=/dev/null; [ -f "$run/stdin/${id%.*}" ] && in="$run/stdin/${id%.*}"',
      '  PATH=$path BASH_ENV="$root/bash-env" KUBEHA_MARKER="$run/markers/${id%.*}" "$root/bin/$shell" "$f" <"$in" >/dev/null 2>&1',
      '  echo "$? $id" >> "$run/markers/.ran"',
      'done',
    ].join('\n');
    const [command, ...args] = [...this.prefix, path.join(inner, 'bin', 'bash'), '-c', driver];
    const result = spawnSync(command as string, args, {
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: '/nonexistent', ...(this.isolated ? { KUBEHA_ISOLATED: '1' } : {}) },
    });
    if (result.error) throw result.error;
    const ran = path.join(sub('markers'), '.ran');
    const lines = existsSync(ran) ? readFileSync(ran, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length !== scripts.length) {
      throw new Error(`the sandbox ran ${lines.length} of ${scripts.length} scripts (exit ${result.status}): ${result.stderr}`);
    }
    const exitCodes = new Map(lines.map((l) => [l.slice(l.indexOf(' ') + 1).replace(/\.(bash|sh)$/, ''), Number(l.slice(0, l.indexOf(' ')))]));
    const injected = readdirSync(sub('markers')).filter((f) => f !== '.ran');
    rmSync(dir, { recursive: true, force: true });
    return { injected, exitCodes };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
