import { Controller, Get, Header, HttpException, HttpStatus } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service.js';

@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. Never touches the database, so a slow DB does not get the pod killed. */
  @Get('healthz')
  healthz(): { status: string } {
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
