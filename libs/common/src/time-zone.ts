/**
 * The IANA name of `zone` as the runtime spells it ("europe/madrid" → "Europe/Madrid", "US/Eastern" →
 * "America/New_York"), or undefined when it names none. Fixed offsets ("+01:00") are not zones: they keep no daylight
 * saving, so a Madrid rota written as one runs an hour off all summer. Intl refuses them where Temporal accepts them.
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (zone.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
