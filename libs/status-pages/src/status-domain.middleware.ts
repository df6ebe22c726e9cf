import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { CLOCK, type Clock } from '#lib/common';
import { DOMAIN_REQUESTS } from './domain-requests.js';
import { StatusPagesController } from './status-pages.controller.js';
import { StatusSubscribersController } from './status-subscribers.controller.js';
import { StatusPagesService } from './status-pages.service.js';


/**
 * Custom domains: a request whose Host is a page's own host name is served that page (`/` → the page, `/feed.rss`,
 * `/badge/…`, `/live.js`, `/login`, `/signin`, `/signout`, `/subscribe` likewise; anything else there is a 404). The domains are held in memory and reloaded at most every 10 s, so an unknown Host (the API's
 * own, or a stranger's) costs no query.
 */
@Injectable()
export class StatusDomainMiddleware implements NestMiddleware {
  private domains = new Map<string, [string, string]>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;
  private readonly logger = new Logger('StatusDomains');

  constructor(
    private readonly pages: StatusPagesService,
    private readonly moduleRef: ModuleRef,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
      const now = this.clock.now().getTime();
      const changedHere = this.pages.domainsChanged;
      if (now - this.loadedAt > 10_000 || changedHere) {
        this.loading ??= this.load(now).finally(() => (this.loading = undefined));
        // Awaited only for the first load and for a change made in this process (served at once); the periodic
        // refresh runs behind the request, so a database that is slow or gone never holds up /healthz,
        // /vigia-status or the API (the last known domains keep being served).
        if (changedHere || this.loadedAt === -Infinity) await this.loading;
      }
      const route = this.domains.get(host);
      if (!route) return next();
      // Dispatched here rather than by rewriting the URL: under Nest's wildcard mount a rewritten URL is not routed again.
      DOMAIN_REQUESTS.add(req);
      const [tenant, page] = route;
      const url = new URL(req.originalUrl, 'http://vigia');
      const k = url.searchParams.get('k') ?? undefined;
      const pages = this.moduleRef.get(StatusPagesController, { strict: false });
      const badge = /^\/badge\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      const get = req.method === 'GET' || req.method === 'HEAD';
      if (get && url.pathname === '/') return await pages.page(tenant, page, k, req, res);
      if (req.method === 'POST' && url.pathname === '/login') return await pages.login(tenant, page, req, res);
      if (req.method === 'POST' && url.pathname === '/signin') return await pages.signinRequest(tenant, page, req, res);
      if (get && url.pathname === '/signin') return await pages.signin(tenant, page, url.searchParams.get('t') ?? undefined, req, res);
      if (req.method === 'POST' && url.pathname === '/signout') return await pages.signout(tenant, page, req, res);
      if (req.method === 'POST' && url.pathname === '/subscribe') return await this.moduleRef.get(StatusSubscribersController, { strict: false }).subscribe(tenant, page, req, res);
      if (get && badge) return await pages.badge(tenant, page, decodeURIComponent(badge[1]!), badge[2]!, k, req, res);
      if (get && url.pathname === '/live.js') return pages.liveScript(req, res);
      if (get && /^\/feed\.(rss|atom)$/.test(url.pathname)) return await pages.feed(tenant, page, url.pathname.slice(1), k, req, res);
      res.status(404).type('text/plain').send('Not found\n');
    } catch (error) {
      next(error);
    }
  }

  private async load(now: number): Promise<void> {
    this.pages.domainsChanged = false;
    try {
      this.domains = await this.pages.domainRoutes();
    } catch (error) {
      // The database away: keep the domains known so far and try again in 10 s; requests are never failed for it.
      this.logger.warn(`custom domains not reloaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.loadedAt = now;
  }
}
