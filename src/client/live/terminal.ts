import { clearLine, clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import type { WriteStream } from 'node:tty';
import type { TerminalSize } from './frame';

/**
 * Redraws a frame in place on a terminal with Node's own cursor controls: back to the previous
 * frame's first row, each row overwritten, what is left of the old frame below cleared. Lines logged meanwhile go above the frame
 * and stay in the scrollback. Frames come from renderFrame, which already fits them to the
 * terminal, so erasing needs no wrapping logic beyond a resize (see rowsOnScreen).
 */
export interface LiveTerminal {
  /** Draws `frame` now and again every tick (elapsed times and spinners move) until stop(). */
  show(frame: (size: TerminalSize) => string[]): void;
  /** A line that stays: printed above the frame. */
  log(line: string): void;
  /** Draws the frame a last time and leaves it on screen; later writes go below it. */
  stop(): void;
}

const TICK_MS = 250;

/** A live terminal on `out` when it is one (not a pipe, a file, or TERM=dumb); undefined means: print a plain line log. */
export function liveTerminal(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): LiveTerminal | undefined {
  const tty = out as Partial<WriteStream>;
  if (tty.isTTY !== true || env.TERM === 'dumb') return undefined;
  return new InPlaceFrame(out as WriteStream);
}

class InPlaceFrame implements LiveTerminal {
  private drawn: string[] = [];
  private frame: ((size: TerminalSize) => string[]) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: WriteStream) {}

  private size(): TerminalSize {
    return { rows: this.out.rows || 24, cols: this.out.columns || 80 };
  }

  /** Rows the drawn frame takes now: a terminal narrowed since it was drawn wraps its longer lines. */
  private rowsOnScreen(): number {
    const cols = this.size().cols;
    return this.drawn.reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / cols)), 0);
  }

  private write(above: string[]): void {
    const next = this.frame ? this.frame(this.size()) : [];
    this.out.cork();
    const rows = this.rowsOnScreen();
    if (rows > 0) {
      moveCursor(this.out, 0, -rows);
      cursorTo(this.out, 0);
    }
    // Each row is overwritten in place, and only what the new frame leaves below is cleared: tmux
    // (scroll-on-clear) copies a screen cleared from its top-left corner into the scrollback.
    const lines = [...above, ...next];
    for (const line of lines) {
      clearLine(this.out, 0);
      this.out.write(`${line}\n`);
    }
    if (rows > lines.length) clearScreenDown(this.out);
    this.drawn = next;
    this.out.uncork();
  }

  show(frame: (size: TerminalSize) => string[]): void {
    this.frame = frame;
    this.write([]);
    this.timer ??= setInterval(() => this.write([]), TICK_MS);
    this.timer.unref();
  }

  log(line: string): void {
    this.write(line.split('\n'));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.write([]);
    this.drawn = [];
    this.frame = undefined;
  }
}
