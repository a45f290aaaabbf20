#!/bin/sh
# One-shot: registers kubeha's search attributes (src/shared/search-attributes.ts) on the
# compose Temporal server. Safe to run again: existing attributes are skipped.
set -eu
address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
existing="$(temporal operator search-attribute list --address "$address" --namespace "$namespace")"
for name in KubehaCluster KubehaPhase KubehaHost; do
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --address "$address" --namespace "$namespace" --name "$name" --type Keyword
    echo "registered search attribute $name"
  fi
done
