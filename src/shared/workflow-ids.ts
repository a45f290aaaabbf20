/** One bring-up workflow per cluster: its id is derived from the cluster name alone. */
export function bringUpWorkflowId(cluster: string): string {
  return `kubeha-bringup-${cluster}`;
}

export function hostJoinWorkflowId(cluster: string, host: string): string {
  return `kubeha-bringup-${cluster}-join-${host}`;
}
