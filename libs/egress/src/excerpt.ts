/** Longest excerpt of a remote answer kept in a run, a notification error or a probe reason. */
export const MAX_EXCERPT_BYTES = 512;

/**
 * A short excerpt of text a remote side sent (or that quotes it): at most `maxBytes` of UTF-8, cut on a character
 * boundary, marked when cut. Kept answers are a tenant-readable channel: never more than an excerpt.
 */
export function excerpt(raw: string, maxBytes = MAX_EXCERPT_BYTES): string {
  const text = storable(raw);
  // A UTF-16 unit is at most 3 bytes of UTF-8: most reasons are short enough not to be measured.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const marker = ' … [cut]';
  let cut = Buffer.from(text).subarray(0, Math.max(0, maxBytes - Buffer.byteLength(marker))).toString('utf8');
  // A cut inside a multi-byte character decodes as U+FFFD: drop it.
  cut = cut.replace(/\uFFFD$/, '');
  return `${cut}${marker}`;
}

// eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/**
 * Text a remote peer wrote, made storable: PostgreSQL refuses NUL in `text` and `\u0000` in `jsonb`, so one NUL in a
 * target's answer (a DNS TXT record, a banner) would make every write of that reason fail — and with it a watchdog's
 * state flush or an agent's whole batch. NUL and unpaired surrogates become U+FFFD.
 */
export function storable(text: string): string {
  // Nearly every text has none: a plain scan first, the replacement (with its look-arounds) only when needed.
  if (!MAYBE_UNSTORABLE.test(text)) return text;
  // eslint-disable-next-line no-control-regex -- the NUL is what is being removed
  return text.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
