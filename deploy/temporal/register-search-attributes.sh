#!/bin/sh
# One-shot: makes sure the namespace exists and registers kubeha's search attributes
# (src/shared/search-attributes.ts) on the compose Temporal server, over mTLS (the temporal CLI
# reads TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY and TEMPORAL_TLS_SERVER_NAME).
# Safe to run again: what exists is skipped.
set -eu
address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
: "${TEMPORAL_TLS_CERT:?TEMPORAL_TLS_CERT is required: the frontend requires a client certificate}"
if ! temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace create --address "$address" --namespace "$namespace" --retention 72h || true
fi
existing=""
for _ in $(seq 1 30); do
  if existing="$(temporal operator search-attribute list --address "$address" --namespace "$namespace")"; then break; fi
  echo "waiting for namespace $namespace"; sleep 2
done
for name in KubehaCluster KubehaPhase KubehaHost; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --address "$address" --namespace "$namespace" --name "$name" --type Keyword
    echo "registered search attribute $name"
  fi
done
