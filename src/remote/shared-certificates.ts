/**
 * Manual certificate distribution (the HA guide's "Manual certificate distribution"): the files
 * every control plane must share, streamed as a tar from one control plane into a script on the
 * joining one. Only these: kubeadm generates the rest with the joining host's SANs.
 */
import type { EtcdSpec } from '../spec/types';
import { defineScript, lines, q, qAll, sh } from '../ssh/quote';
import type { Quoted } from '../ssh/quote';
import { KUBEHA_DIR } from './paths';

const PKI = '/etc/kubernetes/pki';

export interface SharedFile {
  path: string;
  /** kubeadm's modes: certificates 0644; private keys and sa.pub (written like a key) 0600. */
  mode: '644' | '600';
}

/**
 * What kubeadm's SharedCertificateExists checks and upload-certs transfers: the cluster CA,
 * the service-account key pair and the front-proxy CA; with stacked etcd the etcd CA, with external
 * etcd the etcd CA certificate and the API server's etcd client certificate and key (the spec's paths).
 */
export function sharedCertificateFiles(etcd: EtcdSpec): SharedFile[] {
  const files: SharedFile[] = [
    { path: `${PKI}/ca.crt`, mode: '644' },
    { path: `${PKI}/ca.key`, mode: '600' },
    { path: `${PKI}/sa.key`, mode: '600' },
    { path: `${PKI}/sa.pub`, mode: '600' },
    { path: `${PKI}/front-proxy-ca.crt`, mode: '644' },
    { path: `${PKI}/front-proxy-ca.key`, mode: '600' },
  ];
  if (etcd.topology === 'stacked') {
    files.push({ path: `${PKI}/etcd/ca.crt`, mode: '644' }, { path: `${PKI}/etcd/ca.key`, mode: '600' });
  } else {
    files.push({ path: etcd.caFile, mode: '644' }, { path: etcd.certFile, mode: '644' }, { path: etcd.keyFile, mode: '600' });
  }
  return files;
}

const relative = (path: string): string => path.replace(/^\/+/, '');
const directories = (files: SharedFile[]): string[] => [...new Set(files.map((f) => f.path.replace(/\/[^/]+$/, '') || '/'))];

/**
 * On the control plane that has them: every file present, or exit 3 naming the missing ones on
 * stderr; then a tar of them on stdout (member names relative to /).
 */
export const sendSharedCertificates = defineScript<{ files: SharedFile[] }>('send-shared-certificates', {
  body: ({ files }) => {
    const paths = files.map((f) => f.path);
    return sh`missing=
for f in ${qAll(paths)}; do [ -f "$f" ] || missing="$missing $f"; done
if [ -n "$missing" ]; then echo "missing:$missing" >&2; exit 3; fi
tar -C / -cf - -- ${qAll(paths.map(relative))}`;
  },
});

/** Outcome lines of `receiveSharedCertificates`, one per file. */
export type ReceivedState = 'copied' | 'same' | 'mode' | 'differs';

/**
 * On the joining host, reading the tar on stdin: unpacked into a root-only temporary directory,
 * then judged before anything is written. A file already there with other content is another
 * cluster's (or an older) CA: every such file is printed `differs <path>` and the script exits 3
 * without writing. Otherwise each missing file is installed with its mode (atomically: written
 * beside it, then renamed), an identical one is left alone (`same`, or `mode` when only its mode
 * was wrong). Exit 4 when the stream lacked a file (the sender failed).
 */
export const receiveSharedCertificates = defineScript<{ files: SharedFile[] }>('receive-shared-certificates', {
  body: ({ files }) => {
    const installs: Quoted[] = files.map((f) => sh`put ${q(f.path)} ${q(f.mode)}`);
    return lines(
      sh`install -d -m 0700 ${q(KUBEHA_DIR)}
tmp=$(mktemp -d ${q(`${KUBEHA_DIR}/shared-certificates.XXXXXX`)})
trap 'rm -rf -- "$tmp"' EXIT
tar -C "$tmp" -xf - --no-same-owner --no-same-permissions || true
for f in ${qAll(files.map((f) => f.path))}; do [ -f "$tmp$f" ] && [ ! -L "$tmp$f" ] || { echo "incomplete: $f did not arrive as a plain file" >&2; exit 4; }; done
differ=
for f in ${qAll(files.map((f) => f.path))}; do
  if [ -e "$f" ] && ! cmp -s -- "$tmp$f" "$f"; then echo "differs $f"; differ=1; fi
done
if [ -n "$differ" ]; then exit 3; fi
for d in ${qAll(directories(files))}; do [ -d "$d" ] || mkdir -p -m 0755 -- "$d"; done
put() {
  if [ -e "$1" ]; then
    if [ "$(stat -c %a -- "$1")" = "$2" ]; then echo "same $1"; else chmod "$2" -- "$1"; echo "mode $1"; fi
  else
    install -m "$2" -T -- "$tmp$1" "$1.kubeha-new"
    mv -f -- "$1.kubeha-new" "$1"
    echo "copied $1"
  fi
}`,
      ...installs,
    );
  },
});

/** `<state> <path>` lines as the receiver prints them. */
export function parseReceived(stdout: string): { state: ReceivedState; path: string }[] {
  const out: { state: ReceivedState; path: string }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(copied|same|mode|differs) (\/\S+)$/.exec(line.trim());
    if (m) out.push({ state: m[1] as ReceivedState, path: m[2] as string });
  }
  return out;
}
