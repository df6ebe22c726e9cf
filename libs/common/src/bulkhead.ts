import { VigiaException } from './vigia.exception.js';

/**
 * Work that holds a database connection for long (a fleet plan reads a whole tenant in one transaction): at most
 * `concurrency` at a time in this process, the rest waiting in order *without* a connection; one tenant (`key`) at
 * most `perKey` running or waiting, refused beyond that at once. Without it, one request of 100 aliased fleet exports
 * took every connection of the pool, each waiting for a second one, and the process (every tenant) stopped until it
 * was restarted.
 */
export class Bulkhead {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly perKeyCount = new Map<string, number>();

  constructor(
    /** What is limited, in words: "fleet operations". */
    private readonly what: string,
    private readonly concurrency: number,
    private readonly perKey: number,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const mine = this.perKeyCount.get(key) ?? 0;
    if (mine >= this.perKey) {
      throw new VigiaException('TOO_MANY_ATTEMPTS', `${mine} ${this.what} of this tenant are running or waiting already (at most ${this.perKey} at once): try again when they have finished`);
    }
    this.perKeyCount.set(key, mine + 1);
    try {
      await this.slot();
      try {
        return await work();
      } finally {
        this.release();
      }
    } finally {
      const left = (this.perKeyCount.get(key) ?? 1) - 1;
      if (left) this.perKeyCount.set(key, left);
      else this.perKeyCount.delete(key);
    }
  }

  /** Running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    // The finishing holder hands its slot over: `running` stays as it is.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
