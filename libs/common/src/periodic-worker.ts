/** The timer functions a periodic worker schedules with: the real ones, or a test's. */
export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface PeriodicOptions {
  /** Pause between the end of one pass and the start of the next (asked again after each pass when a function). */
  everyMs: number | (() => number);
  /** A pass that throws is reported here; the loop goes on. */
  onError: (error: unknown) => void;
  /** First pass right after `start()` (default: after `everyMs`). */
  immediate?: boolean;
  timers?: Timers;
}

/**
 * The one loop primitive of the house (outbox consumers, deliveries, runs, the triggers' sweep, heartbeats, the
 * watchdog's timers): passes never overlap (the next is scheduled when one ends), `kick()` asks for a pass now (one
 * more right after the current one when busy), `runOnce()` runs a pass for tests, and `stop()` drains — it returns
 * once the pass under way has finished and none will start.
 */
export class PeriodicWorker {
  private handle?: unknown;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly timers: Timers;

  constructor(
    readonly name: string,
    private readonly pass: () => Promise<unknown>,
    private readonly options: PeriodicOptions,
  ) {
    this.timers = options.timers ?? realTimers;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.immediate ? 0 : this.pause());
  }

  /** A pass as soon as possible: now when idle, right after the current one when busy. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** One pass now, after the one under way (tests, and callers that must see its effect). */
  async runOnce(): Promise<void> {
    while (this.running) await this.running;
    await this.run();
  }

  /** Waits for the pass under way (if any). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No new pass starts; resolves when the one under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    await this.idle();
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  private schedule(ms: number): void {
    this.timers.clearTimeout(this.handle);
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      void this.run().finally(() => {
        // Unless a kick already asked for the next pass, it comes `everyMs` after this one ended.
        if (!this.stopped && this.handle === undefined && !this.running) this.schedule(this.pause());
      });
    }, ms);
  }

  private pause(): number {
    return typeof this.options.everyMs === 'function' ? this.options.everyMs() : this.options.everyMs;
  }

  /** Passes are chained: one never starts before the previous has ended, whoever asked for it. */
  private run(): Promise<void> {
    const before = this.running ?? Promise.resolve();
    const current = before.then(async () => {
      this.again = false;
      try {
        await this.pass();
      } catch (error) {
        this.options.onError(error);
      }
    });
    this.running = current;
    void current.finally(() => {
      if (this.running !== current) return;
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.schedule(0);
      }
    });
    return current;
  }
}
