import { EnvironmentError } from '../../../src/client/errors';
import { isServerUnreachable, OutagePatience } from '../../../src/client/server-outage';

/** What the SDK throws for a query while the server is down: a ServiceError wrapping the gRPC status. */
function unreachable(code = 14): Error {
  return new Error('Failed to query Workflow', { cause: Object.assign(new Error('14 UNAVAILABLE: tcp connect error'), { code }) });
}

function patienceWithClock(patienceMs: number) {
  let clock = 0;
  let printed = '';
  const patience = new OutagePatience({
    say: (line) => void (printed += `${line}\n`),
    hint: 'kubeha status prod-a',
    patienceMs,
    retryMs: 1_000,
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
  });
  return { patience, printed: () => printed };
}

it('knows an unreachable server by gRPC UNAVAILABLE anywhere in the cause chain; a deadline (a running server also gives one) is not that', () => {
  expect(isServerUnreachable(unreachable(14))).toBe(true);
  expect(isServerUnreachable(unreachable(4))).toBe(false);
  expect(isServerUnreachable(unreachable(5))).toBe(false);
  expect(isServerUnreachable(new Error('workflow failed'))).toBe(false);
  expect(isServerUnreachable(undefined)).toBe(false);
});

it('keeps reading through an outage, saying once that contact was lost and once that it is back', async () => {
  const { patience, printed } = patienceWithClock(600_000);
  let calls = 0;
  const value = await patience.read(async () => {
    calls++;
    if (calls <= 30) throw unreachable();
    return 'ended';
  });
  expect(value).toBe('ended');
  expect(calls).toBe(31);
  expect(printed().trim().split('\n')).toEqual([
    'lost contact with Temporal (Failed to query Workflow: 14 UNAVAILABLE: tcp connect error); the operation goes on in the workers, still following',
    'Temporal answers again (silent for 30 s)',
  ]);
});

it('gives up after its patience with an environment error (exit 3) that says where to look', async () => {
  const { patience } = patienceWithClock(60_000);
  const err = await patience.read(() => Promise.reject(unreachable())).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect(err).toMatchObject({ message: 'Temporal has not answered for 60 s: stopped following', hint: 'the operation may still be running: kubeha status prod-a', exitCode: 3 });
});

it('passes any other error through at once', async () => {
  const { patience, printed } = patienceWithClock(600_000);
  const failure = new Error('no cluster prod-a');
  await expect(patience.read(() => Promise.reject(failure))).rejects.toBe(failure);
  expect(printed()).toBe('');
});
