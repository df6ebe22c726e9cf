import { describe, expect, it } from 'vitest';
import { buckets, monthPeriod } from './periods.js';

const H = 3_600_000;

describe('calendar periods in the tenant time zone', () => {
  it('a March with the spring DST change in Madrid has 743 hours', () => {
    const march = monthPeriod(2026, 3, 'Europe/Madrid');
    expect(new Date(march.start).toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(new Date(march.end).toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect((march.end - march.start) / H).toBe(743);
  });

  it('an October with the autumn change has 745 hours', () => {
    const october = monthPeriod(2026, 10, 'Europe/Madrid');
    expect((october.end - october.start) / H).toBe(745);
  });

  it('a leap-year February has 29 days, and days split at local midnight', () => {
    const feb = monthPeriod(2028, 2, 'America/New_York');
    expect((feb.end - feb.start) / H).toBe(29 * 24);
    const days = buckets(monthPeriod(2026, 3, 'Europe/Madrid'), 'day', 'Europe/Madrid');
    expect(days).toHaveLength(31);
    expect(days.find((d) => d.end - d.start === 23 * H)).toBeDefined();
    expect(new Date(days[29]!.start).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('weeks start on Monday; months split a year', () => {
    const weeks = buckets(monthPeriod(2026, 11, 'UTC'), 'week', 'UTC');
    expect(new Date(weeks[1]!.start).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(buckets({ start: Date.UTC(2026, 0, 1), end: Date.UTC(2027, 0, 1) }, 'month', 'UTC')).toHaveLength(12);
  });

  it('refuses an unknown time zone, naming the field', () => {
    expect(() => monthPeriod(2026, 1, 'Mars/Olympus')).toThrow(/^timeZone: "Mars\/Olympus" is not an IANA time zone$/);
  });
});
