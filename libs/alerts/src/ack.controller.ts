import { Controller, Get, Header, NotFoundException, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { escapeHtml, isUuid, setPageSecurityHeaders } from '#lib/common';
import { IncidentsService } from '#lib/incidents';
import { AckLinks } from './ack-links.js';
import { AlertsService } from './alerts.service.js';

const page = (body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Vigia</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">${body}</body></html>`;

/**
 * Acknowledge from the alert e-mail. GET only shows a button (mail scanners open links; they must not acknowledge
 * anything); the POST acknowledges. An invalid or expired link answers 404.
 */
@Controller('alerts/ack')
export class AckController {
  constructor(
    private readonly links: AckLinks,
    private readonly alerts: AlertsService,
    private readonly incidents: IncidentsService,
  ) {}

  @Get(':incidentId')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async confirm(@Param('incidentId') incidentId: string, @Query() query: Record<string, string>, @Res({ passthrough: true }) res: Response): Promise<string> {
    setPageSecurityHeaders(res);
    const link = isUuid(incidentId) ? this.links.verify(incidentId, query) : undefined;
    if (!link || !isUuid(link.tenantId)) throw new NotFoundException();
    const headline = await this.alerts.ackHeadline(link.tenantId, incidentId);
    // A grouped message ("3 outages at once") carries one link, and the POST acknowledges every outage it listed:
    // the page names them all.
    const grouped = link.channelId && isUuid(link.channelId) ? await this.alerts.groupedWith(link.tenantId, incidentId, link.channelId) : [];
    const others = (await Promise.all(grouped.map((id) => this.alerts.ackHeadline(link.tenantId, id)))).filter((h) => h !== null);
    const also = others.length ? `<p>With it, the other outage${others.length === 1 ? '' : 's'} of the same message:</p><ul>${others.map((o) => `<li>${escapeHtml(o.what)} — ${escapeHtml(o.state)}</li>`).join('')}</ul>` : '';
    const named = headline ? `<p><strong>${escapeHtml(headline.what)}</strong></p><p>${escapeHtml(headline.state)}</p>${also}` : '';
    const channel = query.c ? `&c=${encodeURIComponent(query.c)}` : '';
    const user = query.u ? `&u=${encodeURIComponent(query.u)}` : '';
    const action = `?t=${encodeURIComponent(query.t!)}${channel}${user}&e=${encodeURIComponent(query.e!)}&s=${encodeURIComponent(query.s!)}`;
    // Nothing left to acknowledge (already done, or recovered): say so, without a button that would do nothing.
    if (headline?.settled && !others.some((o) => !o.settled)) return page(`<h1>Nothing to acknowledge</h1>${named}`);
    return page(`<h1>Acknowledge this incident?</h1>${named}<p>Escalation stops; the incident stays open until it recovers.</p><form method="post" action="${action}"><button type="submit" style="font-size:1.2rem;padding:.6rem 1.2rem">Acknowledge</button></form>`);
  }

  @Post(':incidentId')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async acknowledge(@Param('incidentId') incidentId: string, @Query() query: Record<string, string>, @Res({ passthrough: true }) res: Response): Promise<string> {
    setPageSecurityHeaders(res);
    const link = isUuid(incidentId) ? this.links.verify(incidentId, query) : undefined;
    if (!link || !isUuid(link.tenantId) || (link.channelId && !isUuid(link.channelId)) || (link.userId && !isUuid(link.userId))) throw new NotFoundException();
    // Who: the person paged (a personal page), or the channel (and so the mailbox) the link was sent to; older links without either say only "e-mail link".
    const by = link.userId ? await this.alerts.personRecipient(link.tenantId, link.userId) : link.channelId ? await this.alerts.linkRecipient(link.tenantId, link.channelId) : 'e-mail link';
    const done = await this.incidents.acknowledge(link.tenantId, incidentId, by);
    // A grouped message ("3 outages at once") carries one link, for its first outage: it acknowledges every outage
    // that message listed (only the first was, while the page said escalation had stopped).
    let others = 0;
    for (const id of link.channelId ? await this.alerts.groupedWith(link.tenantId, incidentId, link.channelId) : []) {
      if (await this.incidents.acknowledge(link.tenantId, id, by)) others++;
    }
    const also = others ? `<p>With it, ${others} other outage${others === 1 ? '' : 's'} of the same message.</p>` : '';
    const headline = await this.alerts.ackHeadline(link.tenantId, incidentId);
    const named = headline ? `<p><strong>${escapeHtml(headline.what)}</strong></p>` : '';
    return page(done || others ? `<h1>Acknowledged.</h1>${named}<p>Escalation stopped.</p>${also}` : `<h1>Already acknowledged or resolved.</h1>${named}${headline ? `<p>${escapeHtml(headline.state)}</p>` : ''}`);
  }
}
