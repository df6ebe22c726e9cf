import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';

/** Labels by route path (not the raw URL) so ids in paths cannot explode the metric's cardinality. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The first path segment (/graphql, /healthz, later /reports): a handful of values. Unknown paths share one label.
      const route = res.statusCode === 404 ? 'unmatched' : `/${req.originalUrl.split('?')[0]?.split('/')[1] ?? ''}`;
      end({ method: req.method, route });
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}
