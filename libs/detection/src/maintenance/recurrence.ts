import { Temporal } from '@js-temporal/polyfill';
import { canonicalTimeZone } from '#lib/common';
import rrule from 'rrule';

const { RRule, Frequency } = rrule;

/** A maintenance window as stored: its first occurrence, and how it repeats (an RRULE body) in which zone. */
export interface WindowSpec {
  startsAt: Date;
  endsAt: Date;
  recurrence: string | null;
  timeZone: string | null;
}

export interface Occurrence {
  startsAt: Date;
  endsAt: Date;
}

/** More occurrences than this in one query is a mistake or an attack (a daily window over ten years is 3,650). */
export const MAX_OCCURRENCES = 5000;
const DAY_MS = 86_400_000;

/**
 * The occurrences of a window overlapping [from, to). A recurring window repeats its first occurrence's *wall-clock*
 * start in its zone ("every Tuesday 02:00 Europe/Madrid" stays 02:00 across DST): rrule expands the rule over
 * floating local times (no zone, so its own DST handling never applies), Temporal turns each local time into an
 * instant in the zone (a 02:30 that does not exist on the spring-forward night is 03:30, as a clock shows it), and
 * each occurrence lasts as long as the first one.
 */
export function occurrences(window: WindowSpec, from: Date, to: Date): Occurrence[] {
  const duration = window.endsAt.getTime() - window.startsAt.getTime();
  if (!window.recurrence || !window.timeZone) {
    return window.startsAt < to && window.endsAt > from ? [{ startsAt: window.startsAt, endsAt: window.endsAt }] : [];
  }
  const rule = ruleOf(window.recurrence, window.startsAt, window.timeZone);
  // Floating times differ from instants by the zone's offset (at most a day): widen, then filter on instants.
  const local = rule.between(new Date(from.getTime() - duration - DAY_MS), new Date(to.getTime() + DAY_MS), true);
  if (local.length > MAX_OCCURRENCES) throw new Error(`a maintenance window repeats more than ${MAX_OCCURRENCES} times in the period asked`);
  return local
    .map((floating) => {
      const startsAt = new Date(instantOf(floating, window.timeZone!));
      return { startsAt, endsAt: new Date(startsAt.getTime() + duration) };
    })
    .filter((o) => o.startsAt < to && o.endsAt > from);
}

/**
 * The occurrence a notice about the window talks about at `at`: the one in progress, else the next (within a year),
 * else the last one (a window that has ended). A one-off window is itself.
 */
export function currentOrNext(window: WindowSpec, at: Date): Occurrence {
  if (!window.recurrence || !window.timeZone) return { startsAt: window.startsAt, endsAt: window.endsAt };
  const [found] = occurrences(window, at, new Date(at.getTime() + 366 * DAY_MS));
  if (found) return found;
  const end = lastEnd(window);
  if (!end) return { startsAt: window.startsAt, endsAt: window.endsAt };
  const last = occurrences(window, new Date(end.getTime() - 1), end).at(-1);
  return last ?? { startsAt: window.startsAt, endsAt: window.endsAt };
}

/** Whether `at` falls inside one of the window's occurrences. */
export function coversInstant(window: WindowSpec, at: Date): boolean {
  return occurrences(window, at, new Date(at.getTime() + 1)).length > 0;
}

/**
 * The end of the window's last occurrence, or null when it repeats for ever: stored (`recurs_until`) so the queries
 * skip windows that are over without expanding them.
 */
export function lastEnd(window: WindowSpec): Date | null {
  if (!window.recurrence || !window.timeZone) return window.endsAt;
  const rule = ruleOf(window.recurrence, window.startsAt, window.timeZone);
  if (!rule.options.until && !rule.options.count) return null;
  const all = rule.all((_, i) => i < MAX_OCCURRENCES);
  const last = all.at(-1);
  return last ? new Date(instantOf(last, window.timeZone) + (window.endsAt.getTime() - window.startsAt.getTime())) : window.endsAt;
}

/**
 * Why a recurrence cannot be used, in words; undefined when it can. At most daily (a maintenance window is not a
 * cron job), no DTSTART or TZID of its own (the window's start and zone are those), and occurrences that do not
 * overlap (each lasts as long as the first).
 */
export function recurrenceProblem(recurrence: string, startsAt: Date, endsAt: Date, timeZone: string): string | undefined {
  if (recurrence.length > 500) return 'must be an RRULE of at most 500 characters';
  if (/DTSTART|TZID|RRULE:|\n/i.test(recurrence)) return 'must be only the rule (e.g. FREQ=WEEKLY;BYDAY=TU): the window’s start and time zone give the rest';
  let rule: InstanceType<typeof RRule>;
  try {
    rule = ruleOf(recurrence, startsAt, timeZone);
  } catch (error) {
    return `must be an RRULE such as FREQ=WEEKLY;BYDAY=TU (${error instanceof Error ? error.message : String(error)})`;
  }
  if (![Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY].includes(rule.options.freq)) return 'must repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)';
  if (rule.options.count !== null && rule.options.count > MAX_OCCURRENCES) return `must have a COUNT of at most ${MAX_OCCURRENCES}`;
  const [first, second] = rule.all((_, i) => i < 2);
  if (!first) return 'has no occurrence at or after the window’s start';
  if (second && instantOf(second, timeZone) - instantOf(first, timeZone) < endsAt.getTime() - startsAt.getTime()) return 'repeats before the previous occurrence has ended: shorten the window or repeat less often';
  return undefined;
}

/** Whether a time zone name is one this runtime knows (IANA; a fixed offset is not: it keeps no daylight saving). */
export function isTimeZone(name: string): boolean {
  return canonicalTimeZone(name) !== undefined;
}

function ruleOf(recurrence: string, startsAt: Date, timeZone: string): InstanceType<typeof RRule> {
  const options = RRule.parseString(recurrence);
  const wall = Temporal.Instant.fromEpochMilliseconds(startsAt.getTime()).toZonedDateTimeISO(timeZone).toPlainDateTime();
  // The first occurrence's wall-clock time as a floating date (its UTC fields are the local ones).
  const dtstart = new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
  return new RRule({ ...options, dtstart, tzid: null });
}

/** A floating date (local wall time in its UTC fields) as the instant it is in `timeZone`. */
function instantOf(floating: Date, timeZone: string): number {
  return Temporal.PlainDateTime.from({
    year: floating.getUTCFullYear(),
    month: floating.getUTCMonth() + 1,
    day: floating.getUTCDate(),
    hour: floating.getUTCHours(),
    minute: floating.getUTCMinutes(),
    second: floating.getUTCSeconds(),
  }).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}
