import { Controller, Get, Header, HttpException, HttpStatus } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DatabaseWatch } from './database-watch.service.js';
import { MetricsService } from './metrics.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
    private readonly databaseWatch: DatabaseWatch,
  ) {}

  /**
   * Liveness: the process answers and has reached its database within VIGIA_HEALTH_DB_GRACE_SECONDS. It never waits
   * on the database itself (a background ping does), so a slow query does not get the pod killed.
   */
  @Get('healthz')
  healthz(): { status: string } {
    const silentMs = this.databaseWatch.unreachableFor();
    if (silentMs !== undefined) {
      throw new HttpException(
        { status: 'unhealthy', database: `unreachable for ${Math.round(silentMs / 1000)} s` },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ok' };
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
