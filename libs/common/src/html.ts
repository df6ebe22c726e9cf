/** Escapes text for HTML bodies and attributes: customer names, reasons and links end up in pages and e-mails. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Headers of the server-rendered pages strangers open from a link (customer SLA page, e-mail acknowledgement): no
 * script may run, nothing loads from elsewhere, forms post only here, no other site may frame them (clickjacking the
 * Acknowledge button), and a browser never sniffs a type.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** Sets PAGE_SECURITY_HEADERS on a response (anything with `setHeader`: Express, Node). */
export function setPageSecurityHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) res.setHeader(name, value);
}
