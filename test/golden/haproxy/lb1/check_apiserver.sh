#!/bin/sh
# Rendered by kubeha for cluster prod-b.

errorExit() {
    echo "*** $*" 1>&2
    exit 1
}

if ip addr | grep -q -F ' 10.0.0.100/'; then
    curl -sfk --max-time 2 'https://10.0.0.100:6443/healthz' -o /dev/null || errorExit 'Error GET https://10.0.0.100:6443/healthz'
fi
