import type { Logger } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { OutboxConsumerName } from './incident-outbox.entity.js';
import type { IncidentOutbox, OutboxItem } from './incident-outbox.js';

/**
 * One consumer's loop over the incident outbox: claims its rows, hands each to `handle`, marks it handled, or backs
 * it off on failure. Runs when nudged (a change committed in this process) and every `intervalMs` (rows from other
 * processes, retries, rows left by a crash). Never two passes at once; `stop()` waits for the pass under way.
 */
export class OutboxWorker {
  private timer?: NodeJS.Timeout;
  private nudges?: Subscription;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly outbox: IncidentOutbox,
    private readonly consumer: OutboxConsumerName,
    private readonly handle: (item: OutboxItem) => Promise<void>,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.nudges = this.outbox.written.subscribe(() => this.tick());
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  async stop(): Promise<void> {
    this.nudges?.unsubscribe();
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  /** Waits for a pass under way, then handles whatever is left: everything written so far is handled (tests). */
  async settle(): Promise<number> {
    while (this.running) await this.running;
    return this.runOnce();
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

  private tick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runOnce().catch((error: unknown) => this.logger.warn(`${this.consumer} outbox: ${error instanceof Error ? error.message : String(error)}`));
      } while (this.again && this.timer);
    })().finally(() => (this.running = undefined));
  }
}
