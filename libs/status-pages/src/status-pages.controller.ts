import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CLOCK, type Clock } from '#lib/common';
import { CustomerReportAnswer, sendReportNotFound } from '#lib/reports';
import { PasswordHasher } from '#lib/tenancy';
import { type BadgeKind, BADGE_COLORS, formatMs, renderBadge, responseTimeColor } from './status-badge.js';
import { type CachedAnswer, etagOf, StatusPageCache } from './status-page.cache.js';
import { isPrivateAnswer, writeAnswer } from './status-answer.js';
import { StatusPageAccess } from './status-page-access.js';
import { StatusPageVisibility } from './status-page.entity.js';
import { STATUS_MESSAGES } from './status-page.i18n.js';
import { LIVE_SCRIPT } from './status-live.script.js';
import { renderPasswordForm, renderSigninForm, renderStatusPage } from './status-page.render.js';
import { CustomerSignin } from './customer-signin.service.js';
import { STATUS_NOT_FOUND as NOT_FOUND } from './status-not-found.js';
import { signinMessages } from './customer-signin.i18n.js';
import type { ComponentStatus } from './status-page.i18n.js';
import { type ComponentView, offersCustomerReports, type PageView, StatusPageSource } from './status-page.source.js';
import { renderFeed } from './status-feeds.js';
import { DOMAIN_REQUESTS } from './domain-requests.js';
import { StatusPagesService } from './status-pages.service.js';
import { SharedMinuteThrottle } from './shared-minute-throttle.js';

const SLUG = /^[a-z0-9-]{1,63}$/;
const LIVE_ANSWER: CachedAnswer = {
  status: 200, contentType: 'text/javascript; charset=utf-8', body: LIVE_SCRIPT, etag: etagOf(LIVE_SCRIPT), csp: "default-src 'none'; frame-ancestors 'none'",
  // A new script is a new URL (live.js?v=…): a day in any cache is safe.
  cacheControl: 'public, max-age=86400',
};
const COOKIE_DAYS = 30;
const BADGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *";

const STATUS_COLOR: Record<ComponentStatus, string> = { operational: BADGE_COLORS.green, degraded: BADGE_COLORS.amber, outage: BADGE_COLORS.red, maintenance: BADGE_COLORS.blue, unknown: BADGE_COLORS.grey };

function cookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

/** A small form body (the password), read by hand: the app parses no bodies outside GraphQL. */
export async function formBody(req: Request, limit = 4096): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The status pages as strangers see them: server-rendered HTML, SVG badges and RSS/Atom feeds, all answered from the
 * in-memory cache while it is fresh (no database access on a hit). Private pages check their signed link or cookie
 * against what the cache holds, so a refused visitor costs no query either. Unknown pages and refused links answer
 * the same 404.
 */
/** Wrong passwords a minute per page and connecting address; then 429 until the minute is over. */
export const PASSWORD_FAILURES_PER_MINUTE = 10;

@Controller('status')
export class StatusPagesController {
  constructor(
    private readonly pages: StatusPagesService,
    private readonly throttle: SharedMinuteThrottle,
    private readonly source: StatusPageSource,
    private readonly cache: StatusPageCache,
    private readonly access: StatusPageAccess,
    private readonly hasher: PasswordHasher,
    private readonly signins: CustomerSignin,
    private readonly customerReports: CustomerReportAnswer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':tenant/:page')
  async page(@Param('tenant') tenant: string, @Param('page') page: string, @Query('k') k: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const now = this.clock.now().getTime();
    const base = this.base(req, tenant, page);
    const answer = await this.cache.get(`page:${base === '/' ? 'domain' : 'path'}:${tenant}/${page}`, now, () => this.renderPage(tenant, page, now, base === '/' ? '' : base));
    if (!(await this.allowed(answer, k, req, res, now))) return;
    this.send(req, res, answer);
  }

  @Post(':tenant/:page/login')
  async login(@Param('tenant') tenant: string, @Param('page') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await formBody(req);
    const page = SLUG.test(tenant) && SLUG.test(slug) ? await this.pages.bySlugs(tenant, slug) : null;
    if (!page || page.visibility !== StatusPageVisibility.password || !page.passwordHash) return this.send(req, res, NOT_FOUND);
    const now = this.clock.now().getTime();
    // Attempts per page and connecting address a minute, counted in PostgreSQL before the password is checked: parallel
    // guesses, on one API process or several, are each counted first, so no more than the limit are ever checked.
    const key = `password|${page.id}|${req.ip ?? ''}`;
    const limited = !(await this.throttle.allow(key, PASSWORD_FAILURES_PER_MINUTE));
    const ok = !limited && (await this.hasher.verify(page.passwordHash, form.get('password') ?? ''));
    const base = this.base(req, tenant, slug);
    if (!ok) {
      const form = renderPasswordForm(page.language, `${base === '/' ? '' : base}/login`, true);
      return this.send(req, res, { status: limited ? 429 : 401, contentType: 'text/html; charset=utf-8', body: form.html, etag: etagOf(form.html), csp: form.csp }, true);
    }
    this.setCookie(req, res, page.id, page.authVersion, now);
    res.status(303).setHeader('Location', base).end();
  }

  /**
   * "Send me a sign-in link" on a customer-login page: the same answer (202 and the form again) whether or not the
   * address is the customer's; 400 for a malformed address, 429 past the limits (as the subscribe form).
   */
  @Post(':tenant/:page/signin')
  async signinRequest(@Param('tenant') tenant: string, @Param('page') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await formBody(req);
    const page = SLUG.test(tenant) && SLUG.test(slug) ? await this.pages.bySlugs(tenant, slug) : null;
    if (!page || page.visibility !== StatusPageVisibility.customer) return this.send(req, res, NOT_FOUND);
    const { outcome } = await this.signins.request(page, form.get('email') ?? '', req.ip ?? req.socket.remoteAddress ?? '');
    const w = signinMessages(page.language);
    if (outcome === 'limited') res.setHeader('Retry-After', '60');
    const status = outcome === 'invalid' ? 400 : outcome === 'limited' ? 429 : 202;
    const base = this.base(req, tenant, slug);
    const note = { text: outcome === 'invalid' ? w.badEmail : outcome === 'limited' ? w.tooMany : w.checkInbox, error: status >= 400 };
    const answer = renderSigninForm(page.language, `${base === '/' ? '' : base}/signin`, note);
    this.send(req, res, { status, contentType: 'text/html; charset=utf-8', body: answer.html, etag: etagOf(answer.html), csp: answer.csp }, true);
  }

  /**
   * The mailed sign-in link: genuine and not expired (15 minutes), for the page as it is now (its auth version), it
   * sets the page's cookie and sends the visitor to the page; anything else is the 404 of a page that does not exist.
   * Opening it changes nothing stored, so a mail scanner that opens it only gets a cookie of its own.
   */
  @Get(':tenant/:page/signin')
  async signin(@Param('tenant') tenant: string, @Param('page') slug: string, @Query('t') t: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = SLUG.test(tenant) && SLUG.test(slug) ? await this.pages.bySlugs(tenant, slug) : null;
    const now = this.clock.now().getTime();
    if (!page || page.visibility !== StatusPageVisibility.customer || !this.access.verifySignin(t, page.id, page.authVersion, Math.floor(now / 1000))) return this.send(req, res, NOT_FOUND, true);
    this.setCookie(req, res, page.id, page.authVersion, now);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.status(303).setHeader('Location', this.base(req, tenant, slug)).end();
  }

  /** Signing out of a private page: its cookie is cleared in this browser (a POST: a link cannot sign anyone out). */
  @Post(':tenant/:page/signout')
  async signout(@Param('tenant') tenant: string, @Param('page') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await formBody(req, 1024);
    const page = SLUG.test(tenant) && SLUG.test(slug) ? await this.pages.bySlugs(tenant, slug) : null;
    if (!page) return this.send(req, res, NOT_FOUND, true);
    res.append('Set-Cookie', `vigia_sp_${page.id}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${req.secure ? '; Secure' : ''}`);
    res.setHeader('Cache-Control', 'private, no-store');
    res.status(303).setHeader('Location', this.base(req, tenant, slug)).end();
  }

  @Get(':tenant/:page/badge/:component/:file')
  async badge(@Param('tenant') tenant: string, @Param('page') page: string, @Param('component') component: string, @Param('file') file: string, @Query('k') k: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const now = this.clock.now().getTime();
    const kind = /^(status|uptime|response-time)\.svg$/.exec(file)?.[1] as BadgeKind | undefined;
    const answer = kind
      ? await this.cache.get(`badge:${tenant}/${page}/${component}/${kind}`, now, async () => {
          const found = await this.view(tenant, page, now);
          const c = found?.view.components.find((x) => x.id === component);
          if (!found || !c) return NOT_FOUND;
          const svg = await this.badgeSvg(kind, found.view, c);
          return { status: 200, access: found.access, contentType: 'image/svg+xml', body: svg, etag: etagOf(svg), csp: BADGE_CSP };
        })
      : NOT_FOUND;
    if (!(await this.allowed(answer, k, req, res, now, false))) return;
    this.send(req, res, answer);
  }

  /** A badge's SVG: words and figures only (the component's display name, a status, a percentage, milliseconds). */
  private async badgeSvg(kind: BadgeKind, view: PageView, c: ComponentView): Promise<string> {
    const m = STATUS_MESSAGES[view.language];
    if (kind === 'status') return renderBadge(c.name, m.status[c.status], STATUS_COLOR[c.status]);
    if (kind === 'uptime') {
      const color = c.fraction === null ? BADGE_COLORS.grey : c.fraction >= 0.999 ? BADGE_COLORS.green : c.fraction >= 0.99 ? BADGE_COLORS.amber : BADGE_COLORS.red;
      return renderBadge(`${c.name} ${view.days}d`, c.fraction === null ? m.noData : `${(Math.floor(c.fraction * 10_000) / 100).toFixed(2)}%`, color);
    }
    const rt = await this.source.responseTime(view.tenantId, c);
    return renderBadge(`${c.name} ${m.medianResponse}`, rt === null ? m.noData : formatMs(rt.ms), rt === null ? BADGE_COLORS.grey : responseTimeColor(rt.ms));
  }

  /**
   * A customer's monthly SLA report, for the visitors of the customer's private page (its sign-in, link or password:
   * the page's cookie). Without the cookie: back to the page, which asks for it. Public pages have no reports here.
   */
  @Get(':tenant/:page/reports/:month')
  async report(@Param('tenant') tenant: string, @Param('page') slug: string, @Param('month') month: string, @Query('format') format: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = SLUG.test(tenant) && SLUG.test(slug) ? await this.pages.bySlugs(tenant, slug) : null;
    if (!page || !offersCustomerReports(page)) return this.send(req, res, NOT_FOUND, true);
    if (!this.canSee(page, req)) return void res.status(303).setHeader('Location', this.base(req, tenant, slug)).end();
    const found = await this.customerReports.customerOf(page.tenantId, page.customerId);
    if (!found || !(await this.customerReports.reportable(found.tenant, found.customer, month, this.clock.now().getTime()))) return sendReportNotFound(res);
    await this.customerReports.send(res, found.tenant, found.customer, month, format);
  }

  @Get(':tenant/:page/:file')
  async feed(@Param('tenant') tenant: string, @Param('page') page: string, @Param('file') file: string, @Query('k') k: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (file === 'live.js') return this.liveScript(req, res);
    const now = this.clock.now().getTime();
    const format = file === 'feed.rss' ? 'rss' : file === 'feed.atom' ? 'atom' : undefined;
    const host = (req.headers.host ?? '').toLowerCase();
    const origin = `${req.protocol}://${/^[a-z0-9.:[\]-]{1,255}$/.test(host) ? host : 'localhost'}`;
    const answer = format
      ? await this.cache.get(`feed:${origin}/${tenant}/${page}/${format}`, now, async () => {
          const found = await this.view(tenant, page, now);
          if (!found) return NOT_FOUND;
          const base = `${origin}${this.base(req, tenant, page)}`.replace(/\/$/, '');
          const xml = renderFeed(found.view, base || origin, { rss: `${base}/feed.rss`, atom: `${base}/feed.atom` }, format);
          return { status: 200, access: found.access, contentType: format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8', body: xml, etag: etagOf(xml), csp: "default-src 'none'; frame-ancestors 'none'" };
        })
      : NOT_FOUND;
    if (!(await this.allowed(answer, k, req, res, now, false))) return;
    this.send(req, res, answer);
  }

  /**
   * The live-refresh script (`…/live.js`, `/live.js` on a custom domain): the same static file for every page, so it is
   * served without looking the page up (no query, nothing about the page in it). Its URL carries its version.
   */
  liveScript(req: Request, res: Response): void {
    this.send(req, res, LIVE_ANSWER);
  }

  /**
   * The page's view, cached apart so the page, its badges and its feeds share one computation. Never taken stale: its
   * readers are renders, which run behind their own stale answers, so waiting for a fresh view costs no visitor.
   */
  private async view(tenant: string, slug: string, now: number): Promise<{ view: PageView; access: NonNullable<CachedAnswer['access']> } | undefined> {
    if (!SLUG.test(tenant) || !SLUG.test(slug)) return undefined;
    return this.cache.get(
      `view:${tenant}/${slug}`,
      now,
      async () => {
        const page = await this.pages.bySlugs(tenant, slug);
        if (!page) return undefined;
        return { view: await this.source.view(page), access: { pageId: page.id, visibility: page.visibility, authVersion: page.authVersion, language: page.language } };
      },
      { stale: false },
    );
  }

  private async renderPage(tenant: string, slug: string, now: number, base: string): Promise<CachedAnswer> {
    const found = await this.view(tenant, slug, now);
    if (!found) return NOT_FOUND;
    // Subscribing is offered on every page: a private page's HTML reaches only visitors who passed its password, link
    // or sign-in (allowed() runs before it is sent), and its subscribe POST checks the same cookie.
    const subscribe = `${base}/subscribe`;
    const signOut = found.access.visibility === StatusPageVisibility.customer ? `${base}/signout` : undefined;
    const reports = found.view.reportMonths.length ? `${base}/reports` : undefined;
    const { html, csp } = renderStatusPage(found.view, { feeds: { rss: `${base}/feed.rss`, atom: `${base}/feed.atom` }, subscribe, live: `${base}/live.js`, signOut, reports });
    return { status: 200, access: found.access, contentType: 'text/html; charset=utf-8', body: html, etag: etagOf(html), csp };
  }

  /**
   * Public: yes. A link page: its signed `k` or cookie. A password page: its cookie, else the password form (401). A
   * customer-login page: its cookie, else the sign-in form (401). Else 404.
   */
  private async allowed(answer: CachedAnswer, k: unknown, req: Request, res: Response, now: number, form = true): Promise<boolean> {
    const a = answer.access;
    if (!a || a.visibility === StatusPageVisibility.public) return true;
    const seconds = Math.floor(now / 1000);
    if (this.access.verifyCookie(cookies(req).get(`vigia_sp_${a.pageId}`), a.pageId, a.authVersion, seconds)) return true;
    if (a.visibility === StatusPageVisibility.link && this.access.verifyLink(k, a.pageId, a.authVersion, seconds)) {
      // The cookie ends when the link does: a link given for a day opened the page for 30.
      this.setCookie(req, res, a.pageId, a.authVersion, now, this.access.expiryOf(k));
      return true;
    }
    if (a.visibility === StatusPageVisibility.password && form) {
      const page = renderPasswordForm(a.language, `${req.path.replace(/\/$/, '')}/login`, false);
      this.send(req, res, { status: 401, contentType: 'text/html; charset=utf-8', body: page.html, etag: etagOf(page.html), csp: page.csp }, true);
      return false;
    }
    if (a.visibility === StatusPageVisibility.customer && form) {
      const page = renderSigninForm(a.language, `${req.path.replace(/\/$/, '')}/signin`);
      this.send(req, res, { status: 401, contentType: 'text/html; charset=utf-8', body: page.html, etag: etagOf(page.html), csp: page.csp }, true);
      return false;
    }
    this.send(req, res, NOT_FOUND, true);
    return false;
  }

  /** Whether this request may see the page: a public page, else the page's own valid cookie (no query). */
  canSee(page: { id: string; visibility: StatusPageVisibility; authVersion: number }, req: Request): boolean {
    if (page.visibility === StatusPageVisibility.public) return true;
    return this.access.verifyCookie(cookies(req).get(`vigia_sp_${page.id}`), page.id, page.authVersion, Math.floor(this.clock.now().getTime() / 1000));
  }

  /** The page's cookie, for 30 days or until `until` (seconds since the epoch: the link it came from), whichever is first. */
  private setCookie(req: Request, res: Response, pageId: string, authVersion: number, now: number, until?: number): void {
    const nowSeconds = Math.floor(now / 1000);
    const expires = Math.min(nowSeconds + COOKIE_DAYS * 86_400, until ?? Infinity);
    const secure = req.secure ? '; Secure' : '';
    res.append('Set-Cookie', `vigia_sp_${pageId}=${this.access.cookieValue(pageId, authVersion, expires)}; Path=/; Max-Age=${Math.max(0, expires - nowSeconds)}; HttpOnly; SameSite=Lax${secure}`);
  }

  /** Where the page lives for this request: `/` on its custom domain, else /status/<tenant>/<page>. */
  base(req: Request, tenant: string, page: string): string {
    return DOMAIN_REQUESTS.has(req) ? '/' : `/status/${tenant}/${page}`;
  }

  send(req: Request, res: Response, answer: CachedAnswer, isPrivate = isPrivateAnswer(answer)): void {
    writeAnswer(req, res, answer, isPrivate);
  }
}
