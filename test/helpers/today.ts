/**
 * Validation warns about releases past upstream support, judged against today's date. Tests
 * whose specs use v1.28–v1.31 pin today to a date when those were all supported, so their
 * expected problem lists do not grow as the calendar moves. Only Date is faked; timers run.
 */
export function pinToday(iso = '2024-06-01T00:00:00Z'): void {
  beforeAll(() =>
    jest.useFakeTimers({
      now: new Date(iso),
      doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
    }),
  );
  afterAll(() => jest.useRealTimers());
}
