/**
 * The longest any single step may run: kubeadm init/join (and later upgrade) activities get it as
 * their start-to-close timeout, and a worker's graceful shutdown waits this long for running steps.
 */
export const LONGEST_STEP_MS = 15 * 60_000;
