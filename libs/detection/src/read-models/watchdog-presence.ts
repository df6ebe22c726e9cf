import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Sight } from '#lib/observability';

const CHECK_MS = 5_000;

/**
 * Seen from the API: is any watchdog probing? With monitors to watch and no watchdog heartbeat for three beats, every
 * health on screen is stale and outages go unseen — the API says so (`Sight`: the dashboard's banner), even though
 * it is itself fine. A database that does not answer is `DatabaseWatch`'s to say: then this check keeps its last word.
 */
@Injectable()
export class WatchdogPresence implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PeriodicWorker('watchdog presence', () => this.check(), { everyMs: CHECK_MS, onError: () => undefined });

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
    @Optional() private readonly sight?: Sight,
  ) {}

  onApplicationBootstrap(): void {
    if (this.sight) this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  async check(): Promise<void> {
    const [row]: { live: number; last: Date | null; monitors: boolean }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM watchdog_instances WHERE stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => $1)) AS live,
              (SELECT max(heartbeat_at) FROM watchdog_instances) AS last,
              EXISTS (SELECT 1 FROM monitors WHERE enabled AND deleted_at IS NULL) AS monitors`,
      [(3 * this.config.watchdogHeartbeatMs) / 1000],
    );
    if (!row || !row.monitors || row.live > 0) return this.sight!.sees('watchdogs');
    this.sight!.blind('watchdogs', row.last ? 'no watchdog is reporting' : 'no watchdog is running', row.last ? new Date(row.last) : new Date());
  }
}
