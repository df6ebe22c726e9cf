import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { HostMaintenance, type Occurrence, occurrences } from '#lib/detection';
import { StatusMaintenanceNotice } from './status-page.entity.js';
import { StatusPageCache } from './status-page.cache.js';
import { type MaintenancePhase, queueForSubscribers } from './status-notifications.js';
import { StatusPagesService } from './status-pages.service.js';

/**
 * How long after an occurrence's end its "completed" notice is still queued. A process down for longer sends none:
 * by then it is old news, and a restart must not mail every subscriber about windows that ended hours ago.
 */
export const MAINTENANCE_END_GRACE_MS = 3600_000;
/** How often announced windows are looked at: a start or an end is told within this (plus the queue's second). */
export const MAINTENANCE_SCAN_MS = 15_000;

/** What is due about one window at `now`: the start of an occurrence in progress, the end of one ended within the grace. */
export function dueMaintenanceEvents(window: Parameters<typeof occurrences>[0], now: Date): DueMaintenanceEvent[] {
  return occurrences(window, new Date(now.getTime() - MAINTENANCE_END_GRACE_MS), new Date(now.getTime() + 1)).flatMap((o): DueMaintenanceEvent[] =>
    o.endsAt.getTime() <= now.getTime() ? [{ ...o, phase: 'ended' }] : o.startsAt.getTime() <= now.getTime() ? [{ ...o, phase: 'started' }] : [],
  );
}

type DueMaintenanceEvent = Occurrence & { phase: Exclude<MaintenancePhase, 'announced'> };

/**
 * Tells subscribers when an announced maintenance window's occurrence starts and when it ends (issue 17), through the
 * same durable queue as posts: each event is queued once per occurrence and subscriber (`maintenance-started:` /
 * `maintenance-ended:<window>:<occurrence start>`, unique with the subscriber), in one transaction for every page the
 * window covers, to the subscribers of the components it covers there (or of all). Any API process may run it at any
 * time: a second run, or another replica's, queues nothing more. A process that dies before the commit leaves it to
 * the next pass (late, never lost) — as long as the occurrence is still in progress (a start) or ended less than
 * `MAINTENANCE_END_GRACE_MS` ago (an end).
 */
@Injectable()
export class StatusMaintenanceScanner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StatusMaintenance');
  readonly loop = new PeriodicWorker('status maintenance notices', () => this.runOnce().then(() => undefined), {
    everyMs: MAINTENANCE_SCAN_MS,
    onError: (e) => this.logger.warn(`maintenance notices: ${String(e)}`),
  });
  /**
   * Events this process has queued already: finding a window's pages and components again every pass while it is in
   * progress would cost a tenant with thousands of per-customer pages thousands of queries. Only a shortcut: the
   * unique key is what makes it once.
   */
  private readonly queued = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(StatusMaintenanceNotice) private readonly notices: Repository<StatusMaintenanceNotice>,
    private readonly pages: StatusPagesService,
    private readonly maintenance: HostMaintenance,
    private readonly cache: StatusPageCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Queues what is due now; returns how many events (window occurrence and phase) it queued. */
  async runOnce(): Promise<number> {
    const now = this.clock.now();
    const byTenant = new Map<string, StatusMaintenanceNotice[]>();
    for (const notice of await this.notices.find()) byTenant.set(notice.tenantId, [...(byTenant.get(notice.tenantId) ?? []), notice]);
    let count = 0;
    for (const [tenantId, notices] of byTenant) {
      const windows = new Map((await this.maintenance.windowsOf(tenantId, notices.map((n) => n.windowId))).map((w) => [w.id, w]));
      for (const notice of notices) {
        const window = windows.get(notice.windowId);
        if (!window) continue;
        for (const due of dueMaintenanceEvents(window, now)) {
          const key = `maintenance-${due.phase}:${window.id}:${due.startsAt.toISOString()}`;
          if (this.queued.has(key)) continue;
          const covered = await this.pages.pagesCovering(tenantId, window);
          const payload = { noticeId: notice.id, title: notice.title, body: notice.body, startsAt: due.startsAt.toISOString(), endsAt: due.endsAt.toISOString(), phase: due.phase };
          await this.dataSource.transaction(async (manager) => {
            for (const { page, components } of covered) await queueForSubscribers(manager, page.id, key, 'maintenance', payload, components);
          });
          if (this.queued.size >= 10_000) this.queued.clear();
          this.queued.add(key);
          count++;
        }
      }
    }
    // The pages say "in progress" or "completed" from now on: not after their cache's TTL.
    if (count) this.cache.invalidate();
    return count;
  }
}
