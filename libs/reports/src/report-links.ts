import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SecretBox } from '#lib/secrets';
import { MONTH_PATTERN } from './periods.js';

export interface LinkClaims {
  tenantId: string;
  customerId: string;
  /** Calendar month `YYYY-MM` in the tenant's time zone. */
  month: string;
  /** Expiry, seconds since the epoch. */
  expires: number;
}

/**
 * Expiring links to a customer's SLA page, signed with HMAC-SHA256 under a key derived from the master key: a
 * customer can be sent a URL, and nobody can alter the customer, the month or the expiry without breaking it.
 */
@Injectable()
export class ReportLinks {
  private readonly key: Buffer;

  constructor(box: SecretBox) {
    this.key = box.deriveKey('vigia report links v1');
  }

  sign(claims: LinkClaims): string {
    const params = new URLSearchParams({ t: claims.tenantId, m: claims.month, e: String(claims.expires) });
    params.set('s', this.signature(claims));
    return `/reports/customers/${claims.customerId}?${params.toString()}`;
  }

  /** The claims of a valid, unexpired link; undefined for anything else (the page then answers 404, saying nothing). */
  verify(customerId: string, query: Record<string, unknown>, nowSeconds: number): LinkClaims | undefined {
    const { t, m, e, s } = query;
    if (typeof t !== 'string' || typeof m !== 'string' || typeof e !== 'string' || typeof s !== 'string') return undefined;
    if (!MONTH_PATTERN.test(m) || !/^\d{1,12}$/.test(e)) return undefined;
    const claims: LinkClaims = { tenantId: t, customerId, month: m, expires: Number(e) };
    const expected = Buffer.from(this.signature(claims), 'base64url');
    const given = Buffer.from(s, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return claims.expires > nowSeconds ? claims : undefined;
  }

  private signature(c: LinkClaims): string {
    return createHmac('sha256', this.key).update(`${c.tenantId}|${c.customerId}|${c.month}|${c.expires}`).digest('base64url');
  }
}
