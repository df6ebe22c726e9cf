import { describe, expect, it } from 'vitest';
import { evidenceFor, IMPAIRMENT_BOUNDS, judgeNetwork, judgeVantage, stopsVoting, type TargetEvidence, type VantageEvidence } from './impairment.js';

const now = 1_000_000;
const healthy: VantageEvidence = { central: false, lastHeartbeatAt: now - 1000, clockOffsetMs: 12, targets: [], previously: [] };
const t = (failing: boolean, othersFresh = 1, othersUp = failing ? 1 : 1): TargetEvidence => ({ failing, othersFresh, othersUp });
const many = (n: number, make: (i: number) => TargetEvidence): TargetEvidence[] => Array.from({ length: n }, (_, i) => make(i));

describe('impaired vantages: heartbeat and clock', () => {
  it('a beating agent with a good clock is healthy', () => {
    expect(judgeVantage(healthy, now)).toEqual({ kinds: [], reason: null });
  });

  it('heartbeat later than 5 s: impaired, says how late', () => {
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: now - 5001 }, now)).toEqual({ kinds: ['heartbeat'], reason: 'heartbeat late: last 5.0 s ago (bound 5.0 s)' });
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: now - 5000 }, now).kinds).toEqual([]);
  });

  it('never connected: absent (not a voter, no page), not late', () => {
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: null }, now).kinds).toEqual(['absent']);
  });

  it('a central watchdog has no heartbeat rule here (the watchdog tier takes over its monitors)', () => {
    expect(judgeVantage({ ...healthy, central: true, lastHeartbeatAt: now - 600_000 }, now).kinds).toEqual([]);
  });

  it('a central watchdog process that stopped reporting: silent, says since when; it pages but does not take the vote away', () => {
    const judged = judgeVantage({ ...healthy, central: true, silent: { processes: 1, lastBeatAt: now - 7_000 } }, now);
    expect(judged).toEqual({ kinds: ['silent'], reason: '1 watchdog process stopped reporting without stopping: last heartbeat 7.0 s ago (its monitors are taken over by the live watchdogs)' });
    expect(stopsVoting(judged.kinds)).toBe(false);
    expect(stopsVoting(['silent', 'network'])).toBe(true);
    expect(judgeVantage({ ...healthy, central: true, silent: { processes: 0, lastBeatAt: now } }, now).kinds).toEqual([]);
    // Only central vantages have processes to fall silent.
    expect(judgeVantage({ ...healthy, silent: { processes: 1, lastBeatAt: now - 7_000 } }, now).kinds).toEqual([]);
  });

  it('clock off by more than ±2 s either way: impaired, says by how much', () => {
    expect(judgeVantage({ ...healthy, clockOffsetMs: 30_000 }, now)).toEqual({ kinds: ['clock'], reason: "clock off by +30.0 s from the API's (bound ±2.0 s)" });
    expect(judgeVantage({ ...healthy, clockOffsetMs: -2_500 }, now).reason).toBe("clock off by -2.5 s from the API's (bound ±2.0 s)");
    expect(judgeVantage({ ...healthy, clockOffsetMs: 1_999 }, now).kinds).toEqual([]);
  });

  it('a clock measured at a heartbeat long gone is not judged; the late heartbeat is', () => {
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: now - 60_000, clockOffsetMs: 30_000 }, now).kinds).toEqual(['heartbeat']);
  });
});

describe('impaired vantages: its own network (≥ 80 % of at least 3 targets failing, most seen up elsewhere)', () => {
  it('every target failing from it while others see them up: impaired', () => {
    expect(judgeNetwork(many(3, () => t(true)), false)).toBe('its own network: 3 of 3 targets failing from it at once (≥ 80 % of at least 3), 3 of them seen up from other vantages');
  });

  it('fewer than 3 targets: never judged (one failing target is a target problem)', () => {
    expect(judgeNetwork(many(2, () => t(true)), false)).toBeNull();
  });

  it('below 80 % failing: the targets, not the vantage', () => {
    expect(judgeNetwork([...many(7, () => t(true)), ...many(3, () => t(false))], false)).toBeNull();
    expect(judgeNetwork([...many(8, () => t(true)), ...many(2, () => t(false))], false)).not.toBeNull();
  });

  it('the other vantages see them down too: a real mass outage, not the vantage', () => {
    expect(judgeNetwork(many(10, () => t(true, 1, 0)), false)).toBeNull();
    // Half contradicted is not "most".
    expect(judgeNetwork(many(10, (i) => t(true, 1, i < 5 ? 1 : 0)), false)).toBeNull();
    expect(judgeNetwork(many(10, (i) => t(true, 1, i < 6 ? 1 : 0)), false)).not.toBeNull();
  });

  it('nobody else probes those targets: no second opinion, not judged (a real outage must still be reported)', () => {
    expect(judgeNetwork(many(10, () => t(true, 0, 0)), false)).toBeNull();
    // One contradiction is not enough to discount ten failures.
    expect(judgeNetwork(many(10, (i) => t(true, i === 0 ? 1 : 0, i === 0 ? 1 : 0)), false)).toBeNull();
  });

  it('hysteresis: once impaired it clears only below 50 % failing; no fresh result keeps it', () => {
    expect(judgeNetwork([...many(6, () => t(true)), ...many(4, () => t(false))], true)).toMatch(/6 of 10 targets still failing/);
    expect(judgeNetwork([...many(4, () => t(true)), ...many(6, () => t(false))], true)).toBeNull();
    expect(judgeNetwork([], true)).toMatch(/no fresh result/);
  });

  it('several reasons at once are all given', () => {
    const judged = judgeVantage({ ...healthy, clockOffsetMs: -9000, targets: many(4, () => t(true)) }, now);
    expect(judged.kinds).toEqual(['clock', 'network']);
    expect(judged.reason).toMatch(/^clock off by -9.0 s .*; its own network: 4 of 4/);
  });

  it('the bounds are the documented ones', () => {
    expect(IMPAIRMENT_BOUNDS).toEqual({ heartbeatLateMs: 5000, clockSkewMs: 2000, minTargets: 3, failingShare: 0.8, minContradicted: 2, clearShare: 0.5 });
  });
});

describe('evidence from the detectors’ fresh entries', () => {
  const at = { at: 5000, since: 1000 };
  const entries = [
    { monitorId: 'm1', tenantId: 'A', vantage: 'agent', status: 'down' as const, ...at },
    { monitorId: 'm1', tenantId: 'A', vantage: 'central', status: 'up' as const, ...at },
    { monitorId: 'm2', tenantId: 'A', vantage: 'agent', status: 'down' as const, ...at },
    { monitorId: 'm3', tenantId: 'B', vantage: 'agent', status: 'up' as const, ...at },
    { monitorId: 'm3', tenantId: 'B', vantage: 'central', status: 'down' as const, ...at },
  ];

  it('per target: failing from it, how many others look and see it up', () => {
    expect(evidenceFor({ name: 'agent', tenantId: null }, entries)).toEqual([
      { failing: true, othersFresh: 1, othersUp: 1 },
      { failing: true, othersFresh: 0, othersUp: 0 },
      { failing: false, othersFresh: 1, othersUp: 0 },
    ]);
  });

  it('a second opinion older than the vantage’s own run (an old replica before a takeover) contradicts nothing', () => {
    const old = [
      { monitorId: 'm1', tenantId: 'A', vantage: 'w2', status: 'down' as const, at: 9000, since: 6000 },
      { monitorId: 'm1', tenantId: 'A', vantage: 'w1', status: 'up' as const, at: 5000, since: 0 },
    ];
    expect(evidenceFor({ name: 'w2', tenantId: null }, old)).toEqual([{ failing: true, othersFresh: 0, othersUp: 0 }]);
  });

  it('a private vantage is judged on its own tenant’s monitors only (names repeat across tenants)', () => {
    expect(evidenceFor({ name: 'agent', tenantId: 'B' }, entries)).toEqual([{ failing: false, othersFresh: 1, othersUp: 0 }]);
  });
});
