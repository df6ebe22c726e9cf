import type { AlertMessage } from './channel.js';

/** An instant as the server stores it in texts and payloads: ISO 8601 in UTC. Fixed, no nested repetition: linear. */
const STORED_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z/g;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'longOffset' });
    formats.set(zone, format);
  }
  return format;
}

/**
 * `2026-12-03T03:12:05.895Z` in Europe/Madrid → `2026-12-03 04:12:05 +01:00 Europe/Madrid`: the date written so that
 * nobody reads it as the 12th of March, and the offset, without which the hour repeated when clocks go back (02:30
 * twice on 25 October) is ambiguous. UTC and its aliases read `… UTC`: its offset is nought by name, and "+00:00 UTC"
 * said the zone twice. A zone this runtime does not know: the UTC instant.
 */
export function localInstant(iso: string, zone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatIn(zone).formatToParts(at);
  } catch {
    return iso;
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  // longOffset is "GMT+01:00", or "GMT" at offset zero.
  const offset = part('timeZoneName').replace(/^GMT/, '') || '+00:00';
  const local = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
  // UTC by name (its aliases as the runtime resolves them: Etc/UTC, Zulu, GMT…): its offset goes without saying.
  return formatIn(zone).resolvedOptions().timeZone === 'UTC' ? `${local} UTC` : `${local} ${offset} ${zone}`;
}

/** "2026-12-03 18:42 CET": a minute in `zone`, its abbreviation said, for customers' notices (UTC for a zone not known). */
export function localMinute(at: Date, zone: string): string {
  const minute = (z: string): Intl.DateTimeFormatPart[] =>
    new Intl.DateTimeFormat('en-GB', { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).formatToParts(at);
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = minute(zone);
  } catch {
    parts = minute('UTC');
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** Every stored instant inside `text` (a verdict's reason: "down since 2026-12-03T03:12:05.895Z") in `zone`. */
export function localInstants(text: string, zone: string): string {
  return text.replace(STORED_INSTANT, (iso) => localInstant(iso, zone));
}

/** Every string inside a value (details nest: grouped outages, a runbook's status) with its instants in `zone`. */
function localized(value: unknown, zone: string): unknown {
  if (typeof value === 'string') return localInstants(value, zone);
  if (Array.isArray(value)) return value.map((v) => localized(v, zone));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localized(v, zone)]));
  return value;
}

/**
 * What a person reads in an alert (e-mail, chat, SMS, Teams): `since` and every instant in its details in the
 * tenant's zone, which the message carries from when it was written. Machine channels (webhook, PagerDuty, Opsgenie's
 * fields) keep the UTC instants: their readers parse them. A message stored before it carried a zone reads in UTC.
 */
export function forPeople(message: AlertMessage): AlertMessage {
  const zone = message.timeZone ?? 'UTC';
  return { ...message, summary: localInstants(message.summary, zone), since: localInstant(message.since, zone), details: localized(message.details, zone) as Record<string, unknown> };
}
