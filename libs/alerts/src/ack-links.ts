import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { VigiaConfig } from '#lib/config';
import { SecretBox } from '#lib/secrets';

const VALID_SECONDS = 7 * 86_400;

/** Signed acknowledgement links for alert e-mails: one incident, one tenant, an expiry; nothing else can be forged. */
@Injectable()
export class AckLinks {
  private readonly key: Buffer;

  constructor(box: SecretBox, private readonly config: VigiaConfig) {
    this.key = box.deriveKey('vigia ack links v1');
  }

  url(tenantId: string, incidentId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + VALID_SECONDS;
    return `${this.config.publicUrl}/alerts/ack/${incidentId}?t=${tenantId}&e=${expires}&s=${this.sign(tenantId, incidentId, expires)}`;
  }

  verify(incidentId: string, query: Record<string, unknown>, now = Date.now()): string | undefined {
    const { t, e, s } = query;
    if (typeof t !== 'string' || typeof e !== 'string' || typeof s !== 'string' || !/^\d{1,12}$/.test(e)) return undefined;
    const expected = Buffer.from(this.sign(t, incidentId, Number(e)), 'base64url');
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || Number(e) * 1000 <= now) return undefined;
    return t;
  }

  private sign(tenantId: string, incidentId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${tenantId}|${incidentId}|${expires}`).digest('base64url');
  }
}
