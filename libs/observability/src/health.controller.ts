import { Controller, Get, Header, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseWatch } from './database-watch.service.js';
import { MetricsService } from './metrics.service.js';
import { Sight, type SightStatus } from './sight.js';
import { CLOCK, type Clock } from '#lib/common';

@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly databaseWatch: DatabaseWatch,
    private readonly sight: Sight,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Liveness: the process answers, has reached its database within VIGIA_HEALTH_DB_GRACE_SECONDS, and (a watchdog)
   * its probes still complete. It never waits on the database itself (a background ping does), so a slow query does
   * not get the pod killed. A process that cannot see must not look healthy: an orchestrator restarts it.
   */
  @Get('healthz')
  healthz(): { status: string } {
    const silentMs = this.databaseWatch.unreachableFor();
    const stalled = this.sight.status().reasons.find((r) => r.source === 'probes');
    if (silentMs !== undefined || stalled) {
      throw new HttpException(
        {
          status: 'unhealthy',
          ...(silentMs !== undefined ? { database: `unreachable for ${Math.round(silentMs / 1000)} s` } : {}),
          ...(stalled ? { probes: stalled.reason } : {}),
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ok' };
  }

  /**
   * Can Vigia see? For the dashboard's banner on every page ("Vigia cannot see since 03:12"): no login and no
   * database needed, so it answers exactly when the rest cannot. Says what is missing and since when, nothing else.
   */
  @Get('vigia-status')
  @Header('Cache-Control', 'no-store')
  status(): SightStatus & { now: Date } {
    return { ...this.sight.status(), now: this.clock.now() };
  }

  /** Readiness: the database answers within 2 s. */
  @Get('readyz')
  async readyz(): Promise<{ status: string; database: string }> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
      return { status: 'ok', database: 'ok' };
    } catch {
      throw new HttpException({ status: 'unavailable', database: 'unreachable' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.render();
  }
}
