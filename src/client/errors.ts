/** The CLI's view of kubeha's errors: they live in src/errors.ts, below everything that throws them. */
export * from '../errors';
