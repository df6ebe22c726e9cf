import { describe, expect, it } from 'vitest';
import { addTally, emptyTally, IMPAIRMENT_BOUNDS, judgeNetwork, judgeVantage, type NetworkTally, stopsVoting, tally, tallyFor, tallyMonitor, tenantTallies, type TargetEvidence, type VantageEvidence } from './impairment.js';

const now = 1_000_000;
const healthy: VantageEvidence = { central: false, lastHeartbeatAt: now - 1000, clockOffsetMs: 12, targets: tally([]), previously: [] };
const t = (failing: boolean, othersFresh = 1, othersUp = failing ? 1 : 1): TargetEvidence => ({ failing, othersFresh, othersUp });
const many = (n: number, make: (i: number) => TargetEvidence): TargetEvidence[] => Array.from({ length: n }, (_, i) => make(i));

describe('impaired vantages: heartbeat and clock', () => {
  it('a beating agent with a good clock is healthy', () => {
    expect(judgeVantage(healthy, now)).toEqual({ kinds: [], reason: null });
  });

  it('heartbeat later than 5 s: impaired, says how late', () => {
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: now - 5001 }, now)).toEqual({ kinds: ['heartbeat'], reason: `heartbeat late: none since ${new Date(now - 5001).toISOString()} (bound 5.0 s)` });
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: now - 5000 }, now).kinds).toEqual([]);
  });

  it('a beat missed while Vigia could not hear (restarted, its database back) is not the agent’s: time to reconnect first, nothing flips', () => {
    // The judge hears again from `now - 3 s`; the agent's last beat is from before (Vigia was down 60 s).
    const back = { ...healthy, lastHeartbeatAt: now - 60_000, heardSince: now - 3_000 };
    expect(judgeVantage(back, now).kinds).toEqual([]);
    // Still not back 17 s (5 s bound + 12 s to reconnect) after Vigia could hear again: late, as ever.
    expect(judgeVantage({ ...back, heardSince: now - 17_001 }, now).kinds).toEqual(['heartbeat']);
    expect(judgeVantage({ ...back, heardSince: now - 16_999 }, now).kinds).toEqual([]);
    // Impaired by it before: stays so in the grace (a judge just restarted never clears what the others still judge).
    expect(judgeVantage({ ...back, previously: ['heartbeat'] }, now).kinds).toEqual(['heartbeat']);
    // A beat since hearing again that is itself late is the agent's.
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: now - 6_000, heardSince: now - 10_000 }, now).kinds).toEqual(['heartbeat']);
  });

  it('never connected: absent (not a voter, no page), not late', () => {
    expect(judgeVantage({ ...healthy, lastHeartbeatAt: null }, now).kinds).toEqual(['absent']);
  });

  it('a central watchdog has no heartbeat rule here (the watchdog tier takes over its monitors)', () => {
    expect(judgeVantage({ ...healthy, central: true, lastHeartbeatAt: now - 600_000 }, now).kinds).toEqual([]);
  });

  it('a central watchdog process that stopped reporting: silent, says since when; it pages but does not take the vote away', () => {
    const judged = judgeVantage({ ...healthy, central: true, silent: { processes: 1, lastBeatAt: now - 7_000 } }, now);
    expect(judged).toEqual({ kinds: ['silent'], reason: `1 watchdog process stopped reporting without stopping: no heartbeat since ${new Date(now - 7_000).toISOString()} (its monitors are taken over by the live watchdogs)` });
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
    expect(judgeNetwork(tally(many(3, () => t(true))), false)).toBe('its own network: 3 of 3 targets failing from it at once (≥ 80 % of at least 3), 3 of them seen up from other vantages');
  });

  it('fewer than 3 targets: never judged (one failing target is a target problem)', () => {
    expect(judgeNetwork(tally(many(2, () => t(true))), false)).toBeNull();
  });

  it('below 80 % failing: the targets, not the vantage', () => {
    expect(judgeNetwork(tally([...many(7, () => t(true)), ...many(3, () => t(false))]), false)).toBeNull();
    expect(judgeNetwork(tally([...many(8, () => t(true)), ...many(2, () => t(false))]), false)).not.toBeNull();
  });

  it('the other vantages see them down too: a real mass outage, not the vantage', () => {
    expect(judgeNetwork(tally(many(10, () => t(true, 1, 0))), false)).toBeNull();
    // Half contradicted is not "most".
    expect(judgeNetwork(tally(many(10, (i) => t(true, 1, i < 5 ? 1 : 0))), false)).toBeNull();
    expect(judgeNetwork(tally(many(10, (i) => t(true, 1, i < 6 ? 1 : 0))), false)).not.toBeNull();
  });

  it('nobody else probes those targets: no second opinion, not judged (a real outage must still be reported)', () => {
    expect(judgeNetwork(tally(many(10, () => t(true, 0, 0))), false)).toBeNull();
    // One contradiction is not enough to discount ten failures.
    expect(judgeNetwork(tally(many(10, (i) => t(true, i === 0 ? 1 : 0, i === 0 ? 1 : 0))), false)).toBeNull();
  });

  it('a platform vantage: the signature must show for most tenants it probes for — one tenant’s targets and its own agent decide nothing for the others', () => {
    // The attack a reviewer ran: 40 targets built to fail from the platform, "seen up" by the tenant's own agent,
    // against another tenant's 7 healthy targets. Summed, 40 of 47 failing (85 %) and every failure contradicted.
    const attacker = tally(many(40, () => t(true)));
    const victim = tally(many(7, () => t(false)));
    const sum = addTally(addTally(emptyTally(), attacker), victim);
    expect(judgeNetwork(sum, false)).not.toBeNull(); // what the sum alone decided before
    expect(judgeNetwork(sum, false, IMPAIRMENT_BOUNDS, [attacker, victim])).toBeNull();
    // Nor does it keep an impairment once begun: the other tenant's targets are fine.
    expect(judgeNetwork(sum, true, IMPAIRMENT_BOUNDS, [attacker, victim])).toBeNull();
    // The vantage's own network really failing: every tenant's targets fail, seen up elsewhere — impaired, said so.
    const all = [tally(many(40, () => t(true))), tally(many(7, () => t(true))), tally(many(2, () => t(true)))];
    const total = all.reduce((x, y) => addTally(x, y), emptyTally());
    expect(judgeNetwork(total, false, IMPAIRMENT_BOUNDS, all)).toMatch(/49 of 49 targets failing .*, for most of the tenants it probes for$/);
    // Two of three tenants is most; one of two is not (each tenant counted once, whatever its size).
    expect(judgeNetwork(total, false, IMPAIRMENT_BOUNDS, [all[0]!, all[1]!, tally(many(3, () => t(false)))])).toMatch(/for most of the tenants it probes for$/);
    // A single-tenant platform: that tenant's evidence is all there is.
    expect(judgeNetwork(attacker, false, IMPAIRMENT_BOUNDS, [attacker])).toMatch(/seen up from other vantages$/);
    // tenantTallies: a platform vantage's tallies one per tenant; a private one's its own tenant's only.
    const tallies = new Map([['a|central', attacker], ['b|central', victim], ['a|office', attacker]]);
    expect(tenantTallies({ name: 'central', tenantId: null }, tallies)).toEqual([attacker, victim]);
    expect(tenantTallies({ name: 'office', tenantId: 'a' }, tallies)).toEqual([attacker]);
    expect(tenantTallies({ name: 'office', tenantId: 'b' }, tallies)).toEqual([emptyTally()]);
  });

  it('hysteresis: once impaired it clears only below 50 % failing; no fresh result keeps it', () => {
    expect(judgeNetwork(tally([...many(6, () => t(true)), ...many(4, () => t(false))]), true)).toMatch(/6 of 10 targets still failing/);
    expect(judgeNetwork(tally([...many(4, () => t(true)), ...many(6, () => t(false))]), true)).toBeNull();
    expect(judgeNetwork(tally([]), true)).toMatch(/no fresh result/);
  });

  it('several reasons at once are all given', () => {
    const judged = judgeVantage({ ...healthy, clockOffsetMs: -9000, targets: tally(many(4, () => t(true))) }, now);
    expect(judged.kinds).toEqual(['clock', 'network']);
    expect(judged.reason).toMatch(/^clock off by -9.0 s .*; its own network: 4 of 4/);
  });

  it('the bounds are the documented ones', () => {
    expect(IMPAIRMENT_BOUNDS).toEqual({ heartbeatLateMs: 5000, clockSkewMs: 2000, reconnectMs: 12000, minTargets: 3, failingShare: 0.8, minContradicted: 2, clearShare: 0.5 });
  });
});

describe('tallies from the detectors’ fresh sightings', () => {
  const at = { at: 5000, since: 1000 };
  const tallies = new Map<string, NetworkTally>();
  tallyMonitor('A', [{ vantage: 'agent', status: 'down', ...at }, { vantage: 'central', status: 'up', ...at }], tallies);
  tallyMonitor('A', [{ vantage: 'agent', status: 'down', ...at }], tallies);
  tallyMonitor('B', [{ vantage: 'agent', status: 'up', ...at }, { vantage: 'central', status: 'down', ...at }], tallies);

  it('per vantage: its targets, the failing ones, how many of those others look at and see up', () => {
    expect(tallyFor({ name: 'agent', tenantId: null }, tallies)).toEqual({ targets: 3, failing: 2, crossChecked: 1, contradicted: 1 });
    expect(tallyFor({ name: 'central', tenantId: null }, tallies)).toEqual({ targets: 2, failing: 1, crossChecked: 1, contradicted: 1 });
  });

  it('a second opinion older than the vantage’s own run (an old replica before a takeover) contradicts nothing', () => {
    const old = new Map<string, NetworkTally>();
    tallyMonitor('A', [{ vantage: 'w2', status: 'down', at: 9000, since: 6000 }, { vantage: 'w1', status: 'up', at: 5000, since: 0 }], old);
    expect(tallyFor({ name: 'w2', tenantId: null }, old)).toEqual({ targets: 1, failing: 1, crossChecked: 0, contradicted: 0 });
  });

  it('a private vantage is judged on its own tenant’s monitors only (names repeat across tenants)', () => {
    expect(tallyFor({ name: 'agent', tenantId: 'B' }, tallies)).toEqual({ targets: 1, failing: 0, crossChecked: 0, contradicted: 0 });
    expect(tallyFor({ name: 'nobody', tenantId: null }, tallies)).toEqual(emptyTally());
  });

  it('tallies of several watchdogs add up to the tally of all their monitors', () => {
    const one = new Map<string, NetworkTally>();
    const other = new Map<string, NetworkTally>();
    tallyMonitor('A', [{ vantage: 'agent', status: 'down', ...at }, { vantage: 'central', status: 'up', ...at }], one);
    tallyMonitor('A', [{ vantage: 'agent', status: 'down', ...at }], other);
    tallyMonitor('B', [{ vantage: 'agent', status: 'up', ...at }, { vantage: 'central', status: 'down', ...at }], other);
    const summed = new Map<string, NetworkTally>();
    for (const part of [one, other]) for (const [key, t] of part) summed.set(key, addTally(summed.get(key) ?? emptyTally(), t));
    expect(tallyFor({ name: 'agent', tenantId: null }, summed)).toEqual(tallyFor({ name: 'agent', tenantId: null }, tallies));
  });
});
