import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '#lib/probes';
import { DEFAULT_POLICY, type DetectorState, initialState, observe } from './detector.js';
import { ReplayHistory } from './replay-history.js';

const r = (at: number, status: ProbeResult['status']): ProbeResult => ({ at, status, latencyMs: 1, reason: status === 'up' ? 'HTTP 200' : 'refused' });

/** The live state of a monitor whose agent saw it up until it was cut off at t=10 s. */
function liveUpUntil(at: number): DetectorState {
  let state = initialState(0);
  for (let t = 1000; t <= at; t += 1000) state = observe(state, 'agent-a', r(t, 'up'), { ...DEFAULT_POLICY, voters: ['agent-a'] }).state;
  return state;
}

describe('replayed results complete the history', () => {
  it('an outage inside the gap: down from its first failure, up from the first success, with their original timestamps', () => {
    const before = liveUpUntil(10_000);
    expect(before.health).toBe('up');
    const replay = new ReplayHistory();
    const changes = [];
    const statuses: ProbeResult['status'][] = ['up', 'down', 'down', 'down', 'down', 'up', 'up', 'up'];
    for (const [i, status] of statuses.entries()) {
      const change = replay.observe('m1', 'agent-a', r(11_000 + i * 1000, status), DEFAULT_POLICY, before, 80_000);
      if (change) changes.push(change);
    }
    expect(changes.map((c) => `${c.from}→${c.to} at ${c.effectiveAt}`)).toEqual(['up→suspect at 12000', 'suspect→down at 12000', 'down→up at 16000']);
    expect(changes[1]!.reason).toMatch(/^replayed from agent-a \(buffered while it was cut off from the API; no incident opened from it\): /);
  });

  it('a result already replayed (a batch resent) is not counted twice', () => {
    const before = liveUpUntil(10_000);
    const replay = new ReplayHistory();
    for (const t of [11_000, 12_000, 13_000]) replay.observe('m1', 'agent-a', r(t, 'down'), DEFAULT_POLICY, before, 80_000);
    expect(replay.observe('m1', 'agent-a', r(12_000, 'down'), DEFAULT_POLICY, before, 80_000)).toBeUndefined();
    expect(replay.observe('m1', 'agent-a', r(13_000, 'down'), DEFAULT_POLICY, before, 80_000)).toBeUndefined();
  });

  it('with a quorum above 1, one vantage’s past decides nothing: no history written', () => {
    const replay = new ReplayHistory();
    for (const t of [11_000, 12_000, 13_000, 14_000]) {
      expect(replay.observe('m1', 'agent-a', r(t, 'down'), { ...DEFAULT_POLICY, quorum: 2 }, liveUpUntil(10_000), 80_000)).toBeUndefined();
    }
  });
});
