import { describe, expect, it } from 'vitest';
import { impairmentsOf, resolveAssignment } from './assignments.service.js';

const live = [
  { id: 'c1', tenant_id: null, name: 'central', central: true },
  { id: 'a', tenant_id: null, name: 'agent-a', central: false },
  { id: 'b', tenant_id: null, name: 'agent-b', central: false },
  { id: 'p', tenant_id: 'T', name: 'office', central: false },
];
const row = (over: Partial<Parameters<typeof resolveAssignment>[0]> = {}) => ({ monitor_id: 'm1', tenant_id: 'T', vantage_ids: null, quorum: null, vantage_count: null, inherited: false, ...over });
const impaired = (ids: Record<string, string>, central: string | null = null) => ({ impaired: new Map(Object.entries(ids)), central });

describe('resolving an assignment against the vantages’ health', () => {
  it('all platform vantages, all healthy: the central tier and every platform agent vote, majority of 3', () => {
    const r = resolveAssignment(row(), live);
    expect(r).toMatchObject({ central: true, centralImpaired: null, agents: [{ name: 'agent-a' }, { name: 'agent-b' }], observers: [], quorum: 2 });
  });

  it('an impaired agent only observes, with why; the quorum stays what was assigned (never lowered by impairment)', () => {
    const r = resolveAssignment(row({ quorum: 3 }), live, impaired({ a: 'heartbeat late' }));
    expect(r.agents.map((a) => a.name)).toEqual(['agent-b']);
    expect(r.observers).toEqual([{ id: 'a', name: 'agent-a', reason: 'heartbeat late' }]);
    expect(r.quorum).toBe(3);
    // Majority of the 3 assigned, not of the 2 healthy.
    expect(resolveAssignment(row(), live, impaired({ a: 'x', b: 'y' })).quorum).toBe(2);
  });

  it('a named vantage revoked since keeps its place: the quorum set is not lowered, the revoked one is named', () => {
    const gone = new Map([['b', { name: 'agent-b', at: '2026-12-03T07:00:00.000Z' }]]);
    const liveNow = live.filter((v) => v.id !== 'b');
    const r = resolveAssignment(row({ vantage_ids: ['c1', 'b'], quorum: 2 }), liveNow, undefined, gone);
    expect(r).toMatchObject({ central: true, agents: [], revoked: [{ id: 'b', name: 'agent-b', at: '2026-12-03T07:00:00.000Z' }], quorum: 2 });
    // A majority is of what was named (2), not of what is left (1).
    expect(resolveAssignment(row({ vantage_ids: ['c1', 'b'] }), liveNow, undefined, gone).quorum).toBe(2);
    // k of N: the revoked one is never chosen, and still counts toward k.
    const k = resolveAssignment(row({ vantage_ids: ['c1', 'a', 'b'], vantage_count: 3, quorum: 3 }), liveNow, undefined, gone);
    expect(k.quorum).toBe(3);
    expect(k.agents.map((a) => a.name)).toEqual(['agent-a']);
    // Fewer platform vantages than a configured quorum (one revoked): the quorum is kept, and becomes unreachable.
    expect(resolveAssignment(row({ quorum: 3 }), liveNow).quorum).toBe(3);
  });

  it('k of N: an impaired vantage’s place goes to the next healthy one; it keeps observing', () => {
    const healthy = resolveAssignment(row({ vantage_count: 1, vantage_ids: ['a', 'b'] }), live);
    const first = healthy.agents[0]!;
    const moved = resolveAssignment(row({ vantage_count: 1, vantage_ids: ['a', 'b'] }), live, impaired({ [first.id]: 'clock off' }));
    expect(moved.agents).toHaveLength(1);
    expect(moved.agents[0]!.id).not.toBe(first.id);
    expect(moved.observers.map((o) => o.id)).toEqual([first.id]);
    expect(moved.quorum).toBe(1);
  });

  it('the central tier impaired (as this watchdog sees itself): it probes but does not vote', () => {
    const health = impairmentsOf([...live.slice(0, 1).map((v) => ({ ...v, impaired_reason: 'its own network' })), ...live.slice(1)], 'central');
    const r = resolveAssignment(row(), live, health);
    expect(r.central).toBe(true);
    expect(r.centralImpaired).toBe('central: its own network');
  });

  it('a private vantage serves its tenant only, as before', () => {
    expect(resolveAssignment(row({ vantage_ids: ['p'] }), live).agents.map((a) => a.name)).toEqual(['office']);
    expect(resolveAssignment(row({ vantage_ids: ['p'], tenant_id: 'U' }), live).agents).toEqual([]);
  });
});
