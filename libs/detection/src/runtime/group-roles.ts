import type { WatchedMonitor } from './monitor-catalog.js';

/**
 * Where MySQL groups come from: the runbooks library owns them (`resources` of kind mysql_group) and sits downstream
 * of detection, so detection declares this port and runbooks provides it under `GROUP_ROLES` (a global module) —
 * detection never reads the runbooks' tables and never imports runbooks. Without a provider (no runbooks library
 * wired in) there are no groups.
 */
export interface GroupRoleSource {
  /** Changes whenever a group's primary, fencing or members change: the watchdog reloads its monitors then. */
  fingerprint(): Promise<string>;
  groups(): Promise<MysqlGroupRoles[]>;
}

export const GROUP_ROLES = Symbol('GROUP_ROLES');

/** What the watchdog needs of a MySQL group (`resources` of kind mysql_group) to probe its members for their roles. */
export interface MysqlGroupRoles {
  tenantId: string;
  members: { hostId: string; monitorIds: string[] }[];
  primaryHostId: string | null;
  fencePending: string[];
}

/**
 * A MySQL monitor states a role in its config (`replica: true`: must replicate; `writable: true`: must accept
 * writes). Written once when the group was set up, it went stale at the first promotion: the new primary's "replica"
 * monitor said "degraded: not replicating" for ever. For a member of a group, the role comes from the group instead
 * (who is primary now, who awaits fencing); monitors that state no role are left as they are.
 */
export function withGroupRoles(monitors: WatchedMonitor[], groups: MysqlGroupRoles[]): WatchedMonitor[] {
  if (!groups.length) return monitors;
  return monitors.map((monitor) => {
    if (monitor.type !== 'mysql' || (monitor.config.replica !== true && monitor.config.writable !== true)) return monitor;
    const group = groups.find(
      (g) => g.tenantId === monitor.tenantId && g.members.some((m) => m.hostId === monitor.hostId && (m.monitorIds.length === 0 || m.monitorIds.includes(monitor.id))),
    );
    if (!group?.primaryHostId) return monitor;
    const role = memberRole(group, monitor.hostId);
    // The primary must take writes (read_only there is an outage); a replica must replicate; a member replaced while
    // unreachable is neither until it has been fenced and re-attached.
    const config = { ...monitor.config, replica: role === 'replica', writable: role === 'primary' };
    return { ...monitor, config };
  });
}

export function memberRole(group: Pick<MysqlGroupRoles, 'primaryHostId' | 'fencePending'>, hostId: string): 'primary' | 'replica' | 'fence_pending' {
  if (hostId === group.primaryHostId) return 'primary';
  if (group.fencePending.includes(hostId)) return 'fence_pending';
  return 'replica';
}
