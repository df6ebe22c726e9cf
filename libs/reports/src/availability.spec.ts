import { describe, expect, it } from 'vitest';
import { availability, combineAnyDown, DEFAULT_POLICY, type SubjectHistory } from './availability.js';

const H = 3_600_000;
const DAY = 24 * H;
// A 30-day period starting at t=0 keeps the hand arithmetic readable.
const FROM = 0;
const TO = 30 * DAY;
const NOW = 40 * DAY;

const history = (over: Partial<SubjectHistory>): SubjectHistory => ({ createdAt: -DAY, outages: [], maintenance: [], ...over });

describe('availability: fixtures with hand-computed numbers', () => {
  it('a clean month is 100 %, no failures', () => {
    const f = availability(history({}), FROM, TO, NOW);
    expect(f).toMatchObject({ observedMs: 30 * DAY, downtimeMs: 0, availability: 1, failures: 0, mtbfMs: null, mttrMs: null });
  });

  it('overlapping incidents count once: 10:00–11:00 and 10:30–12:00 are 2 h of downtime, one failure', () => {
    const f = availability(history({ outages: [{ start: 10 * H, end: 11 * H }, { start: 10.5 * H, end: 12 * H }] }), FROM, TO, NOW);
    expect(f.downtimeMs).toBe(2 * H);
    expect(f.failures).toBe(1);
    expect(f.availability).toBeCloseTo((720 - 2) / 720, 12);
  });

  it('incidents crossing the period boundaries are clipped to it', () => {
    const f = availability(history({ outages: [{ start: -2 * H, end: 1 * H }, { start: TO - 3 * H, end: TO + 5 * H }] }), FROM, TO, NOW);
    expect(f.downtimeMs).toBe(4 * H);
    expect(f.failures).toBe(2);
  });

  it('maintenance is excluded from both up and down time, also where it overlaps an incident', () => {
    // Outage 10:00–14:00, maintenance 12:00–16:00: 2 h down, 4 h planned; accountable 720 h − 4 h.
    const f = availability(history({ outages: [{ start: 10 * H, end: 14 * H }], maintenance: [{ start: 12 * H, end: 16 * H }] }), FROM, TO, NOW);
    expect(f).toMatchObject({ plannedMs: 4 * H, downtimeMs: 2 * H, uptimeMs: 714 * H, failures: 1 });
    expect(f.availability).toBeCloseTo(714 / 716, 12);
  });

  it('an outage entirely inside maintenance is no failure', () => {
    const f = availability(history({ outages: [{ start: 13 * H, end: 14 * H }], maintenance: [{ start: 12 * H, end: 16 * H }] }), FROM, TO, NOW);
    expect(f).toMatchObject({ downtimeMs: 0, failures: 0, availability: 1 });
  });

  it('a monitor created mid-period is observed only from its creation', () => {
    const f = availability(history({ createdAt: 20 * DAY, outages: [{ start: 25 * DAY, end: 25 * DAY + 6 * H }] }), FROM, TO, NOW);
    expect(f.observedMs).toBe(10 * DAY);
    expect(f.availability).toBeCloseTo(234 / 240, 12);
  });

  it('a period still running is observed up to now; an open incident counts its downtime so far', () => {
    const now = 15 * DAY;
    const f = availability(history({ outages: [{ start: now - 3 * H, end: null }] }), FROM, TO, now);
    expect(f).toMatchObject({ observedMs: 15 * DAY, downtimeMs: 3 * H, failures: 1, openOutages: 1, mttrMs: 3 * H });
  });

  it('degraded time is reported apart, or counted as down when the policy says so', () => {
    const h = history({ outages: [{ start: 5 * H, end: 6 * H }], degraded: [{ start: 4 * H, end: 8 * H }] });
    expect(availability(h, FROM, TO, NOW)).toMatchObject({ downtimeMs: 1 * H, degradedMs: 3 * H });
    expect(availability(h, FROM, TO, NOW, { ...DEFAULT_POLICY, degradedCountsAsDown: true })).toMatchObject({ downtimeMs: 4 * H, degradedMs: 0, failures: 1 });
  });

  it('unconfirmed failures count only when the policy says so', () => {
    const h = history({ outages: [{ start: 5 * H, end: 6 * H }], suspect: [{ start: 10 * H, end: 10 * H + 40_000 }] });
    expect(availability(h, FROM, TO, NOW).downtimeMs).toBe(1 * H);
    expect(availability(h, FROM, TO, NOW, { ...DEFAULT_POLICY, suspectCountsAsDown: true })).toMatchObject({ downtimeMs: 1 * H + 40_000, failures: 2 });
  });

  it('A = MTBF / (MTBF + MTTR) agrees with the direct availability', () => {
    const h = history({
      outages: [{ start: 1 * DAY, end: 1 * DAY + 30 * 60_000 }, { start: 9 * DAY, end: 9 * DAY + 2 * H }, { start: 29.9 * DAY, end: null }],
      maintenance: [{ start: 3 * DAY, end: 3 * DAY + H }],
    });
    const f = availability(h, FROM, TO, NOW);
    expect(f.failures).toBe(3);
    expect(f.mtbfMs! / (f.mtbfMs! + f.mttrMs!)).toBeCloseTo(f.availability!, 12);
  });

  it('a customer is down while any of its services is down; maintenance of one service only is still promised time', () => {
    const web = history({ outages: [{ start: 10 * H, end: 12 * H }], maintenance: [{ start: 20 * H, end: 22 * H }] });
    const mail = history({ outages: [{ start: 11 * H, end: 13 * H }, { start: 21 * H, end: 21.5 * H }] });
    const f = availability(combineAnyDown([web, mail]), FROM, TO, NOW);
    expect(f.downtimeMs).toBe(3.5 * H);
    expect(f.plannedMs).toBe(0);
    expect(f.failures).toBe(2);
  });
});
