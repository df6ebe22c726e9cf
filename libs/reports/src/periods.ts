import type { Interval } from './intervals.js';

export type Granularity = 'day' | 'week' | 'month' | 'year';

/** A calendar month as clients write it: YYYY-MM. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Offset of `timeZone` from UTC at the instant `utcMs`, in ms (Europe/Madrid in July: +2 h). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** The instant a wall-clock time happens in `timeZone` (midnight always exists in the zones Vigia meets). */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day);
  let utc = guess - zoneOffsetMs(guess, timeZone);
  // The offset at the guess may differ from the offset at the answer (a DST change that day): settle it.
  utc = guess - zoneOffsetMs(utc, timeZone);
  return utc;
}

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(`timeZone: ${JSON.stringify(timeZone)} is not an IANA time zone`);
  }
}

/** The calendar month of `year`/`month` (1-12) in the tenant's time zone, as UTC instants [from, to). */
export function monthPeriod(year: number, month: number, timeZone: string): Interval {
  assertTimeZone(timeZone);
  const next = month === 12 ? { y: year + 1, m: 1 } : { y: year, m: month + 1 };
  return { start: zonedMidnight(year, month, 1, timeZone), end: zonedMidnight(next.y, next.m, 1, timeZone) };
}

/** Splits [from, to) at calendar boundaries of the time zone: days, ISO weeks (Monday), months or years. */
export function buckets(period: Interval, granularity: Granularity, timeZone: string): Interval[] {
  assertTimeZone(timeZone);
  const out: Interval[] = [];
  let cursor = period.start;
  while (cursor < period.end) {
    const local = new Date(cursor + zoneOffsetMs(cursor, timeZone));
    let y = local.getUTCFullYear();
    let m = local.getUTCMonth() + 1;
    let d = local.getUTCDate();
    if (granularity === 'day') d += 1;
    else if (granularity === 'week') d += 7 - ((local.getUTCDay() + 6) % 7);
    else if (granularity === 'month') {
      m += 1;
      d = 1;
    } else {
      y += 1;
      m = 1;
      d = 1;
    }
    const normalized = new Date(Date.UTC(y, m - 1, d));
    const next = Math.min(period.end, zonedMidnight(normalized.getUTCFullYear(), normalized.getUTCMonth() + 1, normalized.getUTCDate(), timeZone));
    out.push({ start: cursor, end: next });
    cursor = next;
  }
  return out;
}
