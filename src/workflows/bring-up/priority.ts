/**
 * Task-queue priority of work off the critical path (the joining hosts' preflight): below the
 * default 3, so that init, the load balancer and the joins are dispatched ahead of a backlog of
 * it. Honoured by servers whose matcher has priorities (Temporal Cloud; self-hosted 1.29 with
 * `matching.useNewMatcher`, which the dev server kubeha starts turns on); ignored by others.
 */
export const OFF_CRITICAL_PATH = { priorityKey: 4 } as const;
