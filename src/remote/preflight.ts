import type { Quoted } from '../ssh/quote';
import { defineScript, lines, q, qAll, sh } from '../ssh/quote';
import { section } from './sections';

/**
 * The host's clock, in ms, as the first section of preflight-facts: the worker times its marker's
 * arrival from the moment the command was sent, a round trip as short as a command of its own.
 */
export const CLOCK_SECTION = 'clock';

/** The host's clock in epoch ms: bash 5's EPOCHREALTIME (seconds.microseconds) spares a process start; older bash runs date. */
export const HOST_CLOCK_MS: Quoted = sh`t=\${EPOCHREALTIME:-}; t=\${t//[.,]/}; if [ -n "$t" ]; then echo "\${t%???}"; else date +%s%3N; fi`;

/** The kernel files kubeadm's preflight checks (FileContent--proc-sys-...), in this order. */
const PREFLIGHT_SYSCTL_FILES = ['/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/bridge/bridge-nf-call-iptables'] as const;

/**
 * The facts a fix can change: read again right after it, in the same command. Swap and sysctls
 * are read from /proc with builtins (what swapon --show and sysctl -n read), one line per file
 * and an empty one for a file that is missing: bridge/ exists only while br_netfilter is loaded,
 * so it also tells whether the module is (lsmod would cost a process start).
 */
function fixableSections(): Quoted[] {
  return [
    section('swap', sh`{ read -r _; while read -r swap _; do echo "$swap"; done; } 2>/dev/null < /proc/swaps`),
    section('sysctl', sh`for f in ${qAll([...PREFLIGHT_SYSCTL_FILES])}; do v=; { read -r v || [ -n "$v" ]; } 2>/dev/null < "$f"; echo "$v"; done`),
  ];
}

export const preflightFacts = defineScript<{ criSocketPath: string; mustExist: string[] }>('preflight-facts', {
  body: ({ criSocketPath, mustExist }) =>
    lines(
      sh`set +e`,
      section(CLOCK_SECTION, HOST_CLOCK_MS),
      section('uid', sh`echo "$EUID"`),
      ...fixableSections(),
      section('cri', sh`test -S ${q(criSocketPath)}`),
      section('kubeadm', sh`kubeadm version -o short`),
      section('kubelet', sh`kubelet --version`),
      section('kubectl', sh`kubectl version --client -o json`),
      section('crictl', sh`crictl --runtime-endpoint ${q(`unix://${criSocketPath}`)} info`),
      section('hostname', sh`echo "$HOSTNAME"`),
      // Shell builtins only: these facts are read on every host of a bring-up, and each process start counts there.
      section('macs', sh`for f in /sys/class/net/*/address; do d=\${f%/address}; d=\${d##*/}; [ "$d" = lo ] && continue; mac=; { read -r mac || [ -n "$mac" ]; } < "$f" && echo "$d $mac"; done`),
      section('uuid', sh`{ read -r uuid || [ -n "$uuid" ]; } < /sys/class/dmi/id/product_uuid && echo "$uuid"`),
      section('ports', sh`ss -Hltn`),
      // Prerequisites the user places before kubeadm init (external etcd's CA and client pair); `missing` lists those absent.
      mustExist.length > 0 ? section('prerequisites', sh`for f in ${qAll(mustExist)}; do [ -e "$f" ] || echo "missing $f"; done; [ -e /etc/kubernetes/admin.conf ] && echo initialized; true`) : sh`:`,
    ),
});

export interface PreflightFixes {
  swap: boolean;
  modules: boolean;
  sysctl: boolean;
}

/** The fixes (a failing one fails the command), then the facts they change, as preflight-facts' sections. */
export const preflightFix = defineScript<PreflightFixes>('preflight-fix', {
  body: (fix) =>
    lines(
      fix.swap ? sh`swapoff -a` : sh`:`,
      fix.modules ? sh`modprobe br_netfilter` : sh`:`,
      fix.sysctl ? sh`sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null` : sh`:`,
      sh`set +e`,
      ...fixableSections(),
    ),
});
