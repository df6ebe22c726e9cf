import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Sight } from './sight.js';

/**
 * Pings the database in the background so liveness can answer without touching it: a process that has not reached
 * its database for longer than VIGIA_HEALTH_DB_GRACE_SECONDS fails /healthz, so an orchestrator restarts it (a
 * process with no database sees nothing and must not look healthy). Shorter outages (a failover of PostgreSQL)
 * only fail /readyz.
 */
@Injectable()
export class DatabaseWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DatabaseWatch');
  /**
   * When the database last answered, on monotonic time: the silence is a duration measured by this process (a step of
   * the wall clock must not fake or hide it); the time of day it began is the injected clock's (`blind` below).
   */
  private lastOkAt = performance.now();
  private loop?: PeriodicWorker;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
    private readonly sight: Sight,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    // Several pings within the grace period, and at least one every 2 s: the dashboard's banner says within seconds
    // that Vigia cannot see (a SELECT 1 every 2 s costs nothing).
    const every = Math.min(2_000, Math.max(250, Math.floor(this.config.healthDbGraceMs / 4)));
    this.loop = new PeriodicWorker('database watch', () => this.ping(every), { everyMs: every, onError: () => undefined });
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }

  /** Milliseconds since the database last answered; undefined while within the grace period. */
  unreachableFor(now = performance.now()): number | undefined {
    const silent = now - this.lastOkAt;
    return silent > this.config.healthDbGraceMs ? silent : undefined;
  }

  /** One ping at a time: the PeriodicWorker never starts a pass before the last one ended. */
  private async ping(timeoutMs: number): Promise<void> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
      ]);
      if (this.unreachableFor()) this.logger.log('the database answers again');
      this.lastOkAt = performance.now();
      this.sight.sees('database');
    } catch (error) {
      const silentMs = performance.now() - this.lastOkAt;
      this.logger.warn(`database unreachable for ${Math.round(silentMs)} ms: ${error instanceof Error ? error.message : String(error)}`);
      // Blind since the last answer: nothing it recorded or decided after that is known to have happened.
      // A fixed phrase: /vigia-status is public, and a driver's error names hosts, users and databases (the log has it).
      this.sight.blind('database', "Vigia's database does not answer", new Date(this.clock.now().getTime() - silentMs));
    }
  }
}
