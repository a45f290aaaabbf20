/**
 * Runs rendered scripts in a real bash where every command except bash and touch is a harmless
 * stub, to prove that no value interpolated into them is executed. A hostile value carries
 * `touch "$KUBEHA_MARKER"` in some form; the driver gives each script its own marker path, so a
 * marker that exists names the script that ran an injected command.
 *
 * As root the scripts run as nobody in a network namespace of their own: the stubs make
 * them harmless, this makes a stub that is missing harmless too.
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

/**
 * Commands the /bin/sh scripts use (sh has no command_not_found_handle): present and
 * succeeding, so every branch runs. Bash scripts get bash's handler instead (no exec: faster).
 */
const STUBS = ['ip', 'grep', 'curl', 'kubeadm', 'kubectl', 'etcdctl', 'systemctl', 'crictl', 'kubelet', 'cat', 'mkdir', 'mv', 'rm', 'chmod', 'mktemp', 'cmp', 'stat', 'dirname', 'basename', 'date', 'tail', 'awk', 'ps', 'tr', 'seq', 'sleep'];

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
}

export class ShellSandbox {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'kubeha-inject-'));
  private readonly bin = path.join(this.root, 'bin');
  private readonly shStubs = path.join(this.root, 'sh-stubs');
  private readonly bashEnv = path.join(this.root, 'bash-env');
  private readonly prefix: string[];
  private runs = 0;

  constructor() {
    chmodSync(this.root, 0o755);
    mkdirSync(this.bin, { mode: 0o755 });
    mkdirSync(this.shStubs, { mode: 0o755 });
    const bash = which('bash');
    const touch = which('touch');
    if (!bash || !touch) throw new Error('the injection test needs bash and touch on PATH');
    symlinkSync(bash, path.join(this.bin, 'bash'));
    symlinkSync('/bin/sh', path.join(this.bin, 'sh'));
    symlinkSync(touch, path.join(this.bin, 'touch'));
    for (const [name, body] of Object.entries(PASS_THROUGH)) writeFileSync(path.join(this.bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    for (const name of STUBS) writeFileSync(path.join(this.shStubs, name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    // Any other command bash cannot find "succeeds" silently, so set -e never stops a script early.
    writeFileSync(this.bashEnv, 'command_not_found_handle() { return 0; }\n', { mode: 0o644 });
    const root = process.getuid?.() === 0;
    const unshare = which('unshare');
    const setpriv = which('setpriv');
    this.prefix = root && unshare && setpriv ? [unshare, '--net', '--', setpriv, '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
  }

  /** Runs every script; returns the ids of those that ran an injected `touch "$KUBEHA_MARKER"`. */
  run(scripts: Script[]): string[] {
    const dir = path.join(this.root, `run-${this.runs++}`);
    const files = path.join(dir, 'scripts');
    const markers = path.join(dir, 'markers');
    const cwd = path.join(dir, 'cwd');
    for (const d of [dir, files, markers, cwd]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, d === files ? 0o755 : 0o777);
    }
    const ran = path.join(markers, '.ran');
    for (const s of scripts) writeFileSync(path.join(files, `${s.id}.${s.shell ?? 'bash'}`), s.text, { mode: 0o644 });
    const driver = [
      'cd "$KUBEHA_CWD" || exit 90',
      'for f in "$KUBEHA_SCRIPTS"/*; do',
      '  id=${f##*/}; shell=${id##*.}',
      '  path=$PATH; [ "$shell" = sh ] && path=$PATH:$KUBEHA_SH_STUBS',
      '  PATH=$path KUBEHA_MARKER="$KUBEHA_MARKERS/${id%.*}" "$shell" "$f" </dev/null >/dev/null 2>&1',
      '  echo "$id" >> "$KUBEHA_RAN"',
      'done',
    ].join('\n');
    const [command, ...args] = [...this.prefix, path.join(this.bin, 'bash'), '-c', driver];
    const result = spawnSync(command as string, args, {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: `${this.bin}:/nonexistent`,
        BASH_ENV: this.bashEnv,
        HOME: cwd,
        LANG: 'C.UTF-8',
        KUBEHA_CWD: cwd,
        KUBEHA_SCRIPTS: files,
        KUBEHA_MARKERS: markers,
        KUBEHA_RAN: ran,
        KUBEHA_SH_STUBS: this.shStubs,
      },
    });
    if (result.error) throw result.error;
    const count = existsSync(ran) ? readFileSync(ran, 'utf8').split('\n').filter(Boolean).length : 0;
    if (count !== scripts.length) {
      throw new Error(`the sandbox ran ${count} of ${scripts.length} scripts (exit ${result.status}): ${result.stderr}`);
    }
    const injected = readdirSync(markers).filter((f) => f !== '.ran');
    rmSync(dir, { recursive: true, force: true });
    return injected;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
