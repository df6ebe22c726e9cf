import { Temporal } from '@js-temporal/polyfill';
import type { Interval } from './intervals.js';

export type Granularity = 'day' | 'week' | 'month' | 'year';

/** A calendar month as clients write it: YYYY-MM. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A calendar year as clients write it: YYYY. */
export const YEAR_PATTERN = /^\d{4}$/;

const DAY_MS = 86_400_000;
/**
 * No period is split into more pieces than this (a 400-day report in days is 401): a loop over calendar periods is
 * bounded by construction, so a zone the code gets wrong fails one report instead of hanging the process.
 */
export const MAX_BUCKETS = 1_000;

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Offset of `timeZone` from UTC at the instant `utcMs`, in ms (Europe/Madrid in July: +2 h). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  return zoned(utcMs, timeZone).offsetNanoseconds / 1e6;
}

/** The calendar date an instant falls on in `timeZone`. */
export function localDate(utcMs: number, timeZone: string): LocalDate {
  const z = zoned(utcMs, timeZone);
  return { year: z.year, month: z.month, day: z.day };
}

/**
 * The first instant of a local date in `timeZone`: its midnight, or — where the clocks jump over midnight (São Paulo
 * until 2019, the Azores every March, Santiago every September) — the instant the jump ends, 01:00 local. Temporal's
 * start-of-day rule, so the day is 23 h long there, never 24 h and never starting on the previous date.
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  return Temporal.PlainDate.from({ year, month, day }, { overflow: 'reject' }).toZonedDateTime({ timeZone }).epochMilliseconds;
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

/** The calendar year in the tenant's time zone, as UTC instants [from, to). */
export function yearPeriod(year: number, timeZone: string): Interval {
  assertTimeZone(timeZone);
  return { start: zonedMidnight(year, 1, 1, timeZone), end: zonedMidnight(year + 1, 1, 1, timeZone) };
}

/** `YYYY-MM` or `YYYY` → the period in the zone; undefined for anything else. */
export function calendarPeriod(label: string, timeZone: string): Interval | undefined {
  if (MONTH_PATTERN.test(label)) return monthPeriod(Number(label.slice(0, 4)), Number(label.slice(5, 7)), timeZone);
  if (YEAR_PATTERN.test(label)) return yearPeriod(Number(label), timeZone);
  return undefined;
}

/**
 * Splits [from, to) at calendar boundaries of the time zone: days, ISO weeks (Monday), months or years, each starting
 * at the first instant of its local date. Between two offset transitions of the zone a local date starts exactly one
 * calendar step of wall time after the previous one, so the common case is arithmetic; Temporal answers only around
 * a transition (a few times a year). Bounded: at most MAX_BUCKETS pieces, and every step must advance.
 */
export function buckets(period: Interval, granularity: Granularity, timeZone: string, maxBuckets = MAX_BUCKETS): Interval[] {
  assertTimeZone(timeZone);
  const out: Interval[] = [];
  let cursor = period.start;
  let here = zoned(cursor, timeZone);
  let wall = Date.UTC(here.year, here.month - 1, here.day);
  let offset = here.offsetNanoseconds / 1e6;
  let transition = nextTransition(here);
  while (cursor < period.end) {
    if (out.length >= maxBuckets) throw new RangeError(`period: more than ${maxBuckets} ${granularity}s; choose a coarser granularity`);
    const nextWall = nextBoundary(wall, granularity);
    // Same offset all the way to the guessed boundary: its wall time is exactly the next local midnight, and no earlier
    // instant reaches that date. Otherwise the zone changes offset in between: ask Temporal.
    let next = nextWall - offset;
    if (next >= transition) {
      const d = new Date(nextWall);
      next = zonedMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), timeZone);
      here = zoned(next, timeZone);
      offset = here.offsetNanoseconds / 1e6;
      transition = nextTransition(here);
    }
    if (next <= cursor) throw new RangeError(`timeZone: ${timeZone} did not advance past ${new Date(cursor).toISOString()}`);
    const end = Math.min(next, period.end);
    out.push({ start: cursor, end });
    cursor = end;
    wall = nextWall;
  }
  return out;
}

function zoned(utcMs: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(utcMs).toZonedDateTimeISO(timeZone);
}

function nextTransition(at: Temporal.ZonedDateTime): number {
  return at.getTimeZoneTransition('next')?.epochMilliseconds ?? Infinity;
}

/** The wall-clock start (as a UTC-ms of the local date) of the calendar period after the one containing `wall`. */
function nextBoundary(wall: number, granularity: Granularity): number {
  const d = new Date(wall);
  switch (granularity) {
    case 'day':
      return wall + DAY_MS;
    case 'week':
      return wall + (7 - ((d.getUTCDay() + 6) % 7)) * DAY_MS;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    case 'year':
      return Date.UTC(d.getUTCFullYear() + 1, 0, 1);
  }
}
