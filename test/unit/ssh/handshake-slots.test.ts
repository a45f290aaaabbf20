import { HandshakeSlots } from '../../../src/ssh/handshake-slots';

const tick = () => new Promise((r) => setTimeout(r, 1));

it('runs at most `limit` handshakes at once and every one in the end, failed ones freeing their slot', async () => {
  const slots = new HandshakeSlots(3);
  let running = 0;
  let most = 0;
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      slots.run(async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        if (i % 5 === 0) throw new Error(`handshake ${i} timed out`);
        return i;
      }),
    ),
  );
  expect(most).toBe(3);
  expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
  expect(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))).toHaveLength(16);
  expect(slots.load).toEqual({ active: 0, waiting: 0 });
});

it('refuses a limit below one', () => {
  expect(() => new HandshakeSlots(0)).toThrow('at least 1');
});
