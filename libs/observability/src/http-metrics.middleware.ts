import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service.js';

/**
 * The `route` label of a request: the first path segment (/graphql, /healthz, /status), a handful of values; unknown
 * paths share one label. Not the raw URL, so ids in paths cannot explode the metric's cardinality. Also used by the
 * answers given before Express (the status pages' fast path), so a page is counted under one label either way.
 */
export function httpRouteLabel(url: string, statusCode: number): string {
  return statusCode === 404 ? 'unmatched' : `/${url.split('?')[0]?.split('/')[1] ?? ''}`;
}

/** Counts and times every request by method, route label and status. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = httpRouteLabel(req.originalUrl, res.statusCode);
      end({ method: req.method, route });
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}
