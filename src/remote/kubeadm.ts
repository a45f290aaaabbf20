/** Remote scripts around kubeadm. Secrets never appear in a script's text. */
import { defineScript, q, sh } from '../ssh/quote';
import type { Quoted } from '../ssh/quote';
import { ADMIN_CONF, KUBELET_CONF } from './paths';

const ignoreFlag = (ignore: string[]): Quoted => (ignore.length ? sh` ${q(`--ignore-preflight-errors=${ignore.join(',')}`)}` : ('' as Quoted));

/**
 * Prints `state=initialized` (admin.conf and the node registered), `state=leftovers` (files of
 * an earlier attempt) or `state=clean`.
 */
export const initState = defineScript<{ node: string }>('init-state', {
  body: ({ node }) => sh`if [ -f ${q(ADMIN_CONF)} ] && kubectl --kubeconfig ${q(ADMIN_CONF)} get node ${q(node)} -o name >/dev/null 2>&1; then echo state=initialized
elif [ -e ${q(ADMIN_CONF)} ] || [ -e /etc/kubernetes/manifests/kube-apiserver.yaml ] || [ -e /etc/kubernetes/pki/ca.crt ] || [ -e ${q(KUBELET_CONF)} ]; then echo state=leftovers
else echo state=clean; fi`,
});

/** Prints `state=joined` (kubelet.conf and the node registered), `state=leftovers` or `state=clean`. */
export const joinState = defineScript<{ node: string }>('join-state', {
  body: ({ node }) => sh`if [ -f ${q(KUBELET_CONF)} ] && kubectl --kubeconfig ${q(KUBELET_CONF)} get node ${q(node)} -o name >/dev/null 2>&1; then echo state=joined
elif [ -e ${q(KUBELET_CONF)} ] || [ -e /etc/kubernetes/pki/ca.crt ] || [ -e /etc/kubernetes/manifests/kube-apiserver.yaml ] || [ -e /etc/kubernetes/bootstrap-kubelet.conf ]; then echo state=leftovers
else echo state=clean; fi`,
});

export const kubeadmReset = defineScript<{ criSocket: string }>('kubeadm-reset', {
  body: ({ criSocket }) => sh`kubeadm reset -f --cri-socket ${q(criSocket)}`,
});

export const kubeadmInit = defineScript<{ config: string; ignore: string[] }>('kubeadm-init', {
  guard: () => sh`[ -f ${q(ADMIN_CONF)} ] && kubectl --kubeconfig ${q(ADMIN_CONF)} get --raw=/readyz >/dev/null 2>&1`,
  guardMessage: 'kubeadm init: admin.conf present and the API server ready',
  body: ({ config, ignore }) => sh`trap 'rm -f -- ${q(config)}' EXIT
kubeadm init --config ${q(config)} --upload-certs${ignoreFlag(ignore)}`,
});

export const kubeadmJoin = defineScript<{ config: string; ignore: string[] }>('kubeadm-join', {
  body: ({ config, ignore }) => sh`trap 'rm -f -- ${q(config)}' EXIT
kubeadm join --config ${q(config)}${ignoreFlag(ignore)}`,
});

export const uploadCerts = defineScript<Record<string, never>>('kubeadm-upload-certs', {
  body: () => sh`kubeadm init phase upload-certs --upload-certs --kubeconfig ${q(ADMIN_CONF)}`,
});

export const tokenCreate = defineScript<{ ttlSeconds: number }>('kubeadm-token-create', {
  body: ({ ttlSeconds }) => sh`kubeadm token create --kubeconfig ${q(ADMIN_CONF)} --ttl ${q(`${ttlSeconds}s`)} --print-join-command`,
});
