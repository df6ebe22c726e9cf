import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request, Response } from 'express';
import { CLOCK, type Clock } from '#lib/common';
import { etagOf } from './status-page.cache.js';
import type { StatusPage } from './status-page.entity.js';
import { renderManageForm, renderSubscriberAnswer, type RenderedHtml } from './status-page.render.js';
import { formBody, StatusPagesController } from './status-pages.controller.js';
import { STATUS_NOT_FOUND } from './status-not-found.js';
import { StatusPagesService } from './status-pages.service.js';
import { subscriberMessages } from './status-subscriber.i18n.js';
import { StatusSubscribersService } from './status-subscribers.service.js';
import { SubscriberLinks } from './subscriber-links.js';

const SLUG = /^[a-z0-9-]{1,63}$/;

/**
 * The public side of subscribing, no login and no script: the page's form posts an address here; the mail's links
 * confirm and unsubscribe. A link that is tampered with, expired or names a subscriber no longer there is a 404 and
 * changes nothing. Unsubscribing by GET only shows a button (mail scanners open links); the button and the mail
 * client's one-click (RFC 8058: POST `List-Unsubscribe=One-Click`) do it.
 */
@Controller('status')
export class StatusSubscribersController {
  constructor(
    private readonly pages: StatusPagesService,
    private readonly subscribers: StatusSubscribersService,
    private readonly links: SubscriberLinks,
    private readonly moduleRef: ModuleRef,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The pages' controller sends every answer (the same security headers); a controller is not a provider to inject. */
  private get controller(): StatusPagesController {
    return this.moduleRef.get(StatusPagesController, { strict: false });
  }

  @Post(':tenant/:page/subscribe')
  async subscribe(@Param('tenant') tenant: string, @Param('page') slug: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.page(tenant, slug);
    // A private page: only a visitor who can see it (its cookie, set by the password, the link or the sign-in).
    if (!page || !this.controller.canSee(page, req)) return this.notFound(req, res);
    // Room for the address and up to 200 chosen components (`component=<uuid>` each).
    const form = await formBody(req, 16_384);
    const w = subscriberMessages(page.language);
    const outcome = await this.subscribers.subscribe(page, form.get('email') ?? '', req.ip ?? req.socket.remoteAddress ?? '', form.getAll('component'));
    if (outcome === 'limited') res.setHeader('Retry-After', '60');
    const status = outcome === 'invalid' || outcome === 'invalid-components' || outcome === 'not-customer' ? 400 : outcome === 'limited' ? 429 : 202;
    const text = { invalid: w.badEmail, 'invalid-components': w.badComponent, 'not-customer': w.notCustomerAddress, limited: w.tooMany, queued: w.checkInbox, quiet: w.checkInbox }[outcome];
    this.answer(req, res, status, page.language, renderSubscriberAnswer(page.language, w.subscribeTitle, text, { error: status >= 400 }));
  }

  /**
   * The confirmation link only shows a button (the link checked, nothing changed): mail scanners open every link, and
   * a GET that confirmed would confirm subscriptions nobody asked for, which is what double opt-in is there to stop.
   */
  @Get(':tenant/:page/confirm')
  async confirmForm(@Param('tenant') tenant: string, @Param('page') slug: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.page(tenant, slug);
    const id = page ? this.links.verifyConfirm(query, Math.floor(this.clock.now().getTime() / 1000)) : undefined;
    if (!page || !id) return this.invalid(req, res, page);
    const w = subscriberMessages(page.language);
    // The form posts to this very URL (its signed query included).
    this.answer(req, res, 200, page.language, renderSubscriberAnswer(page.language, w.subscribeTitle, page.title, { form: { action: req.originalUrl, button: w.confirmButton } }));
  }

  @Post(':tenant/:page/confirm')
  async confirm(@Param('tenant') tenant: string, @Param('page') slug: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await formBody(req, 1024); // read and dropped: the signed query says who
    const page = await this.page(tenant, slug);
    const id = page ? this.links.verifyConfirm(query, Math.floor(this.clock.now().getTime() / 1000)) : undefined;
    if (!page || !id || !(await this.subscribers.confirm(page, id))) return this.invalid(req, res, page);
    const w = subscriberMessages(page.language);
    this.answer(req, res, 200, page.language, renderSubscriberAnswer(page.language, w.subscribeTitle, w.confirmed));
  }

  @Get(':tenant/:page/unsubscribe')
  async unsubscribeForm(@Param('tenant') tenant: string, @Param('page') slug: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.page(tenant, slug);
    const id = page ? this.links.verifyUnsubscribe(query) : undefined;
    if (!page || !id) return this.invalid(req, res, page);
    const w = subscriberMessages(page.language);
    // The form posts to this very URL (its signed query included).
    const action = req.originalUrl;
    this.answer(req, res, 200, page.language, renderSubscriberAnswer(page.language, w.unsubscribeTitle, page.title, { form: { action, button: w.unsubscribeButton } }));
  }

  @Post(':tenant/:page/unsubscribe')
  async unsubscribe(@Param('tenant') tenant: string, @Param('page') slug: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    await formBody(req, 1024); // read and dropped: the signed query says who; the body is RFC 8058's fixed text
    const page = await this.page(tenant, slug);
    const id = page ? this.links.verifyUnsubscribe(query) : undefined;
    if (!page || !id || !(await this.subscribers.unsubscribe(page, id))) return this.invalid(req, res, page);
    const w = subscriberMessages(page.language);
    this.answer(req, res, 200, page.language, renderSubscriberAnswer(page.language, w.unsubscribeTitle, w.unsubscribed));
  }

  /**
   * The manage link of every mail (no login, never expires, like unsubscribe): a form of the page's components with the
   * subscriber's choice ticked. Changes nothing by itself; its POST saves.
   */
  @Get(':tenant/:page/manage')
  async manageForm(@Param('tenant') tenant: string, @Param('page') slug: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = await this.page(tenant, slug);
    const id = page ? this.links.verifyManage(query) : undefined;
    const chosen = page && id ? await this.subscribers.choice(page, id) : undefined;
    if (!page || !id || !chosen) return this.invalid(req, res, page);
    this.answer(req, res, 200, page.language, renderManageForm(page.language, page.title, req.originalUrl, await this.choices(page), chosen));
  }

  @Post(':tenant/:page/manage')
  async manage(@Param('tenant') tenant: string, @Param('page') slug: string, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = await formBody(req, 16_384);
    const page = await this.page(tenant, slug);
    const id = page ? this.links.verifyManage(query) : undefined;
    if (!page || !id) return this.invalid(req, res, page);
    const chosen = form.getAll('component');
    const outcome = await this.subscribers.choose(page, id, chosen);
    if (outcome === 'missing') return this.invalid(req, res, page);
    const w = subscriberMessages(page.language);
    const note = outcome === 'saved' ? { text: w.manageSaved, error: false } : { text: w.badComponent, error: true };
    const now = outcome === 'saved' ? chosen : ((await this.subscribers.choice(page, id)) ?? []);
    this.answer(req, res, outcome === 'saved' ? 200 : 400, page.language, renderManageForm(page.language, page.title, req.originalUrl, await this.choices(page), now, note));
  }

  /** The page's components as the subscription form labels them ("group · name"). */
  private async choices(page: StatusPage): Promise<{ id: string; label: string }[]> {
    return (await this.pages.componentsOfPage(page)).map((c) => ({ id: c.id, label: c.groupName ? `${c.groupName} · ${c.displayName}` : c.displayName }));
  }

  private page(tenant: string, slug: string): Promise<StatusPage | null> {
    return SLUG.test(tenant) && SLUG.test(slug) ? this.pages.bySlugs(tenant, slug) : Promise.resolve(null);
  }

  private invalid(req: Request, res: Response, page: StatusPage | null): void {
    if (!page) return this.notFound(req, res);
    const w = subscriberMessages(page.language);
    this.answer(req, res, 404, page.language, renderSubscriberAnswer(page.language, w.unsubscribeTitle, w.linkInvalid, { error: true }));
  }

  private notFound(req: Request, res: Response): void {
    this.controller.send(req, res, STATUS_NOT_FOUND, true);
  }

  private answer(req: Request, res: Response, status: number, _language: string, page: RenderedHtml): void {
    // Personal answers: never cached, by the process or anyone on the way.
    this.controller.send(req, res, { status, contentType: 'text/html; charset=utf-8', body: page.html, etag: etagOf(page.html), csp: page.csp }, true);
  }
}
