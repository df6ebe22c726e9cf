/** Longest excerpt of a remote answer kept in a run, a notification error or a probe reason. */
export const MAX_EXCERPT_BYTES = 512;

/**
 * A short excerpt of text a remote side sent (or that quotes it): at most `maxBytes` of UTF-8, cut on a character
 * boundary, marked when cut. Kept answers are a tenant-readable channel: never more than an excerpt.
 */
export function excerpt(text: string, maxBytes = MAX_EXCERPT_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = ' … [cut]';
  let cut = Buffer.from(text).subarray(0, Math.max(0, maxBytes - Buffer.byteLength(marker))).toString('utf8');
  // A cut inside a multi-byte character decodes as U+FFFD: drop it.
  cut = cut.replace(/\uFFFD$/, '');
  return `${cut}${marker}`;
}
