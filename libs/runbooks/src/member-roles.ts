import { registerEnumType } from '@nestjs/graphql';
import type { Resource } from './entities/resource.entity.js';
import { kindOf } from './resources/resource-kinds.js';

export enum MemberRole {
  primary = 'primary',
  replica = 'replica',
  not_replicating = 'not_replicating',
  standby = 'standby',
  fence_pending = 'fence_pending',
  drained = 'drained',
}
registerEnumType(MemberRole, {
  name: 'MemberRole',
  description:
    'What a member is now, from the resource (primaryHostId, fencePending, drained) and, in a MySQL group, from its MySQL monitor: ' +
    'primary; replica (replicating); not_replicating (a fenced former primary, or a broken replica: re-attach it); ' +
    'standby (ready to take over); fence_pending (replaced while unreachable: fenced when it returns); drained (taken out of a pool)',
});

/** What Vigia observed of a MySQL member: whether one of its MySQL monitors last saw it replicating. */
export type ReplicationSeen = Map<string, boolean>;

/**
 * A member's role follows the resource as it is now, not the set-up: after a promotion the old primary was still
 * labelled "standby" (it is fenced, not replicating, and cannot take over) and the new primary "standby" until a reload.
 */
export function memberRole(resource: Pick<Resource, 'kind' | 'primaryHostId' | 'fencePending' | 'drained'>, hostId: string, replicating: ReplicationSeen): MemberRole {
  if (hostId === resource.primaryHostId) return MemberRole.primary;
  if (resource.fencePending.includes(hostId)) return MemberRole.fence_pending;
  if (resource.drained.includes(hostId)) return MemberRole.drained;
  // Members that do not replicate (a VIP's, a pool's) are standbys; replicas are what their kind observed.
  if (!kindOf(resource).readReplication) return MemberRole.standby;
  // No replication monitor on the member: nothing observed, so the configured role stands.
  return replicating.get(hostId) === false ? MemberRole.not_replicating : MemberRole.replica;
}
