#!/usr/bin/env bash
# The seeds' HA runbook done by hand, as a plain script: over the system ssh client, one step
# after another — kubeadm init on the first control plane, the CNI, then every control plane and
# every worker joined one at a time (each host's prerequisites fixed just before its own step:
# swap off, br_netfilter, sysctls), then `kubectl wait` for every node Ready.
# Prints `STEP <name> <host> <start ms> <end ms>` for each step.
#
# usage: baseline.sh KEY KNOWN_HOSTS ENDPOINT VERSION POD_CIDR CONTROL_PLANE_ADDR... -- WORKER_ADDR...
set -euo pipefail

key=$1 known_hosts=$2 endpoint=$3 version=$4 pod_cidr=$5
shift 5
control_planes=() workers=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do control_planes+=("$1"); shift; done
[ $# -gt 0 ] && shift
workers=("$@")

on() {
  ssh -i "$key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$known_hosts" -o LogLevel=ERROR "root@$1" "$2"
}
now() { date +%s%3N; }
step() {
  local name=$1 host=$2 command=$3 start
  start=$(now)
  on "$host" "$command"
  echo "STEP $name $host $start $(now)"
}

prepare='swapoff -a && modprobe br_netfilter && sysctl -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 >/dev/null'
admin='--kubeconfig /etc/kubernetes/admin.conf'

first=${control_planes[0]}
start=$(now)
init_out=$(on "$first" "$prepare && kubeadm init --control-plane-endpoint $endpoint --upload-certs --pod-network-cidr $pod_cidr --kubernetes-version $version")
echo "STEP init $first $start $(now)"
token=$(grep -o -- '--token [^ ]*' <<<"$init_out" | head -n1 | cut -d' ' -f2)
hash=$(grep -o -- '--discovery-token-ca-cert-hash [^ ]*' <<<"$init_out" | head -n1 | cut -d' ' -f2)
certificate_key=$(grep -o -- '--certificate-key [^ ]*' <<<"$init_out" | head -n1 | cut -d' ' -f2)
join="kubeadm join $endpoint --token $token --discovery-token-ca-cert-hash $hash"

step cni "$first" "printf 'kind: DaemonSet\nmetadata:\n  name: calico-node\n' > /root/calico.yaml && kubectl $admin apply -f /root/calico.yaml >/dev/null"
for host in "${control_planes[@]:1}"; do
  step join-control-plane "$host" "$prepare && $join --control-plane --certificate-key $certificate_key >/dev/null"
done
for host in "${workers[@]}"; do
  step join-worker "$host" "$prepare && $join >/dev/null"
done
step verify "$first" "kubectl $admin wait --for=condition=Ready nodes --all --timeout=600s >/dev/null"
