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
  // Up 3 rows, column 1, erase below; then the kept line and the new frame.
  expect(tty.text()).toBe(`one\ntwo\nthree\n${ESC}[3A${ESC}[1G${ESC}[0Ja line that stays\nuno\ndos\n${ESC}[2A${ESC}[1G${ESC}[0Juno\ndos\n`);
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
