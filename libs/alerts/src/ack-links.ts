import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { VigiaConfig } from '#lib/config';
import { SecretBox } from '#lib/secrets';
import { CLOCK, type Clock } from '#lib/common';

const VALID_SECONDS = 7 * 86_400;

/** Signed acknowledgement links for alert e-mails: one incident, one tenant, an expiry; nothing else can be forged. */
@Injectable()
export class AckLinks {
  private readonly key: Buffer;

  constructor(
    box: SecretBox,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = box.deriveKey('vigia ack links v1');
  }

  /**
   * `channelId`: the channel the link is sent through, signed into it, so an acknowledgement by link records whose
   * mailbox it came from. Links are made at delivery, per channel, and never stored where users can read them.
   */
  url(tenantId: string, incidentId: string, channelId?: string, now = this.clock.now().getTime(), userId?: string): string {
    const expires = Math.floor(now / 1000) + VALID_SECONDS;
    const channel = channelId ? `&c=${channelId}` : '';
    const user = userId ? `&u=${userId}` : '';
    return `${this.config.publicUrl}/alerts/ack/${incidentId}?t=${tenantId}${channel}${user}&e=${expires}&s=${this.sign(tenantId, incidentId, expires, channelId, userId)}`;
  }

  /** `userId`: a personal page's link (on-call), signed in, so the acknowledgement names the person paged. */
  verify(incidentId: string, query: Record<string, unknown>, now = this.clock.now().getTime()): { tenantId: string; channelId?: string; userId?: string } | undefined {
    const { t, e, s, c, u } = query;
    if (typeof t !== 'string' || typeof e !== 'string' || typeof s !== 'string' || !/^\d{1,12}$/.test(e)) return undefined;
    if ((c !== undefined && typeof c !== 'string') || (u !== undefined && typeof u !== 'string')) return undefined;
    const expected = Buffer.from(this.sign(t, incidentId, Number(e), c, u), 'base64url');
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || Number(e) * 1000 <= now) return undefined;
    return { tenantId: t, ...(c ? { channelId: c } : {}), ...(u ? { userId: u } : {}) };
  }

  private sign(tenantId: string, incidentId: string, expires: number, channelId?: string, userId?: string): string {
    const signed = `${tenantId}|${incidentId}|${expires}${channelId ? `|${channelId}` : ''}${userId ? `|u:${userId}` : ''}`;
    return createHmac('sha256', this.key).update(signed).digest('base64url');
  }
}
