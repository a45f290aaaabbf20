import { PassThrough } from 'node:stream';
import { liveTerminal } from '../../../src/client/live/terminal';

/** A stream that says it is a terminal of the given size and keeps what was written to it. */
function fakeTerminal(rows: number, columns: number): PassThrough & { isTTY: true; rows: number; columns: number; text(): string } {
  const stream = Object.assign(new PassThrough(), { isTTY: true as const, rows, columns, text: (): string => '' });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.text = () => Buffer.concat(chunks).toString();
  return stream;
}

const ESC = '\x1b';

it('a pipe, a file or TERM=dumb gets no live view (the plain line log instead)', () => {
  expect(liveTerminal(new PassThrough())).toBeUndefined();
  expect(liveTerminal(fakeTerminal(24, 80), { TERM: 'dumb' })).toBeUndefined();
  expect(liveTerminal(fakeTerminal(24, 80), { TERM: 'xterm' })).toBeDefined();
});

it('redraws in place: the next frame first erases the rows of the one before; logged lines stay above', async () => {
  const tty = fakeTerminal(24, 80);
  const live = liveTerminal(tty, {})!;
  let frame = ['one', 'two', 'three'];
  live.show(() => frame);
  frame = ['uno', 'dos'];
  live.log('a line that stays');
  live.stop();
  await new Promise((resolve) => setImmediate(resolve));
  const rows = (...lines: string[]) => lines.map((l) => `${ESC}[2K${l}\n`).join('');
  // Up 3 rows to column 1, each row overwritten (the kept line, then the new frame); then up 2 and the frame again.
  expect(tty.text()).toBe(`${rows('one', 'two', 'three')}${ESC}[3A${ESC}[1G${rows('a line that stays', 'uno', 'dos')}${ESC}[2A${ESC}[1G${rows('uno', 'dos')}`);
  // A frame shorter than the one before clears what is left below it.
  const shrink = fakeTerminal(24, 80);
  const shrinking = liveTerminal(shrink, {})!;
  let shrinkingFrame = ['a', 'b', 'c'];
  shrinking.show(() => shrinkingFrame);
  shrinkingFrame = ['d'];
  shrinking.stop();
  await new Promise((resolve) => setImmediate(resolve));
  expect(shrink.text()).toBe(`${rows('a', 'b', 'c')}${ESC}[3A${ESC}[1G${rows('d')}${ESC}[0J`);
});

it('a terminal narrowed since the last frame wraps its long lines: erasing counts the wrapped rows', async () => {
  const tty = fakeTerminal(24, 80);
  const live = liveTerminal(tty, {})!;
  live.show(() => ['x'.repeat(70)]);
  tty.columns = 40;
  live.stop();
  await new Promise((resolve) => setImmediate(resolve));
  expect(tty.text()).toContain(`${ESC}[2A`);
});
