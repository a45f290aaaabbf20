#!/bin/sh
# Rendered by kubeha for cluster prod-b.

vip='10.0.0.100'
url='https://10.0.0.100:6443/healthz'

errorExit() {
    echo "*** $*" 1>&2
    exit 1
}

if ip addr | grep -q -F " $vip/"; then
    curl -sfk --max-time 2 "$url" -o /dev/null || errorExit "Error GET $url"
fi
