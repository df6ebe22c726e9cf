import type { HealthChange } from './detector.js';
import type { DirtyState } from './state-store.js';

export interface PendingChange {
  dirty: DirtyState;
  change: HealthChange;
}

/**
 * Records health changes off the probe path: probes never wait for PostgreSQL. Changes are written in arrival order
 * (so one monitor's changes keep their order), in batches, by one loop; `apply` then acts on each (incidents).
 * A burst — 20,000 monitors starting at once — becomes a few hundred multi-row statements instead of 20,000
 * transactions holding probe slots.
 */
export class ChangeWriter<T extends PendingChange = PendingChange> {
  private queue: T[] = [];
  private running?: Promise<void>;

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly apply: (item: T) => Promise<void>,
    private readonly onError: (error: unknown, batch: T[]) => void,
    private readonly batchSize = 500,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(item: T): void {
    this.queue.push(item);
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Resolves when everything queued so far is written and applied. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.batchSize);
      try {
        await this.write(batch);
      } catch (error) {
        this.onError(error, batch);
        continue;
      }
      for (const item of batch) {
        try {
          await this.apply(item);
        } catch (error) {
          this.onError(error, [item]);
        }
      }
    }
  }
}
