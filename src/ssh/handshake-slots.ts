/**
 * At most `limit` SSH handshakes at once. A 500-host fan-out opened 500 connections together, and
 * with every key exchange competing for the CPU (the worker's, and in the lab every host's sshd on
 * the same cores) some handshakes outlasted their timeout. A waiting handshake's timeout starts
 * only when it gets its slot.
 */
export class HandshakeSlots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`handshake slots must be a whole number of at least 1 (got ${limit})`);
  }

  async run<T>(handshake: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await handshake();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Handshakes under way and waiting (for tests). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
