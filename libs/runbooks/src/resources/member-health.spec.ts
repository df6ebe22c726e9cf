import { describe, expect, it } from 'vitest';
import type { HostMonitorHealth } from '#lib/detection';
import type { Incident } from '#lib/incidents';
import type { Resource } from '../entities/resource.entity.js';
import { healthyStandby, judgeMember } from './member-health.js';

const member = (hostId: string, monitorIds: string[] = []) => ({ hostId, monitorIds });
const seen = (hostId: string, health: string, reason: string | null = null): HostMonitorHealth => ({ hostId, monitorId: `${hostId}-m`, type: 'http', health, since: new Date(0), lastReason: 'HTTP 200', reason, judged: true });
const incident = (hostId: string) => ({ hostId, monitorId: `${hostId}-m` }) as Incident;
const resource = (...hosts: string[]) => ({ members: hosts.map((h) => member(h)) }) as unknown as Resource;
const names = new Map([['a', 'web1'], ['b', 'web2'], ['c', 'web3']]);

describe('a member as a failover target', () => {
  it('fit only with no open incident and every monitor up or degraded; unknown and down are unfit, suspect doubtful', () => {
    expect(judgeMember(member('b'), [], [seen('b', 'up'), seen('b', 'degraded')]).fitness).toBe('fit');
    expect(judgeMember(member('b'), [], [])).toEqual({ hostId: 'b', fitness: 'doubtful', why: 'has no enabled monitor: Vigia cannot see it' });
    expect(judgeMember(member('b'), [], [seen('b', 'unknown', 'cannot decide: quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; …')]))
      .toEqual({ hostId: 'b', fitness: 'unfit', why: 'its http monitor is seen down by every vantage left (unconfirmed: its quorum is out of reach)' });
    expect(judgeMember(member('b'), [incident('b')], [seen('b', 'up')])).toEqual({ hostId: 'b', fitness: 'unfit', why: 'has an open incident' });
    expect(judgeMember(member('b'), [], [seen('b', 'down')]).why).toBe('its http monitor is down');
    expect(judgeMember(member('b'), [], [seen('b', 'unknown', 'no fresh result from any vantage — office: not voting, impaired (never connected)')]))
      .toEqual({ hostId: 'b', fitness: 'unfit', why: 'nobody can see it now (its http monitor is unknown: no fresh result from any vantage; office: not voting, impaired (never connected))' });
    // Named as the operator named it, and only the silent vantages said (not every voter's story).
    const named = { ...seen('b', 'unknown', 'no fresh result from any vantage — central: stale (last result 2026-12-03T10:00:00.000Z); eu: up since 2026-12-03T10:00:00.000Z (HTTP 200); office: not voting, impaired (no heartbeat yet (its agent has never connected))'), name: 'web2 www' };
    expect(judgeMember(member('b'), [], [named]).why)
      .toBe('nobody can see it now (its monitor "web2 www" is unknown: no fresh result from any vantage; central: stale (last result 2026-12-03T10:00:00.000Z); office: not voting, impaired (no heartbeat yet (its agent has never connected)))');
    expect(judgeMember(member('b'), [], [{ ...seen('b', 'down'), name: 'web2 www' }]).why).toBe('its monitor "web2 www" is down');
    // A vantage's own why may hold "; " inside its parentheses (a refusal's remedy): kept whole, parentheses closed.
    const refused = seen('b', 'unknown', 'no fresh result from any vantage — vm: not voting, not probing this target (the platform\'s egress policy does not allow the address configured — refused by egress policy: 127.0.0.1 is loopback; an operator of Vigia allows it with VIGIA_EGRESS_ALLOW on the watchdogs, or the monitor names an address that is allowed)');
    expect(judgeMember(member('b'), [], [refused]).why).toMatch(/; vm: not voting, not probing this target \(.*127\.0\.0\.1 is loopback; an operator of Vigia allows it with VIGIA_EGRESS_ALLOW on the watchdogs, or the monitor names an address that is allowed\)\)$/);
    expect(judgeMember(member('b'), [], [seen('b', 'suspect')]).fitness).toBe('doubtful');
  });

  it("only the member's listed monitors count (every monitor of its host when none are listed)", () => {
    const other = { ...seen('b', 'down'), monitorId: 'b-other' };
    expect(judgeMember(member('b', ['b-m']), [], [seen('b', 'up'), other]).fitness).toBe('fit');
    expect(judgeMember(member('b'), [], [seen('b', 'up'), other]).fitness).toBe('unfit');
  });

  it('the first fit standby in preference order; a doubtful one only when none is fit, said; never an unseen one', () => {
    const r = resource('a', 'b', 'c');
    expect(healthyStandby(r, 'a', [], [seen('b', 'suspect'), seen('c', 'up')], names)).toEqual({ hostId: 'c', doubt: undefined, passedOver: ['web2 its http monitor is suspect (failures seen from fewer vantages than its quorum)'] });
    const doubtful = healthyStandby(r, 'a', [], [seen('b', 'unknown'), seen('c', 'suspect')], names);
    expect(doubtful).toMatchObject({ hostId: 'c', doubt: 'web3 its http monitor is suspect (failures seen from fewer vantages than its quorum)' });
    expect(doubtful.passedOver).toEqual(['web2 nobody can see it now (its http monitor is unknown)']);
    const none = healthyStandby(r, 'a', [incident('c')], [seen('b', 'unknown')], names);
    expect(none).toEqual({ hostId: undefined, doubt: undefined, passedOver: ['web2 nobody can see it now (its http monitor is unknown)', 'web3 has an open incident'] });
  });
});
