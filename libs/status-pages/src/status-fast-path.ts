import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { CLOCK, type Clock } from '#lib/common';
import { httpRouteLabel, MetricsService } from '#lib/observability';
import { writeAnswer } from './status-answer.js';
import { hostName, StatusDomains } from './status-domains.js';
import type { CachedAnswer } from './status-page.cache.js';
import { StatusPageCache } from './status-page.cache.js';
import { StatusPageVisibility } from './status-page.entity.js';

/** `/status/<tenant>/<page>`, lower case, nothing after it but a query: the only path the fast path answers. */
const PAGE_PATH = /^\/status\/([a-z0-9-]{1,63})\/([a-z0-9-]{1,63})(?:\?|$)/;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A public status page's cache hit answered before Express: a status page is what gets hammered when something
 * is down, and on a 2-core machine Express's router, the request logger and the middleware chain cost more than the
 * answer itself (a `Map` lookup and a write). A stale answer is served here only while its refresh runs (the long way
 * started it). Everything else — a miss, a stale answer with no refresh running yet, a private page, a custom domain whose routes are due to be read again, any other path or method — goes the
 * long way, unchanged. The answer is written by the same `writeAnswer` as the controller's, so both are byte for byte
 * the same; it is counted in `/metrics` under the label the long way gives it; it is not in the request log (those hits are what a
 * reverse proxy's access log is for).
 */
@Injectable()
export class StatusFastPath implements OnApplicationBootstrap {
  /** Answers given here (tests read it: a hit must not reach Express). */
  served = 0;
  private readonly logger = new Logger('StatusFastPath');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly cache: StatusPageCache,
    private readonly domains: StatusDomains,
    private readonly metrics: MetricsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    // Put in front of Express's handler, which stays the one that answers everything else.
    const handlers = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      let answered = false;
      try {
        answered = this.tryAnswer(req, res);
      } catch (error) {
        // Outside Express nothing else would catch it, and a throw in a 'request' listener ends the process.
        this.logger.error(`status page fast path: ${error instanceof Error ? error.message : String(error)}`);
        // Nothing written yet: the long way answers it; half written: the connection is cut rather than garbled.
        if (res.headersSent) return void res.destroy();
      }
      if (!answered) for (const handler of handlers) handler.call(server, req, res);
    });
  }

  /** Answers the request if it is a public page in the cache; false (nothing written) otherwise. */
  tryAnswer(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const answer = this.hit(req);
    if (!answer || answer.status !== 200 || answer.access?.visibility !== StatusPageVisibility.public) return false;
    const end = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The label the long way's metrics middleware gives the same URL (`/status`, or `/` on a custom domain).
      const route = httpRouteLabel(req.url ?? '', res.statusCode);
      end({ method: req.method, route });
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    writeAnswer(req, res, answer, false);
    this.served++;
    return true;
  }

  /** The cached answer this request would be given, by the key the controller files it under. */
  private hit(req: IncomingMessage): CachedAnswer | undefined {
    const url = req.url ?? '';
    const now = this.clock.now().getTime();
    const route = this.domains.routeNow(hostName(req.headers.host), now);
    if (route === 'stale') return undefined;
    if (route) return url === '/' || url.startsWith('/?') ? this.cache.peekServable<CachedAnswer>(`page:domain:${route[0]}/${route[1]}`, now) : undefined;
    const path = PAGE_PATH.exec(url);
    return path ? this.cache.peekServable<CachedAnswer>(`page:path:${path[1]}/${path[2]}`, now) : undefined;
  }
}
