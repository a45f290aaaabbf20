export default async function globalTeardown(): Promise<void> {
  const env = globalThis.__KUBEHA_TEMPORAL_ENV__;
  globalThis.__KUBEHA_TEMPORAL_ENV__ = undefined;
  await env?.teardown();
}
