import type { Logger } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { PeriodicWorker } from '#lib/common';
import type { OutboxConsumerName } from './incident-outbox.entity.js';
import type { IncidentOutbox, OutboxItem } from './incident-outbox.js';

/**
 * One consumer's loop over the incident outbox: claims its rows, hands each to `handle`, marks it handled, or backs
 * it off on failure. Runs when nudged (a change committed in this process) and every `intervalMs` (rows from other
 * processes, retries, rows left by a crash), on a `PeriodicWorker`: never two passes at once; `stop()` drains.
 */
export class OutboxWorker {
  private nudges?: Subscription;
  private readonly loop: PeriodicWorker;

  constructor(
    private readonly outbox: IncidentOutbox,
    private readonly consumer: OutboxConsumerName,
    private readonly handle: (item: OutboxItem) => Promise<void>,
    private readonly logger: Logger,
    intervalMs = 1000,
  ) {
    this.loop = new PeriodicWorker(`${consumer} outbox`, () => this.runOnce(), {
      everyMs: intervalMs,
      onError: (error) => this.logger.warn(`${this.consumer} outbox: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  start(): void {
    this.nudges = this.outbox.written.subscribe(() => this.loop.kick());
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.nudges?.unsubscribe();
    await this.loop.stop();
  }

  /**
   * Everything written so far is handled when this returns (tests): one more pass through the loop itself, so it
   * runs after the pass under way — a row that pass had claimed is finished, not skipped as locked.
   */
  settle(): Promise<void> {
    return this.loop.runOnce();
  }

  /** Handles everything claimable now (tests call it directly). */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const items = await this.outbox.claim(this.consumer);
      if (!items.length) return handled;
      for (const item of items) {
        try {
          await this.handle(item);
          await this.outbox.done(item);
          handled++;
        } catch (error) {
          this.logger.warn(`${this.consumer}: ${item.kind} of incident ${item.incidentId} failed (attempt ${item.attempts}, will retry): ${error instanceof Error ? error.message : String(error)}`);
          await this.outbox.failed(item, error).catch(() => undefined);
        }
      }
    }
  }
}
