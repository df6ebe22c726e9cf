import { describe, expect, it } from 'vitest';
import { availability, combineAnyDown, combineFigures, crossCheck, DEFAULT_POLICY, type SubjectHistory } from './availability.js';

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
    // Nothing was repaired: MTTR is null (it used to say 3 h), the outage is reported as ongoing instead.
    expect(f).toMatchObject({ observedMs: 15 * DAY, downtimeMs: 3 * H, failures: 1, repairs: 0, openOutages: 1, mttrMs: null, ongoing: { since: now - 3 * H, soFarMs: 3 * H } });
  });

  it('a monitor down for all of February was never repaired: MTTR null, not 28 days', () => {
    const feb = 28 * DAY;
    const f = availability(history({ outages: [{ start: -5 * H, end: null }] }), FROM, feb, 60 * DAY);
    expect(f).toMatchObject({ downtimeMs: feb, availability: 0, failures: 1, repairs: 0, mttrMs: null, ongoing: { since: -5 * H, soFarMs: feb + 5 * H } });
  });

  it('an outage cut by the end of the period is a failure of this period but its repair belongs to the next', () => {
    // 1 h repaired on day 2; 3 h from TO − 3 h still running at TO, repaired at TO + 5 h.
    const outages = [{ start: 2 * DAY, end: 2 * DAY + H }, { start: TO - 3 * H, end: TO + 5 * H }];
    const f = availability(history({ outages }), FROM, TO, NOW);
    expect(f).toMatchObject({ downtimeMs: 4 * H, failures: 2, repairs: 1, repairedDowntimeMs: H, mttrMs: H, openOutages: 1, ongoing: { since: TO - 3 * H, soFarMs: 3 * H } });
    // The next period: the carried-in outage is a failure there too, and its repair (its 5 h in that period).
    const next = availability(history({ outages }), TO, 2 * TO, 100 * DAY);
    expect(next).toMatchObject({ downtimeMs: 5 * H, failures: 1, repairs: 1, mttrMs: 5 * H, ongoing: null });
  });

  it('time Vigia did not see is left out by default, or counted as the policy says', () => {
    // 30 days; unobserved 5 h 40 min on day 3 (the database was down), overlapping an outage 1 h of which was seen.
    const blind = { start: 3 * DAY, end: 3 * DAY + 5 * H + 40 * 60_000 };
    const h = history({ outages: [{ start: 3 * DAY - H, end: 3 * DAY + 2 * H }], unobserved: [blind] });
    const f = availability(h, FROM, TO, NOW);
    const blindMs = 5 * H + 40 * 60_000;
    expect(f).toMatchObject({ periodMs: 30 * DAY, unobservedMs: blindMs, observedMs: 30 * DAY - blindMs, downtimeMs: H, accountableMs: 30 * DAY - blindMs, failures: 1, repairs: 1 });
    expect(f.availability).toBeCloseTo(1 - H / (30 * DAY - blindMs), 12);
    const asUp = availability(h, FROM, TO, NOW, { ...DEFAULT_POLICY, unobserved: 'up' });
    expect(asUp).toMatchObject({ accountableMs: 30 * DAY, downtimeMs: H });
    const asDown = availability(h, FROM, TO, NOW, { ...DEFAULT_POLICY, unobserved: 'down' });
    expect(asDown).toMatchObject({ accountableMs: 30 * DAY, downtimeMs: H + blindMs });
    // Blind time inside maintenance is planned, not unobserved.
    const planned = availability({ ...h, maintenance: [{ start: 3 * DAY, end: 3 * DAY + H }] }, FROM, TO, NOW);
    expect(planned).toMatchObject({ plannedMs: H, unobservedMs: blindMs - H });
  });

  it('a never-probed monitor is all unobserved: no availability rather than 100 %', () => {
    const f = availability(history({ unobserved: [{ start: -DAY, end: null }] }), FROM, TO, NOW);
    expect(f).toMatchObject({ observedMs: 0, unobservedMs: 30 * DAY, availability: null });
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

  it('A = MTBF / (MTBF + MTTR) agrees with the direct availability when every outage was repaired in the period', () => {
    const h = history({
      outages: [{ start: 1 * DAY, end: 1 * DAY + 30 * 60_000 }, { start: 9 * DAY, end: 9 * DAY + 2 * H }],
      maintenance: [{ start: 3 * DAY, end: 3 * DAY + H }],
    });
    const f = availability(h, FROM, TO, NOW);
    expect(f).toMatchObject({ failures: 2, repairs: 2, mttrMs: 1.25 * H });
    expect(f.mtbfMs! / (f.mtbfMs! + f.mttrMs!)).toBeCloseTo(f.availability!, 12);
    expect(crossCheck(f, DEFAULT_POLICY, false)).toBeNull();
  });

  it('with an outage still open the cross-check differs and says why', () => {
    // Up 720 h − 0.5 h − 2 h − 2.4 h (open from 29.9 d) = 715.1 h over 3 failures; MTTR (0.5 + 2) / 2 = 1.25 h.
    const h = history({ outages: [{ start: 1 * DAY, end: 1 * DAY + 30 * 60_000 }, { start: 9 * DAY, end: 9 * DAY + 2 * H }, { start: 29.9 * DAY, end: null }] });
    const f = availability(h, FROM, TO, NOW);
    expect(f).toMatchObject({ failures: 3, repairs: 2, mttrMs: 1.25 * H, openOutages: 1 });
    expect(f.mtbfMs).toBeCloseTo((715.1 * H) / 3, 3);
    const check = crossCheck(f, DEFAULT_POLICY, false)!;
    expect(check.availability).toBeCloseTo(f.mtbfMs! / (f.mtbfMs! + 1.25 * H), 12);
    expect(check.reason).toBe('1 outage was not repaired by the end of the period, so MTTR leaves it out');
  });

  it('a customer is down while any of its services is down; maintenance of one service only is still promised time', () => {
    const web = history({ outages: [{ start: 10 * H, end: 12 * H }], maintenance: [{ start: 20 * H, end: 22 * H }] });
    const mail = history({ outages: [{ start: 11 * H, end: 13 * H }, { start: 21 * H, end: 21.5 * H }] });
    const f = availability(combineAnyDown([web, mail]), FROM, TO, NOW);
    expect(f.downtimeMs).toBe(3.5 * H);
    expect(f.plannedMs).toBe(0);
    expect(f.failures).toBe(2);
  });

  it('a service\'s outage inside its own maintenance is planned for it, not the customer\'s downtime; one cut by it is one failure', () => {
    // The mail service restarted in its window (an independent check found the customer's report counting it while
    // the status page did not); web, not in maintenance, stayed up.
    const web = history({});
    const mail = history({ outages: [{ start: 20.5 * H, end: 21 * H }], maintenance: [{ start: 20 * H, end: 22 * H }] });
    expect(availability(combineAnyDown([web, mail]), FROM, TO, NOW)).toMatchObject({ downtimeMs: 0, plannedMs: 0, failures: 0, repairs: 0 });
    // An outage from 10:00 to 14:00 with the mail's window 11:00–12:00 in it: 3 h down, one failure, one repair.
    const long = history({ outages: [{ start: 10 * H, end: 14 * H }], maintenance: [{ start: 11 * H, end: 12 * H }] });
    expect(availability(combineAnyDown([web, long]), FROM, TO, NOW)).toMatchObject({ downtimeMs: 3 * H, failures: 1, repairs: 1, mttrMs: 3 * H, openOutages: 0 });
    // Combined twice (monitors into a service, services into a customer): still one failure.
    expect(availability(combineAnyDown([web, combineAnyDown([long, history({})])]), FROM, TO, NOW)).toMatchObject({ downtimeMs: 3 * H, failures: 1, repairs: 1 });
    // Still open across the window: one failure, open, not repaired.
    const open = history({ outages: [{ start: 10 * H, end: null }], maintenance: [{ start: 11 * H, end: 12 * H }] });
    expect(availability(combineAnyDown([web, open]), FROM, TO, NOW)).toMatchObject({ failures: 1, repairs: 0, openOutages: 1 });
  });

  it('a customer counts a service only while it served the customer; a link ending mid-outage is no repair', () => {
    // The customer signed on day 10: the web outage on day 5 is not its; the mail outage from day 20 12:00 to day 21
    // counts until the mail link ended on day 20 at 18:00 (6 h, cut, not a repair).
    const web = history({ scope: [{ start: 10 * DAY, end: Infinity }], outages: [{ start: 5 * DAY, end: 5 * DAY + H }, { start: 12 * DAY, end: 12 * DAY + 2 * H }] });
    const mail = history({ scope: [{ start: 10 * DAY, end: 20 * DAY + 18 * H }], outages: [{ start: 20 * DAY + 12 * H, end: 21 * DAY }] });
    const f = availability(combineAnyDown([web, mail]), FROM, TO, NOW);
    expect(f).toMatchObject({ periodMs: 20 * DAY, downtimeMs: 8 * H, failures: 2, repairs: 1, mttrMs: 2 * H });
  });

  it('weighted customers average availability by weight; counts and MTTR stay real', () => {
    // web (weight 3): 3 h down of 720 h; mail (weight 1): 12 h down of 720 h.
    // Availability = (3 × 717 + 1 × 708) / (4 × 720) = 2859 / 2880; equivalent downtime (3 × 3 + 12) / 4 = 5.25 h.
    const web = availability(history({ outages: [{ start: DAY, end: DAY + 3 * H }] }), FROM, TO, NOW);
    const mail = availability(history({ outages: [{ start: 2 * DAY, end: 2 * DAY + 12 * H }] }), FROM, TO, NOW);
    const f = combineFigures([{ figures: web, weight: 3 }, { figures: mail, weight: 1 }], 'weighted');
    expect(f.availability).toBeCloseTo(2859 / 2880, 12);
    expect(f).toMatchObject({ downtimeMs: 5.25 * H, accountableMs: 720 * H, failures: 2, repairs: 2, mttrMs: 7.5 * H });
    expect(crossCheck(f, DEFAULT_POLICY, true)?.reason).toMatch(/weighted view/);
  });

  it('the worked example of docs/reports.md, number by number', () => {
    const M = 60_000;
    const blind = [{ start: 2 * DAY + 6 * H, end: 2 * DAY + 6 * H + 340 * M }];
    const web = history({ outages: [{ start: 0, end: 3 * H }], unobserved: blind });
    const mail = history({ outages: [{ start: DAY, end: DAY + 12 * H }], unobserved: blind });
    const fw = availability(web, FROM, TO, NOW);
    const fm = availability(mail, FROM, TO, NOW);
    expect(fw).toMatchObject({ accountableMs: 42_860 * M, uptimeMs: 42_680 * M });
    expect(fm).toMatchObject({ accountableMs: 42_860 * M, uptimeMs: 42_140 * M });
    const weighted = combineFigures([{ figures: fw, weight: 3 }, { figures: fm, weight: 1 }], 'weighted');
    expect(weighted.availability).toBe(170_180 / 171_440);
    expect(weighted).toMatchObject({ downtimeMs: 315 * M, accountableMs: 42_860 * M, failures: 2, repairs: 2, mttrMs: 450 * M, mtbfMs: 42_410 * M });
    expect(crossCheck(weighted, DEFAULT_POLICY, true)?.availability).toBe(42_410 / 42_860);
    const anyDown = availability(combineAnyDown([web, mail]), FROM, TO, NOW);
    expect(anyDown).toMatchObject({ downtimeMs: 900 * M, accountableMs: 42_860 * M, unobservedMs: 340 * M, mttrMs: 450 * M, mtbfMs: 20_980 * M });
    expect(anyDown.availability).toBe(41_960 / 42_860);
    expect(crossCheck(anyDown, DEFAULT_POLICY, false)).toBeNull();
  });
});
