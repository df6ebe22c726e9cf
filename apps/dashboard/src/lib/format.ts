import { displayZone } from './clock.js';

/** Durations as an operator reads them: "3 h 12 min", "45 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/**
 * Report durations (downtime, allowed downtime, MTBF, MTTR), exact to the millisecond, never dropping a unit:
 * "3 d 15 h 36 min", "0.605 s". The server's `formatDuration` (customer pages, e-mails) prints the same.
 */
export function reportDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '−' : '';
  let rest = Math.round(Math.abs(ms));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000]] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n} ${unit}`);
    rest -= n * size;
  }
  if (rest || !parts.length) parts.push(`${Number((rest / 1000).toFixed(3))} s`);
  return sign + parts.join(' ');
}

/** Percentages truncated, never rounded up to a better figure than measured (99.99996 % is "99.999 %"). */
export function percent(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '—';
  const scale = 10 ** digits;
  // The tiny epsilon undoes binary floating point (57 × 1000 may be 56999.99…), never a real shortfall.
  return `${(Math.floor(value * scale + 1e-6) / scale).toFixed(digits)} %`;
}

/** An instant in the dashboard's one clock (the browser's or the company's zone, chosen in the header), saying its zone. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: displayZone(), timeZoneName: 'short' });
}

/** "5 min ago", for "since" columns. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = now - new Date(iso).getTime();
  return ms < 1000 ? 'just now' : `${duration(ms)} ago`;
}

/** "for 5 min", how long a state has lasted: beside a state, where "5 min ago" would read as the last check's time. */
export function forHowLong(since: string | null | undefined, now = Date.now()): string {
  if (!since) return '—';
  const ms = now - new Date(since).getTime();
  return ms < 1000 ? 'just now' : `for ${duration(ms)}`;
}

/** An instant as the server writes it into reasons and timeline messages: ISO 8601 in UTC, with or without ms. */
const STORED_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z\b/g;

/**
 * A stored text (a verdict's reason, a timeline message) with the instants in it shown in the dashboard's one clock:
 * the server writes them once, in UTC ("down since 2026-12-02T21:17:03.895Z"), and an operator who chose the company's
 * zone must not have to convert them (a report passes its own zone). A fixed pattern without nested repetition: linear in the text.
 */
export function localizeInstants(text: string, zone = displayZone(), locale?: string): string {
  return text.replace(STORED_INSTANT, (iso) => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    // The milliseconds matter in a verdict (which vantage failed first): shown when the server wrote them.
    const ms = /\.\d+Z$/.test(iso) ? { fractionalSecondDigits: 3 as const } : {};
    return d.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...ms, timeZone: zone, timeZoneName: 'short' });
  });
}
