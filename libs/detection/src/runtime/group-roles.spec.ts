import { describe, expect, it } from 'vitest';
import { ProbeType } from '#lib/inventory';
import { type MysqlGroupRoles, withGroupRoles } from './group-roles.js';
import type { WatchedMonitor } from './monitor-catalog.js';

const monitor = (id: string, hostId: string, config: Record<string, unknown>, type: ProbeType = ProbeType.mysql): WatchedMonitor => ({
  id, tenantId: 't1', hostId, serviceId: null, name: id, type, config, secretsSealed: null, intervalMs: 1000, timeoutMs: 500,
  address: '127.0.0.1', hostLevel: true, sshPort: 22, sshUser: 'root', sshHostKey: null, sshCredentialId: null,
});
const group = (primaryHostId: string, fencePending: string[] = []): MysqlGroupRoles => ({
  tenantId: 't1', primaryHostId, fencePending, members: [{ hostId: 'db1', monitorIds: [] }, { hostId: 'db2', monitorIds: [] }, { hostId: 'db3', monitorIds: ['m3'] }],
});
const roleOf = (m: WatchedMonitor) => ({ replica: m.config.replica, writable: m.config.writable });

describe('withGroupRoles: a MySQL member monitor expects what the group says the member is now', () => {
  const setUp = [monitor('m1', 'db1', { port: 3306, writable: true }), monitor('m2', 'db2', { port: 3306, replica: true }), monitor('m3', 'db3', { replica: true })];

  it.each([
    ['as set up', group('db1'), [{ replica: false, writable: true }, { replica: true, writable: false }, { replica: true, writable: false }]],
    ['after db2 was promoted', group('db2'), [{ replica: true, writable: false }, { replica: false, writable: true }, { replica: true, writable: false }]],
    ['after db2 was promoted while db1 was unreachable', group('db2', ['db1']), [{ replica: false, writable: false }, { replica: false, writable: true }, { replica: true, writable: false }]],
  ])('%s', (_what, g, expected) => {
    expect(withGroupRoles(setUp, [g]).map(roleOf)).toEqual(expected);
  });

  it('keeps the rest of the config, and leaves alone what is not a role-stating MySQL monitor of a member', () => {
    const others = [
      monitor('plain', 'db1', { port: 3306 }),
      monitor('http', 'db2', { replica: true }, ProbeType.http),
      monitor('elsewhere', 'db9', { replica: true }),
      { ...monitor('other-tenant', 'db2', { replica: true }), tenantId: 't2' },
      monitor('not-listed', 'db3', { replica: true }),
    ];
    expect(withGroupRoles(others, [group('db2')])).toEqual(others);
    expect(withGroupRoles(setUp, [group('db2')])[0]!.config).toEqual({ port: 3306, replica: true, writable: false });
  });
});
