import { limiter } from '../../../src/workflows/bring-up/concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

it('runs at most `limit` at once, the rest in the order they came, and a failure frees its place', async () => {
  const inTurn = limiter(2);
  const started: string[] = [];
  const finish = new Map<string, (ok: boolean) => void>();
  const task = (name: string) =>
    inTurn(() => {
      started.push(name);
      return new Promise<string>((resolve, reject) => finish.set(name, (ok) => (ok ? resolve(name) : reject(new Error(name)))));
    });
  const results = ['a', 'b', 'c', 'd', 'e'].map((n) => task(n).catch((e: Error) => `failed ${e.message}`));
  await tick();
  expect(started).toEqual(['a', 'b']);
  finish.get('b')?.(false);
  await tick();
  expect(started).toEqual(['a', 'b', 'c']);
  finish.get('a')?.(true);
  finish.get('c')?.(true);
  await tick();
  expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
  finish.get('d')?.(true);
  finish.get('e')?.(true);
  expect(await Promise.all(results)).toEqual(['a', 'failed b', 'c', 'd', 'e']);
});
