import { defineScript, q, qAll, sh } from '../ssh/quote';

/** Starts services that are not running; restarts them when their configuration changed. */
export const ensureServices = defineScript<{ services: string[]; restart: boolean }>('ensure-services', {
  body: ({ services, restart }) => {
    const action = restart ? sh`systemctl restart "$s"` : sh`systemctl is-active --quiet "$s" || systemctl start "$s"`;
    return sh`for s in ${qAll(services)}; do systemctl enable "$s" >/dev/null 2>&1 || true; ${action}; done`;
  },
});

/**
 * A running service reloads its configuration (HAProxy's unit checks the file first and keeps
 * serving on the old one when it is wrong; a reload keeps established connections), a stopped one starts.
 */
export const reloadService = defineScript<{ service: string }>('reload-service', {
  body: ({ service }) => sh`if systemctl is-active --quiet ${q(service)}; then systemctl reload ${q(service)}; else systemctl start ${q(service)}; fi`,
});

/**
 * Prints `connected`, `refused` (nothing listens), `timeout` or `error <rc>: <output>`. The inner
 * bash gets host and port as positional parameters, never as part of its script text.
 */
export const probeTcp = defineScript<{ host: string; port: number; timeoutSeconds: number }>('probe-load-balancer', {
  body: ({ host, port, timeoutSeconds }) => sh`set +e
out=$(timeout ${timeoutSeconds} bash -c '<"/dev/tcp/$1/$2"' kubeha-probe ${q(host)} ${port} 2>&1); rc=$?
if [ "$rc" -eq 0 ]; then echo connected; exit 0; fi
case "$out" in *"Connection refused"*) echo refused; exit 0;; esac
if [ "$rc" -eq 124 ]; then echo timeout; exit 0; fi
echo "error $rc: $out"; exit 0`,
});
