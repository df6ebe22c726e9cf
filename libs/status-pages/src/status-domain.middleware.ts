import { Injectable, type NestMiddleware } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { DOMAIN_REQUESTS } from './domain-requests.js';
import { writeAnswer } from './status-answer.js';
import { STATUS_NOT_FOUND } from './status-not-found.js';
import { hostName, StatusDomains } from './status-domains.js';
import { StatusPagesController } from './status-pages.controller.js';
import { StatusSubscribersController } from './status-subscribers.controller.js';

/**
 * Custom domains: a request whose Host is a page's own host name is served that page (`/` → the page, `/feed.rss`,
 * `/badge/…`, `/live.js`, `/reports/YYYY-MM`, `/login`, `/signin`, `/signout`, `/subscribe` likewise; anything else there is a 404). The
 * domains come from `StatusDomains`, in memory: an unknown Host costs no query.
 */
@Injectable()
export class StatusDomainMiddleware implements NestMiddleware {
  constructor(
    private readonly domains: StatusDomains,
    private readonly moduleRef: ModuleRef,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    try {
      const route = await this.domains.route(hostName(req.headers.host));
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
      const report = /^\/reports\/(\d{4}-\d{2})$/.exec(url.pathname);
      if (get && report) return await pages.report(tenant, page, report[1]!, url.searchParams.get('format') ?? undefined, req, res);
      if (get && /^\/feed\.(rss|atom)$/.test(url.pathname)) return await pages.feed(tenant, page, url.pathname.slice(1), k, req, res);
      writeAnswer(req, res, STATUS_NOT_FOUND, true);
    } catch (error) {
      next(error);
    }
  }
}
