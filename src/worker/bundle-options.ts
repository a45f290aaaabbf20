import type { BundleOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec';

/** The workflow interceptor modules every kubeha worker and bundle registers. */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('../workflows/interceptors')];

/**
 * Evaluated once per worker instead of once per workflow (the sandbox gives every workflow its
 * own module cache, and zod's start-up was about 40 ms of each join child's CPU). Safe to share:
 * kubeha never changes zod's global configuration, and the SDK freezes preloaded modules.
 */
export const PRELOAD_MODULES: string[] = [require.resolve('../workflows/preload-modules')];

const nop = (): void => undefined;

type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/**
 * The SDK's inline source map without the sources' text (2.0 of its 2.8 MB): stack traces still
 * name each file, line and function, and an idle worker's peak RSS is 26 MiB lower (the bundle
 * is held in both of its isolates). Only the SDK's enhanced stack-trace query loses the source
 * snippets it would have quoted; the files are on the worker's disk.
 */
export const withoutSourcesText = (config: WebpackConfig): WebpackConfig => ({ ...config, devtool: 'inline-nosources-source-map' });

/**
 * How the workflow code is bundled, by the build (scripts/bundle-workflows.ts) and by tests alike:
 * workflow failures carry message and stack encrypted, and the interceptors run in every workflow.
 */
export function workflowBundleOptions(workflowsPath: string): BundleOptions {
  return {
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    preloadModules: PRELOAD_MODULES,
    webpackConfigHook: withoutSourcesText,
    logger: { log: nop, trace: nop, debug: nop, info: nop, warn: nop, error: nop },
  };
}
