/**
 * Remote scripts of the failover drill (kubeha drill): a control plane's static Pods stopped the
 * way an operator does it on a kubeadm host (the manifests moved out of the kubelet's directory
 * into one kubeha owns, so the kubelet stops them) and put back; `/readyz` probed over a window.
 */
import { defineScript, q, qAll, sh } from '../ssh/quote';
import { MANIFESTS_DIR } from './paths';

/** Where the drill parks the manifests it moved: what is in it is exactly what a restore puts back. */
export const DRILL_PARKED_DIR = '/var/lib/kubeha/drill-stopped';

/** The static Pods a drill may stop. */
export const DRILL_MANIFESTS = ['kube-apiserver.yaml', 'etcd.yaml'] as const;
export type DrillManifest = (typeof DRILL_MANIFESTS)[number];

/**
 * Moves each manifest into the parked directory. One line per manifest: `parked <file>` (moved
 * now or by an earlier attempt), `absent <file>` (neither here nor parked: nothing to stop).
 * A manifest back in place while a parked copy exists (restored by hand) is parked again over it.
 */
export const parkManifests = defineScript<{ manifests: string[]; manifestsDir: string; parkedDir: string }>('drill-park-manifests', {
  body: ({ manifests, manifestsDir, parkedDir }) => sh`mkdir -p -m 0700 ${q(parkedDir)}
for f in ${qAll(manifests)}; do
  if [ -f ${q(manifestsDir)}/"$f" ]; then mv -f -- ${q(manifestsDir)}/"$f" ${q(parkedDir)}/"$f"; echo "parked $f"
  elif [ -f ${q(parkedDir)}/"$f" ]; then echo "parked $f"
  else echo "absent $f"; fi
done`,
});

/**
 * Puts each parked manifest back. One line per manifest: `restored <file>` (moved back now),
 * `present <file>` (already in place; a stale parked copy is removed), `absent <file>` (neither).
 */
export const restoreManifests = defineScript<{ manifests: string[]; manifestsDir: string; parkedDir: string }>('drill-restore-manifests', {
  body: ({ manifests, manifestsDir, parkedDir }) => sh`for f in ${qAll(manifests)}; do
  if [ -f ${q(manifestsDir)}/"$f" ]; then rm -f -- ${q(parkedDir)}/"$f"; echo "present $f"
  elif [ -f ${q(parkedDir)}/"$f" ]; then mv -f -- ${q(parkedDir)}/"$f" ${q(manifestsDir)}/"$f"; echo "restored $f"
  else echo "absent $f"; fi
done
rmdir -- ${q(parkedDir)} 2>/dev/null || true`,
});

/**
 * GETs `url` every `intervalMs` for `windowMs` (each try bounded by `timeoutSeconds`), one line
 * per try: `<epoch ms> <HTTP code, 000 when nothing answered>`.
 */
export const probeReadyz = defineScript<{ url: string; windowMs: number; intervalMs: number; timeoutSeconds: number }>('drill-probe-readyz', {
  body: ({ url, windowMs, intervalMs, timeoutSeconds }) => sh`set +e
now() { date +%s%3N; }
window=${windowMs}
end=$(( $(now) + window ))
pause=$(awk -v ms=${intervalMs} 'BEGIN { printf "%.3f", ms / 1000 }')
while [ "$(now)" -lt "$end" ]; do
  at=$(now)
  code=$(curl -sk -o /dev/null --max-time ${timeoutSeconds} -w '%{http_code}' ${q(url)} 2>/dev/null)
  echo "$at \${code:-000}"
  sleep "$pause"
done`,
});

/** One line per URL: `<HTTP code> <url>` (000 when nothing answered within `timeoutSeconds`). */
export const readyzCodes = defineScript<{ urls: string[]; timeoutSeconds: number }>('drill-readyz-codes', {
  body: ({ urls, timeoutSeconds }) => sh`set +e
for u in ${qAll(urls)}; do
  code=$(curl -sk -o /dev/null --max-time ${timeoutSeconds} -w '%{http_code}' "$u" 2>/dev/null)
  echo "\${code:-000} $u"
done`,
});

export const DRILL_DIRS = { manifestsDir: MANIFESTS_DIR, parkedDir: DRILL_PARKED_DIR };
