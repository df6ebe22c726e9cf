import type { HealthChange } from './detector.js';
import type { DirtyState } from './state-store.js';

export interface PendingChange {
  dirty: DirtyState;
  change: HealthChange;
}

export interface ChangeWriterOptions {
  batchSize?: number;
  /** Changes waiting at most; past it `push` refuses and the caller keeps the change for later (never dropped). */
  maxPending?: number;
  /** Pause before the n-th retry of a failed write or apply. */
  backoffMs?: (attempt: number) => number;
  /** Attempts at applying one written change (opening its incident) before giving up loudly. */
  maxApplyAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultBackoff = (attempt: number): number => Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));

/**
 * Records health changes off the probe path: probes never wait for PostgreSQL. Changes are written in arrival order
 * (so one monitor's changes keep their order), in batches, by one loop; `apply` then acts on each (incidents).
 * A burst — 20,000 monitors starting at once — becomes a few hundred multi-row statements instead of 20,000
 * transactions holding probe slots. A failed write is retried, in order, with backoff until it lands (a database
 * restart delays changes, never loses them); memory is bounded by `maxPending`.
 */
export class ChangeWriter<T extends PendingChange = PendingChange> {
  private queue: T[] = [];
  private running?: Promise<void>;
  private stopped = false;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly maxApplyAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Failed attempts so far (writes and applies), for metrics. */
  failures = 0;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly apply: (item: T) => Promise<void>,
    private readonly onError: (error: unknown, batch: T[], attempt: number, final: boolean, phase: 'write' | 'apply') => void,
    options: ChangeWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 100_000;
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.maxApplyAttempts = options.maxApplyAttempts ?? 30;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Changes waiting to be written or applied. */
  get pending(): number {
    return this.queue.length;
  }

  /** False when full: the change was not taken, and the caller must produce it again later. */
  push(item: T): boolean {
    if (this.queue.length >= this.maxPending) return false;
    this.queue.push(item);
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return true;
  }

  /** Resolves when everything queued so far is written and applied (or `stop()` was called). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops retrying (shutdown): what is still queued stays unwritten, and `pending` says how much. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.drain();
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    while (this.queue.length && !this.stopped) {
      // The batch leaves the queue only once written: a failure retries the same changes, in the same order.
      const batch = this.queue.slice(0, this.batchSize);
      try {
        await this.write(batch);
      } catch (error) {
        this.failures++;
        this.onError(error, batch, ++attempt, false, 'write');
        await this.sleep(this.backoffMs(attempt));
        continue;
      }
      attempt = 0;
      this.queue.splice(0, batch.length);
      for (const item of batch) await this.applyWithRetries(item);
    }
  }

  private async applyWithRetries(item: T): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.apply(item);
      } catch (error) {
        this.failures++;
        const final = attempt >= this.maxApplyAttempts || this.stopped;
        this.onError(error, [item], attempt, final, 'apply');
        if (final) return;
        await this.sleep(this.backoffMs(attempt));
      }
    }
  }
}
