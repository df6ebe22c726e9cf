import { describe, expect, it } from 'vitest';
import { buckets, zonedMidnight } from './periods.js';

const H = 3_600_000;
const FIRST_YEAR = 2015;
const LAST_YEAR = 2030;
const DAYS = Math.round((Date.UTC(LAST_YEAR + 1, 0, 1) - Date.UTC(FIRST_YEAR, 0, 1)) / 86_400_000);

/** The local date of an instant by Intl's own formatter: a second opinion that shares no code with periods.ts. */
function dateFormatter(timeZone: string): (ms: number) => string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (ms) => f.format(ms);
}

function isoDate(utcMs: number): string {
  return new Date(utcMs).toISOString().slice(0, 10);
}

describe('every IANA zone × every day of 2015–2030', () => {
  // Every zone × every day of 16 years: a correctness sweep, ~20 s on a quiet machine; the time is not what it checks.
  it(`tiles each zone's ${DAYS} days: no gap, no overlap, each day starting at the first instant of its local date`, { timeout: 180_000 }, () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    const lengths = new Set<number>();
    for (const zone of zones) {
      const period = { start: zonedMidnight(FIRST_YEAR, 1, 1, zone), end: zonedMidnight(LAST_YEAR + 1, 1, 1, zone) };
      const days = buckets(period, 'day', zone, DAYS);
      const dateOf = dateFormatter(zone);
      expect(days.length, zone).toBe(DAYS);
      expect(days[0]!.start, zone).toBe(period.start);
      expect(days.at(-1)!.end, zone).toBe(period.end);
      for (let i = 0; i < days.length; i++) {
        const { start, end } = days[i]!;
        const expected = isoDate(Date.UTC(FIRST_YEAR, 0, 1 + i));
        if (i > 0 && days[i - 1]!.end !== start) throw new Error(`${zone} ${expected}: gap or overlap`);
        // The first instant of its date: it shows that date, the millisecond before shows the day before.
        if (dateOf(start) !== expected) throw new Error(`${zone} ${expected}: starts on ${dateOf(start)}`);
        if (dateOf(start - 1) !== isoDate(Date.UTC(FIRST_YEAR, 0, i))) throw new Error(`${zone} ${expected}: starts late`);
        lengths.add((end - start) / H);
      }
    }
    // 24 h, 23/25 h around DST, and the real odd ones: half-hour DST (Lord Howe), Troll's two-hour DST, zones that
    // changed their standard offset (Pyongyang 2015 and 2018, Caracas 2016, Volgograd…), and Casey's jumps between
    // +08 and +11 (21 h and 27 h days, 2016–2023).
    expect([...lengths].sort((a, b) => a - b)).toEqual([21, 22, 23, 23.5, 24, 24.5, 25, 26, 27]);
    expect(lengths).toContain(23);
    expect(lengths).toContain(25);
    expect(lengths).toContain(23.5);
  });
});
