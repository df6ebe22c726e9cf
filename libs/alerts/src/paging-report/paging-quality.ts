import { Temporal } from '@js-temporal/polyfill';

/**
 * The paging-quality report's arithmetic, pure: pages and incidents in, one row per group out. What counts:
 * - a *page* is a trigger that reached someone: a channel's message or a personal page (`page:` rows), status sent;
 * - *acknowledged*: incidents paged in the group that someone acknowledged; *time to acknowledge* runs from the
 *   group's first page of the incident to the acknowledgement (p50, p90, nearest rank);
 * - *at night*: pages sent between 22:00 and 07:00 in the schedule's zone (the tenant's for channels and people
 *   paged directly);
 * - *noise*: paged incidents that lasted less than the confirmation time given (they were over before anyone could act);
 * - *reached the last level*: paged incidents whose highest escalation step was delivered, not cancelled by an
 *   acknowledgement or recovery (only incidents with more than one step count).
 */

export type PagingDimension = 'tenant' | 'route' | 'schedule' | 'person';

export interface PageRow {
  incident_id: string;
  policy_id: string | null;
  schedule_id: string | null;
  user_id: string | null;
  step: number;
  status: string;
  sent_at: Date | null;
  target_key: string;
}

export interface IncidentTimes {
  id: string;
  opened_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
}

export interface PagingRow {
  key: string | null;
  pagesSent: number;
  pagesAtNight: number;
  incidentsPaged: number;
  acknowledged: number;
  ttaP50Seconds: number | null;
  ttaP90Seconds: number | null;
  noise: number;
  reachedLastLevel: number;
}

export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function atNight(at: Date, timeZone: string): boolean {
  const hour = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone).hour;
  return hour >= 22 || hour < 7;
}

const isPage = (r: PageRow): boolean => r.status === 'sent' && (r.target_key === '' || r.target_key.startsWith('page:'));

function keyOf(r: PageRow, by: PagingDimension): string | null | undefined {
  if (by === 'tenant') return 'tenant';
  if (by === 'route') return r.policy_id;
  if (!r.target_key.startsWith('page:')) return undefined; // schedules and people: personal pages only
  // A person paged directly belongs to no schedule.
  return (by === 'schedule' ? r.schedule_id : r.user_id) ?? undefined;
}

/** A dimension of the report, or any other grouping of pages (e.g. by the day they were sent: `pagingPerDay`). */
export type PagingGrouping = PagingDimension | ((r: PageRow & { sent_at: Date }) => string | null | undefined);

/** Rows are all trigger rows of the incidents that had a page in the period; `inPeriod` tells which pages count. */
export function pagingQuality(
  rows: PageRow[],
  incidents: Map<string, IncidentTimes>,
  by: PagingGrouping,
  options: { confirmationMs: number; zoneOf: (r: PageRow) => string; inPeriod: (at: Date) => boolean },
): PagingRow[] {
  const lastStep = new Map<string, { step: number; delivered: boolean; steps: Set<number> }>();
  for (const r of rows) {
    if (r.step >= 1000) continue;
    // Every level counts (a schedule's or person's row too), but only a page sent delivers it.
    const seen = lastStep.get(r.incident_id) ?? { step: -1, delivered: false, steps: new Set<number>() };
    seen.steps.add(r.step);
    if (r.step > seen.step) Object.assign(seen, { step: r.step, delivered: isPage(r) });
    else if (r.step === seen.step && isPage(r)) seen.delivered = true;
    lastStep.set(r.incident_id, seen);
  }
  const groups = new Map<string | null, { pages: number; night: number; firstPage: Map<string, number> }>();
  for (const r of rows) {
    if (!isPage(r) || !r.sent_at || !options.inPeriod(r.sent_at)) continue;
    const key = typeof by === 'function' ? by(r as PageRow & { sent_at: Date }) : keyOf(r, by);
    if (key === undefined) continue;
    const g = groups.get(key) ?? { pages: 0, night: 0, firstPage: new Map<string, number>() };
    g.pages++;
    if (atNight(r.sent_at, options.zoneOf(r))) g.night++;
    const first = g.firstPage.get(r.incident_id);
    if (first === undefined || r.sent_at.getTime() < first) g.firstPage.set(r.incident_id, r.sent_at.getTime());
    groups.set(key, g);
  }
  return [...groups.entries()].map(([key, g]) => {
    const tta: number[] = [];
    let acknowledged = 0;
    let noise = 0;
    let reachedLastLevel = 0;
    for (const [incidentId, firstPage] of g.firstPage) {
      const incident = incidents.get(incidentId);
      if (!incident) continue;
      if (incident.acknowledged_at) {
        acknowledged++;
        tta.push(Math.max(0, (incident.acknowledged_at.getTime() - firstPage) / 1000));
      }
      if (incident.resolved_at && incident.resolved_at.getTime() - incident.opened_at.getTime() < options.confirmationMs) noise++;
      const last = lastStep.get(incidentId);
      if (last && last.steps.size > 1 && last.delivered) reachedLastLevel++;
    }
    tta.sort((a, b) => a - b);
    return { key, pagesSent: g.pages, pagesAtNight: g.night, incidentsPaged: g.firstPage.size, acknowledged, ttaP50Seconds: percentile(tta, 50), ttaP90Seconds: percentile(tta, 90), noise, reachedLastLevel };
  });
}

export interface PagingDay extends Omit<PagingRow, 'key'> {
  /** The calendar day in the report's zone, `2026-11-30`. */
  day: string;
}

/**
 * The tenant's pages day by day (each page on the day it was sent, in `timeZone`; an incident's time to acknowledge
 * on the day of its first page): every day of [from, to) in the zone, empty days as zeros, for the report's chart.
 */
export function pagingPerDay(
  rows: PageRow[],
  incidents: Map<string, IncidentTimes>,
  options: { confirmationMs: number; zoneOf: (r: PageRow) => string; from: Date; to: Date; timeZone: string },
): PagingDay[] {
  const dayOf = (at: Date): string => Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(options.timeZone).toPlainDate().toString();
  const inPeriod = (at: Date): boolean => at >= options.from && at < options.to;
  const byDay = new Map(pagingQuality(rows, incidents, (r) => dayOf(r.sent_at), { ...options, inPeriod }).map((row) => [row.key, row]));
  const days: PagingDay[] = [];
  const last = dayOf(new Date(options.to.getTime() - 1));
  for (let day = Temporal.PlainDate.from(dayOf(options.from)); Temporal.PlainDate.compare(day, Temporal.PlainDate.from(last)) <= 0; day = day.add({ days: 1 })) {
    const { key: _key, ...figures } = byDay.get(day.toString()) ?? { key: null, pagesSent: 0, pagesAtNight: 0, incidentsPaged: 0, acknowledged: 0, ttaP50Seconds: null, ttaP90Seconds: null, noise: 0, reachedLastLevel: 0 };
    days.push({ day: day.toString(), ...figures });
  }
  return days;
}

/** RFC 4180 CSV: every field quoted when it holds a comma, quote or line break; CRLF line ends. */
export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null): string => {
    const s = v === null ? '' : String(v);
    // A leading =, +, - or @ would be read as a formula by spreadsheets: prefixed with a quote.
    const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
