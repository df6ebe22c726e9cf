import { escapeHtml } from '#lib/common';

/** Width of text in Verdana 11 px, roughly (shields.io measures the same font): enough to size a badge. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[ilI.,:;|!' ]/.test(ch) ? 3.5 : /[mwMW%@]/.test(ch) ? 10 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.5;
  return Math.ceil(w);
}

export const BADGE_COLORS = { green: '#1a7f37', amber: '#8a5a00', red: '#b42318', blue: '#1d4ed8', grey: '#57606a' } as const;

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
