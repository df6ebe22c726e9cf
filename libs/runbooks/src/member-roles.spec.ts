import { describe, expect, it } from 'vitest';
import { ResourceKind } from './entities/resource.entity.js';
import { MemberRole, memberRole } from './member-roles.js';

describe('memberRole: what a member is now', () => {
  const mysql = { kind: ResourceKind.mysql_group, primaryHostId: 'db2', fencePending: ['db3'], drained: [] };
  const seen = new Map([['db1', false], ['db4', true]]);

  it.each([
    ['db2', MemberRole.primary],
    ['db3', MemberRole.fence_pending],
    // The former primary, fenced read-only: its MySQL monitor sees no replication.
    ['db1', MemberRole.not_replicating],
    ['db4', MemberRole.replica],
    // No MySQL monitor on it: nothing observed, the configured role stands.
    ['db5', MemberRole.replica],
  ])('MySQL group member %s: %s', (host, role) => {
    expect(memberRole(mysql, host, seen)).toBe(role);
  });

  it('other kinds: primary, standby, drained, fence pending', () => {
    const vip = { kind: ResourceKind.vip_group, primaryHostId: 'web2', fencePending: ['web1'], drained: ['web3'] };
    expect(['web2', 'web1', 'web3', 'web4'].map((h) => memberRole(vip, h, new Map()))).toEqual([MemberRole.primary, MemberRole.fence_pending, MemberRole.drained, MemberRole.standby]);
  });
});
