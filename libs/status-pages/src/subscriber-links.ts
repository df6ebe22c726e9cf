import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { VigiaConfig } from '#lib/config';
import { SecretBox } from '#lib/secrets';

/** How long a confirmation link works: long enough for a mailbox read the next day, short enough to go stale. */
export const CONFIRM_VALID_SECONDS = 48 * 3600;

/**
 * The links of subscriber mail, signed so that nothing but Vigia can make one: confirm (subscriber id and an expiry),
 * unsubscribe and manage (subscriber id; they never expire — an old mail must still let its reader leave or choose). A deleted
 * subscriber's links find nothing. Made at sending time, never stored.
 */
@Injectable()
export class SubscriberLinks {
  private readonly key: Buffer;

  constructor(
    box: SecretBox,
    private readonly config: VigiaConfig,
  ) {
    this.key = box.deriveKey('vigia status subscriber links v1');
  }

  confirmUrl(pagePath: string, subscriberId: string, expires: number): string {
    return `${this.config.publicUrl}${pagePath}/confirm?s=${subscriberId}&e=${expires}&m=${this.mac('confirm', subscriberId, expires)}`;
  }

  unsubscribeUrl(pagePath: string, subscriberId: string): string {
    return `${this.config.publicUrl}${pagePath}/unsubscribe?s=${subscriberId}&m=${this.mac('unsubscribe', subscriberId, 0)}`;
  }

  /** The link to choose components again (no login); like unsubscribe it never expires. */
  manageUrl(pagePath: string, subscriberId: string): string {
    return `${this.config.publicUrl}${pagePath}/manage?s=${subscriberId}&m=${this.mac('manage', subscriberId, 0)}`;
  }

  verifyManage(query: Record<string, unknown>): string | undefined {
    const { s, m } = query;
    return typeof s === 'string' && this.check('manage', s, 0, m) ? s : undefined;
  }

  /** The subscriber id a confirm link names, if it is genuine and not expired. */
  verifyConfirm(query: Record<string, unknown>, nowSeconds: number): string | undefined {
    const { s, e, m } = query;
    if (typeof s !== 'string' || typeof e !== 'string' || !/^\d{1,12}$/.test(e) || Number(e) <= nowSeconds) return undefined;
    return this.check('confirm', s, Number(e), m) ? s : undefined;
  }

  verifyUnsubscribe(query: Record<string, unknown>): string | undefined {
    const { s, m } = query;
    return typeof s === 'string' && this.check('unsubscribe', s, 0, m) ? s : undefined;
  }

  private check(purpose: string, id: string, expires: number, given: unknown): boolean {
    if (typeof given !== 'string' || !/^[0-9a-f-]{36}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return false;
    const a = Buffer.from(given, 'base64url');
    const b = Buffer.from(this.mac(purpose, id, expires), 'base64url');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private mac(purpose: string, id: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${purpose}|${id}|${expires}`).digest('base64url');
  }
}
