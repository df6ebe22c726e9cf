import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Sight } from './sight.js';

/** One call must not hold the next: a receiver that does not answer within this is a missed beat. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * The dead man's switch (VIGIA_DEADMAN_URL): "still seeing" every VIGIA_DEADMAN_SECONDS, sent only while this process
 * can see. A process that is blind, hung or gone stops calling, and the receiver (outside Vigia) alerts. The URL is
 * the platform operator's own setting, not a tenant's: it is not subject to the tenants' egress policy.
 */
@Injectable()
export class DeadMansSwitch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeadMansSwitch');
  private loop?: PeriodicWorker;
  private silent = false;
  /** Calls answered with a 2xx since start (tests and /metrics-free checks read it). */
  sent = 0;

  constructor(
    private readonly config: VigiaConfig,
    private readonly sight: Sight,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.deadman.url) return;
    this.loop = new PeriodicWorker('dead man\'s switch', () => this.beat(), { everyMs: this.config.deadman.everyMs, onError: () => undefined });
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }

  private async beat(): Promise<void> {
    const status = this.sight.status();
    if (!status.seeing) {
      if (!this.silent) this.logger.warn(`dead man's switch silent: Vigia cannot see (${status.reasons.map((r) => r.reason).join('; ')})`);
      this.silent = true;
      return;
    }
    this.silent = false;
    try {
      const response = await fetch(this.config.deadman.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vigia: 'seeing', process: hostname(), roles: [...this.config.roles], at: this.clock.now().toISOString() }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) this.sent += 1;
      else this.logger.warn(`dead man's switch: the receiver answered ${response.status}`);
    } catch (error) {
      this.logger.warn(`dead man's switch: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
