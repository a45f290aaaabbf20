export const DEFAULT_TASK_QUEUE = 'kubeha';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_ADDRESS = '127.0.0.1:7233';
