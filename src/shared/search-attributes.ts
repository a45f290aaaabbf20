import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on every server kubeha runs against (dev server flags, operator service). */
export const KubehaCluster = defineSearchAttributeKey('KubehaCluster', SearchAttributeType.KEYWORD);
export const KubehaPhase = defineSearchAttributeKey('KubehaPhase', SearchAttributeType.KEYWORD);
export const KubehaHost = defineSearchAttributeKey('KubehaHost', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = {
  KubehaCluster: 'Keyword',
  KubehaPhase: 'Keyword',
  KubehaHost: 'Keyword',
} as const;
