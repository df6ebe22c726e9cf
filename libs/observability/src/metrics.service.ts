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

  /**
   * A gauge read when Prometheus scrapes (queue lengths, what is waiting): `read` is called then, not before. A read
   * that fails (the database away) keeps the last value rather than failing the scrape.
   */
  gauge(name: string, help: string, read: () => number | Promise<number>, labels: Record<string, string> = {}): void {
    const existing = this.registry.getSingleMetric(name);
    const gauge = existing instanceof Gauge ? existing : new Gauge({ name, help, labelNames: Object.keys(labels), registers: [this.registry] });
    this.collectors.push(async () => {
      try {
        gauge.set(labels, await read());
      } catch {
        // keep the last value
      }
    });
  }

  private readonly collectors: (() => Promise<void>)[] = [];

  /** Runs every gauge's read, then renders the registry (used by the /metrics endpoint). */
  async render(): Promise<string> {
    await Promise.all(this.collectors.map((c) => c()));
    return this.registry.metrics();
  }
}
