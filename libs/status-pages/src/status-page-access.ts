import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SecretBox } from '#lib/secrets';

/**
 * Access to private pages without the database: a signed link (`?k=<expiry>.<mac>`), a customer's mailed sign-in link
 * (`…/signin?t=<expiry>.<mac>`) and, after the password or either link, a signed cookie, each
 * over the page id and its auth version, so a new password or visibility voids every earlier one.
 */
@Injectable()
export class StatusPageAccess {
  private readonly key: Buffer;

  constructor(box: SecretBox) {
    this.key = box.deriveKey('vigia status page access v1');
  }

  /** `k` for a link valid until `expires` (seconds since the epoch). */
  linkToken(pageId: string, authVersion: number, expires: number): string {
    return `${expires}.${this.mac('link', pageId, authVersion, expires)}`;
  }

  cookieValue(pageId: string, authVersion: number, expires: number): string {
    return `${expires}.${this.mac('cookie', pageId, authVersion, expires)}`;
  }

  /** `t` of a sign-in link mailed to a customer-login page's customer, valid until `expires`. */
  signinToken(pageId: string, authVersion: number, expires: number): string {
    return `${expires}.${this.mac('signin', pageId, authVersion, expires)}`;
  }

  verifySignin(token: unknown, pageId: string, authVersion: number, nowSeconds: number): boolean {
    return this.verify('signin', token, pageId, authVersion, nowSeconds);
  }

  verifyLink(token: unknown, pageId: string, authVersion: number, nowSeconds: number): boolean {
    return this.verify('link', token, pageId, authVersion, nowSeconds);
  }

  verifyCookie(token: unknown, pageId: string, authVersion: number, nowSeconds: number): boolean {
    return this.verify('cookie', token, pageId, authVersion, nowSeconds);
  }

  private verify(purpose: string, token: unknown, pageId: string, authVersion: number, nowSeconds: number): boolean {
    if (typeof token !== 'string') return false;
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const expires = Number(match[1]);
    // Compared as text, not as decoded bytes: 43 base64url characters carry 2 spare bits, so four spellings of the
    // last one decode alike — a link changed by hand must not still open the page.
    const expected = Buffer.from(this.mac(purpose, pageId, authVersion, expires));
    const given = Buffer.from(match[2]!);
    return given.length === expected.length && timingSafeEqual(given, expected) && expires > nowSeconds;
  }

  /** A token's expiry (seconds since the epoch), or undefined when it does not have the shape of one. */
  expiryOf(token: unknown): number | undefined {
    const match = typeof token === 'string' ? /^(\d{1,12})\./.exec(token) : null;
    return match ? Number(match[1]) : undefined;
  }

  private mac(purpose: string, pageId: string, authVersion: number, expires: number): string {
    return createHmac('sha256', this.key).update(`${purpose}|${pageId}|${authVersion}|${expires}`).digest('base64url');
  }
}
