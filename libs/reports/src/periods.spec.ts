import { describe, expect, it } from 'vitest';
import { buckets, calendarPeriod, MAX_BUCKETS, monthPeriod, yearPeriod, zonedMidnight } from './periods.js';

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

describe('days whose midnight does not exist (the DST jump at 00:00)', () => {
  // Each case: a local date whose 00:00 is skipped; its first instant is 01:00 local, and the day is 23 h long.
  const cases: [string, number, number, number, string][] = [
    ['America/Sao_Paulo', 2018, 11, 4, '2018-11-04T03:00:00.000Z'], // 00:00 -03 → 01:00 -02
    ['Atlantic/Azores', 2026, 3, 29, '2026-03-29T01:00:00.000Z'], // 00:00 -01 → 01:00 +00
    ['America/Santiago', 2026, 9, 6, '2026-09-06T04:00:00.000Z'], // 00:00 -04 → 01:00 -03
    ['America/Havana', 2026, 3, 8, '2026-03-08T05:00:00.000Z'], // 00:00 -05 → 01:00 -04
    ['America/Asuncion', 2023, 10, 1, '2023-10-01T04:00:00.000Z'], // 00:00 -04 → 01:00 -03
  ];

  it.each(cases)('%s on %i-%i-%i starts at the end of the jump, 23 h before the next day', (zone, y, m, d, startIso) => {
    const start = zonedMidnight(y, m, d, zone);
    expect(new Date(start).toISOString()).toBe(startIso);
    const month = monthPeriod(y, m, zone);
    const days = buckets(month, 'day', zone);
    const day = days.find((b) => b.start === start);
    expect(day).toBeDefined();
    expect((day!.end - day!.start) / H).toBe(23);
    expect(days).toHaveLength(new Date(Date.UTC(y, m, 0)).getUTCDate());
  });

  it('a São Paulo November 2018 report in days, weeks and months ends (it used to loop for ever)', () => {
    const nov = monthPeriod(2018, 11, 'America/Sao_Paulo');
    expect((nov.end - nov.start) / H).toBe(30 * 24 - 1);
    expect(buckets(nov, 'week', 'America/Sao_Paulo').reduce((n, b) => n + b.end - b.start, 0)).toBe(nov.end - nov.start);
    expect(buckets(yearPeriod(2018, 'America/Sao_Paulo'), 'month', 'America/Sao_Paulo')).toHaveLength(12);
  });

  it('a period split into more than MAX_BUCKETS pieces is refused, not looped over', () => {
    expect(() => buckets({ start: 0, end: (MAX_BUCKETS + 1) * 86_400_000 }, 'day', 'UTC')).toThrow(/^period: more than/);
  });

  it('years and months by label in the zone', () => {
    expect(calendarPeriod('2026-03', 'Europe/Madrid')).toEqual(monthPeriod(2026, 3, 'Europe/Madrid'));
    expect((calendarPeriod('2026', 'Europe/Madrid')!.end - calendarPeriod('2026', 'Europe/Madrid')!.start) / H).toBe(365 * 24);
    expect(buckets(calendarPeriod('2026', 'Europe/Madrid')!, 'month', 'Europe/Madrid')).toHaveLength(12);
    expect(calendarPeriod('2026-13', 'UTC')).toBeUndefined();
  });
});
