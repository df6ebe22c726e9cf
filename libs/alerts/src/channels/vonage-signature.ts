import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The signature methods a Vonage account can sign its webhooks with (Dashboard → Settings → Signature method). */
export const VONAGE_SIGNATURE_METHODS = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type VonageSignatureMethod = (typeof VONAGE_SIGNATURE_METHODS)[number];

/** How old a signed request's `timestamp` may be (either way): a captured request cannot be replayed later. */
export const VONAGE_SIGNATURE_WINDOW_MS = 5 * 60_000;

/**
 * Vonage's signed-request signature (its "signing messages" scheme for the SMS API's webhooks): every parameter but
 * `sig`, sorted by name, written `&name=value` with `&` and `=` in values replaced by `_`; then `md5hash` hashes that
 * string with the signature secret appended, and the HMAC methods key it with the secret. Hex digits.
 */
export function vonageSignature(params: Record<string, string>, signatureSecret: string, method: VonageSignatureMethod): string {
  const signed = Object.keys(params)
    .filter((key) => key !== 'sig')
    .sort()
    .map((key) => `&${key}=${params[key]!.replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash') return createHash('md5').update(signed + signatureSecret).digest('hex');
  return createHmac(method, signatureSecret).update(signed).digest('hex');
}

/** A request Vonage signed with this secret and method, its timestamp (seconds) within the window of `now`. */
export function isVonageSigned(params: Record<string, string>, signatureSecret: string, method: VonageSignatureMethod, now: number): boolean {
  const timestamp = Number(params.timestamp);
  if (!params.sig || !Number.isFinite(timestamp) || Math.abs(now - timestamp * 1000) > VONAGE_SIGNATURE_WINDOW_MS) return false;
  const expected = Buffer.from(vonageSignature(params, signatureSecret, method).toLowerCase());
  const given = Buffer.from(params.sig.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
