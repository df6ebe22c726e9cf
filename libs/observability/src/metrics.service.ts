import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process (not prom-client's global), so two apps in one test process do not collide. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'vigia_http_requests_total',
    help: 'HTTP requests served, by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'vigia_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigia_' });
  }

  /** A gauge read when Prometheus scrapes (queue lengths, what is waiting): `read` is called then, not before. */
  gauge(name: string, help: string, read: () => number): void {
    if (this.registry.getSingleMetric(name)) this.registry.removeSingleMetric(name);
    new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
  }
}
