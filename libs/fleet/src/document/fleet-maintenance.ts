import { Temporal } from '@js-temporal/polyfill';
import type { FleetMaintenance } from './fleet-document.js';

/**
 * A maintenance window's times: a file writes wall-clock times in the window's zone (`2026-12-01T02:00`, zone
 * `Europe/Madrid`) or instants (`…Z`, `…+01:00`). The document holds them one way, so a file and the stored window
 * compare equal: a repeating window in its zone's wall-clock time (what it repeats), a one-off in UTC and without a
 * zone (the API keeps no zone for a one-off window). The rules of a window (period, RRULE, zone) are detection's and
 * are checked on the server (`MaintenanceFleetPort.problem`); here only what reading the times needs.
 */
export function readWindow(item: FleetMaintenance): { window?: FleetMaintenance; problems: { field: 'from' | 'until' | 'timeZone'; message: string }[] } {
  const recurrence = item.recurrence?.trim().replace(/^RRULE:/i, '') || null;
  const zone = item.timeZone?.trim() || null;
  if (zone !== null && !knownZone(zone)) return { problems: [{ field: 'timeZone', message: 'must be a time zone name such as Europe/Madrid or America/New_York' }] };
  const problems: { field: 'from' | 'until'; message: string }[] = [];
  const instant = (field: 'from' | 'until'): number | undefined => {
    const text = item[field];
    try {
      if (/(Z|[+-]\d{2}:\d{2})$/.test(text)) return Temporal.Instant.from(text).epochMilliseconds;
      if (zone === null) return void problems.push({ field, message: 'has no UTC offset: give the window a timeZone, or write the time as an instant (2026-12-01T01:00Z)' });
      return Temporal.PlainDateTime.from(text).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
    } catch {
      return void problems.push({ field, message: 'is not a date and time that exists (month 1-12, day of the month, hour 0-23)' });
    }
  };
  const from = instant('from');
  const until = instant('until');
  if (from === undefined || until === undefined) return { problems };
  const keptZone = recurrence ? zone : null;
  return { problems: [], window: { ...item, name: item.name.trim(), recurrence, timeZone: keptZone, from: windowTimeText(new Date(from), keptZone), until: windowTimeText(new Date(until), keptZone) } };
}

/** The instant a document's window time stands for (its zone: the window's, null for UTC). */
export function windowInstant(text: string, zone: string | null): Date {
  if (zone === null || /(Z|[+-]\d{2}:\d{2})$/.test(text)) return new Date(Temporal.Instant.from(text).epochMilliseconds);
  return new Date(Temporal.PlainDateTime.from(text).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds);
}

/** How the document writes an instant: wall-clock in `zone` (`2026-12-01T02:00`), or UTC (`2026-12-01T01:00Z`). */
export function windowTimeText(at: Date, zone: string | null): string {
  const smallestUnit = at.getTime() % 60_000 === 0 ? 'minute' : 'second';
  const instant = Temporal.Instant.fromEpochMilliseconds(Math.floor(at.getTime() / 1000) * 1000);
  return zone === null ? instant.toString({ smallestUnit }) : instant.toZonedDateTimeISO(zone).toPlainDateTime().toString({ smallestUnit });
}

function knownZone(zone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}
