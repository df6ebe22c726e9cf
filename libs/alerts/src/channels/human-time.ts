import type { AlertMessage } from './channel.js';

/** An instant as the server stores it in texts and payloads: ISO 8601 in UTC. Fixed, no nested repetition: linear. */
const STORED_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z\b/g;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    // en-CA writes the date as 2026-12-03: a date nobody reads as the 12th of March.
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formats.set(zone, format);
  }
  return format;
}

/** `2026-12-03T03:12:05.895Z` in Europe/Madrid → `2026-12-03 04:12:05 Europe/Madrid`; UTC stays `… UTC`. */
export function localInstant(iso: string, zone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  let format: Intl.DateTimeFormat;
  try {
    format = formatIn(zone);
  } catch {
    return iso; // a zone this runtime does not know: the UTC instant is still true
  }
  return `${format.format(at).replace(', ', ' ')} ${zone}`;
}

/** Every stored instant inside `text` (a verdict's reason: "down since 2026-12-03T03:12:05.895Z") in `zone`. */
export function localInstants(text: string, zone: string): string {
  return text.replace(STORED_INSTANT, (iso) => localInstant(iso, zone));
}

/**
 * What a person reads in an alert (e-mail, chat, SMS, voice, Teams): `since` and every instant in its details in the
 * tenant's zone, which the message carries from when it was written. Machine channels (webhook, PagerDuty, Opsgenie's
 * fields) keep the UTC instants: their readers parse them. A message stored before it carried a zone reads in UTC.
 */
export function forPeople(message: AlertMessage): AlertMessage {
  const zone = message.timeZone ?? 'UTC';
  return {
    ...message,
    since: localInstant(message.since, zone),
    details: JSON.parse(localInstants(JSON.stringify(message.details), zone)) as Record<string, unknown>,
  };
}
