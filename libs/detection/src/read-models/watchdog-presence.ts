import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Sight } from '#lib/observability';

const CHECK_MS = 5_000;

/**
 * Seen from the API: is any watchdog probing? With monitors to watch and no watchdog heartbeat within the silence bound (`VIGIA_WATCHDOG_SILENCE_SECONDS`), every
 * health on screen is stale and outages go unseen — the API says so (`Sight`: the dashboard's banner), even though
 * it is itself fine. A database that does not answer is `DatabaseWatch`'s to say: then this check keeps its last word.
 */
@Injectable()
export class WatchdogPresence implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop = new PeriodicWorker('watchdog presence', () => this.check(), { everyMs: CHECK_MS, onError: () => undefined });

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly sight?: Sight,
  ) {}

  onApplicationBootstrap(): void {
    if (this.sight) this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  async check(): Promise<void> {
    const [row]: { live: number; last: Date | null; monitors: boolean; stalled: number; stalled_since: Date | null }[] = await this.dataSource.query(
      `WITH live AS (SELECT blind_since FROM watchdog_instances WHERE stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => $1))
       SELECT (SELECT count(*)::int FROM live) AS live,
              (SELECT count(*)::int FROM live WHERE blind_since IS NOT NULL) AS stalled,
              (SELECT min(blind_since) FROM live) AS stalled_since,
              (SELECT max(heartbeat_at) FROM watchdog_instances) AS last,
              EXISTS (SELECT 1 FROM inventory_monitor_catalog WHERE enabled AND deleted_at IS NULL) AS monitors`,
      [this.config.watchdogSilenceMs / 1000],
    );
    this.reportStalled(row?.stalled ?? 0, row?.live ?? 0, row?.stalled_since ?? null);
    if (!row || !row.monitors || row.live > 0) return this.sight!.sees('watchdogs');
    this.sight!.blind('watchdogs', row.last ? 'no watchdog is reporting' : 'no watchdog is running', row.last ? new Date(row.last) : this.clock.now());
  }

  /**
   * A live watchdog whose own probes stopped completing says so in its heartbeat row; shown here so a split deployment
   * (API and watchdogs in separate processes) has the banner too. A fixed phrase: the row's reason stays in its logs.
   * In the quick-start process the watchdog's own `probes` reason already says it.
   */
  private reportStalled(stalled: number, live: number, since: Date | null): void {
    if (!stalled || !since || this.sight!.status().reasons.some((r) => r.source === 'probes')) return this.sight!.sees('watchdog-probes');
    this.sight!.blind('watchdog-probes', `${stalled} of ${live} watchdogs' probes have stopped completing`, new Date(since));
  }
}
