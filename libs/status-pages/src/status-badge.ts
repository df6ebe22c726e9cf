import { escapeHtml } from '#lib/common';

/** Width of text in Verdana 11 px, roughly (shields.io measures the same font): enough to size a badge. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[ilI.,:;|!' ]/.test(ch) ? 3.5 : /[mwMW%@]/.test(ch) ? 10 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.5;
  return Math.ceil(w);
}

export const BADGE_COLORS = { green: '#1a7f37', amber: '#8a5a00', red: '#b42318', blue: '#1d4ed8', grey: '#57606a' } as const;

/** The badges a component has: `<kind>.svg`. */
export type BadgeKind = 'status' | 'uptime' | 'response-time';

/** Response-time colours: up to 300 ms green, up to 1 s amber, slower red (the figure is printed; colour only adds). */
export function responseTimeColor(ms: number): string {
  return ms <= 300 ? BADGE_COLORS.green : ms <= 1000 ? BADGE_COLORS.amber : BADGE_COLORS.red;
}

/** Milliseconds as a badge prints them: whole ms, one decimal below 10 ms (a LAN ping), seconds from 10 s. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${(Math.round(ms * 10) / 10).toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A flat badge in the shields.io layout (label on grey, message on a colour), as plain SVG with its text in an
 * `aria-label` and `<title>`: what it says is text, never colour alone.
 */
export function renderBadge(label: string, message: string, color: string): string {
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const w = lw + mw;
  const l = escapeHtml(label);
  const m = escapeHtml(message);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}"><title>${l}: ${m}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${escapeHtml(color)}"/><rect width="${w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="14">${l}</text><text x="${lw + mw / 2}" y="14">${m}</text></g></svg>`;
}
