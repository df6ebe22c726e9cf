import { describe, expect, it } from 'vitest';
import { coversInstant, currentOrNext, lastEnd, occurrences, recurrenceProblem, type WindowSpec } from './recurrence.js';

const at = (iso: string) => new Date(iso);
const starts = (w: WindowSpec, from: string, to: string) => occurrences(w, at(from), at(to)).map((o) => `${o.startsAt.toISOString()}/${(o.endsAt.getTime() - o.startsAt.getTime()) / 60_000}m`);

describe('recurring maintenance windows', () => {
  it('keeps the wall-clock start across DST in Europe/Madrid (Tuesdays 02:00–03:00)', () => {
    // 2026-03-24 02:00 CET = 01:00Z; the clocks go forward on Sunday 29 March; 31 March 02:00 CEST = 00:00Z.
    const w: WindowSpec = { startsAt: at('2026-03-24T01:00:00Z'), endsAt: at('2026-03-24T02:00:00Z'), recurrence: 'FREQ=WEEKLY;BYDAY=TU', timeZone: 'Europe/Madrid' };
    expect(starts(w, '2026-03-20T00:00:00Z', '2026-04-10T00:00:00Z')).toEqual(['2026-03-24T01:00:00.000Z/60m', '2026-03-31T00:00:00.000Z/60m', '2026-04-07T00:00:00.000Z/60m']);
    // And back on 25 October: 27 October 02:00 CET = 01:00Z again.
    expect(starts(w, '2026-10-19T00:00:00Z', '2026-10-28T00:00:00Z')).toEqual(['2026-10-20T00:00:00.000Z/60m', '2026-10-27T01:00:00.000Z/60m']);
  });

  it('moves a start that does not exist on the spring-forward night to the clock’s next hour (America/New_York)', () => {
    // Sundays 02:30 EST (07:30Z). 8 March 2026 has no 02:30: 03:30 EDT = 07:30Z. 15 March 02:30 EDT = 06:30Z.
    const w: WindowSpec = { startsAt: at('2026-03-01T07:30:00Z'), endsAt: at('2026-03-01T08:00:00Z'), recurrence: 'FREQ=WEEKLY;BYDAY=SU', timeZone: 'America/New_York' };
    expect(starts(w, '2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z')).toEqual(['2026-03-01T07:30:00.000Z/30m', '2026-03-08T07:30:00.000Z/30m', '2026-03-15T06:30:00.000Z/30m']);
    // 1 November 01:30 happens twice: the first (EDT, 05:30Z), as a clock shows it first.
    const fall: WindowSpec = { startsAt: at('2026-10-25T05:30:00Z'), endsAt: at('2026-10-25T06:00:00Z'), recurrence: 'FREQ=WEEKLY;BYDAY=SU', timeZone: 'America/New_York' };
    expect(starts(fall, '2026-10-31T00:00:00Z', '2026-11-09T00:00:00Z')).toEqual(['2026-11-01T05:30:00.000Z/30m', '2026-11-08T06:30:00.000Z/30m']);
  });

  it('covers an instant inside an occurrence and not outside, and ends with UNTIL or COUNT', () => {
    const w: WindowSpec = { startsAt: at('2026-03-24T01:00:00Z'), endsAt: at('2026-03-24T02:00:00Z'), recurrence: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', timeZone: 'Europe/Madrid' };
    expect(coversInstant(w, at('2026-03-31T00:30:00Z'))).toBe(true);
    expect(coversInstant(w, at('2026-03-31T01:00:00Z'))).toBe(false); // the end is outside
    expect(coversInstant(w, at('2026-03-30T00:30:00Z'))).toBe(false); // a Monday
    expect(coversInstant(w, at('2026-04-14T00:30:00Z'))).toBe(false); // a fourth Tuesday: COUNT=3
    expect(lastEnd(w)).toEqual(at('2026-04-07T01:00:00Z'));
    expect(lastEnd({ ...w, recurrence: 'FREQ=WEEKLY;BYDAY=TU' })).toBeNull();
    expect(lastEnd({ ...w, recurrence: null, timeZone: null })).toEqual(w.endsAt);
  });

  it('a one-off window is itself when it overlaps, nothing when not', () => {
    const w: WindowSpec = { startsAt: at('2026-05-01T10:00:00Z'), endsAt: at('2026-05-01T11:00:00Z'), recurrence: null, timeZone: null };
    expect(starts(w, '2026-05-01T10:30:00Z', '2026-05-02T00:00:00Z')).toEqual(['2026-05-01T10:00:00.000Z/60m']);
    expect(starts(w, '2026-05-01T11:00:00Z', '2026-05-02T00:00:00Z')).toEqual([]);
  });

  it('says in words why a rule cannot be used', () => {
    const s = at('2026-03-24T01:00:00Z');
    const e = at('2026-03-24T02:00:00Z');
    expect(recurrenceProblem('FREQ=HOURLY', s, e, 'Europe/Madrid')).toMatch(/at most daily/);
    expect(recurrenceProblem('FREQ=WEEKLY;BYDAY=XX', s, e, 'Europe/Madrid')).toMatch(/must be an RRULE/);
    expect(recurrenceProblem('DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', s, e, 'Europe/Madrid')).toMatch(/only the rule/);
    expect(recurrenceProblem('FREQ=DAILY', s, at('2026-03-25T02:00:00Z'), 'Europe/Madrid')).toMatch(/repeats before the previous occurrence has ended/);
    expect(recurrenceProblem('FREQ=DAILY;COUNT=100000', s, e, 'Europe/Madrid')).toMatch(/COUNT of at most/);
    expect(recurrenceProblem('FREQ=WEEKLY;BYDAY=TU', s, e, 'Europe/Madrid')).toBeUndefined();
  });

  it('refuses to expand an absurd number of occurrences', () => {
    const w: WindowSpec = { startsAt: at('2000-01-01T00:00:00Z'), endsAt: at('2000-01-01T00:10:00Z'), recurrence: 'FREQ=DAILY', timeZone: 'UTC' };
    expect(() => occurrences(w, at('2000-01-01T00:00:00Z'), at('2030-01-01T00:00:00Z'))).toThrow(/more than 5000 times/);
  });

  it('names the occurrence a notice is about: in progress, else the next, else the last', () => {
    const w: WindowSpec = { startsAt: at('2026-03-24T01:00:00Z'), endsAt: at('2026-03-24T02:00:00Z'), recurrence: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3', timeZone: 'Europe/Madrid' };
    expect(currentOrNext(w, at('2026-03-31T00:30:00Z'))).toEqual({ startsAt: at('2026-03-31T00:00:00Z'), endsAt: at('2026-03-31T01:00:00Z') });
    expect(currentOrNext(w, at('2026-04-01T00:00:00Z'))).toEqual({ startsAt: at('2026-04-07T00:00:00Z'), endsAt: at('2026-04-07T01:00:00Z') });
    expect(currentOrNext(w, at('2026-05-01T00:00:00Z'))).toEqual({ startsAt: at('2026-04-07T00:00:00Z'), endsAt: at('2026-04-07T01:00:00Z') });
    expect(currentOrNext({ ...w, recurrence: null, timeZone: null }, at('2026-05-01T00:00:00Z'))).toEqual({ startsAt: w.startsAt, endsAt: w.endsAt });
  });
});
