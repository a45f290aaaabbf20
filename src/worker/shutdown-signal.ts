/** Resolves with the first SIGINT/SIGTERM, or when `other` settles; listeners are removed after. */
export function untilShutdown(other: Promise<unknown>): Promise<'signal' | 'ended'> {
  return new Promise((resolve, reject) => {
    const onSignal = (): void => {
      cleanup();
      resolve('signal');
    };
    const cleanup = (): void => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    other.then(
      () => {
        cleanup();
        resolve('ended');
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
