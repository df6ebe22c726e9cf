/**
 * Wall-clock times typed into a form, read in a zone that is not necessarily the browser's (a schedule's, a
 * maintenance window's). `datetime-local` inputs carry no zone; `new Date(value)` would read them in the browser's.
 */

/**
 * A `datetime-local` value (YYYY-MM-DDTHH:MM) read in `zone`, as an ISO instant. '' stays '' and a value that is not a
 * date and time is sent as typed: the API then names the field and says what is wrong. A time skipped by a
 * spring-forward moves forward, a repeated autumn hour is its first occurrence (Temporal's 'compatible'). Temporal is loaded only when a form is saved: it would double the first load.
 */
export async function wallClockToInstant(datetime: string, zone: string): Promise<string> {
  if (!datetime) return '';
  const { Temporal } = await import('@js-temporal/polyfill');
  let local: InstanceType<typeof Temporal.PlainDateTime>;
  try {
    local = Temporal.PlainDateTime.from(datetime);
  } catch {
    return datetime;
  }
  try {
    return local.toZonedDateTime(zone, { disambiguation: 'compatible' }).toInstant().toString();
  } catch {
    // Never send the bare wall-clock time instead: the server would read it in its own zone, a wrong instant, silently.
    throw new ZoneUnknownError(zone);
  }
}

/** The zone cannot be read in this browser: the form says so instead of saving a wrong instant. */
export class ZoneUnknownError extends Error {
  constructor(readonly zone: string) {
    super(`This browser does not know the time zone ${zone}: the times cannot be read in it. Try another browser, or change the schedule's zone.`);
  }
}

/** The IANA zones this browser knows, sorted, with UTC (Chromium leaves it out) and `current` (kept even if unknown here). */
export function timeZoneNames(current?: string): string[] {
  const zones = new Set(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []);
  zones.add('UTC');
  if (current) zones.add(current);
  return [...zones].sort();
}
