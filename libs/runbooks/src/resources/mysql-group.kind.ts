import { matching, rule, tagged } from '#lib/common';
import type { MonitorHealth } from '#lib/detection';
import { REPLICATING_FROM, REPLICATION_NOT_READABLE } from '#lib/probes';
import { CIDR4, IFNAME } from '../document/definition.js';
import type { Resource, ResourceMember } from '../entities/resource.entity.js';
import type { ReplicationSeen } from '../member-roles.js';
import { memberSafetyActions, memberWarning } from '../steps/mysql-boot-config.js';
import type { PlanContext } from '../steps/step.js';
import { intRange } from './resource-fields.js';
import { defineResourceKind, type DownOutcome, type PrimaryDown } from './resource-kind.js';

export const mysqlGroupKind = defineResourceKind({
  type: 'mysql_group',
  description: 'A MySQL primary and its replicas: a replica is promoted once the replicas confirm the primary is dead',
  config: {
    port: intRange(1, 65535).optional(),
    replUser: matching(/^[A-Za-z0-9_]{1,32}$/, 'a MySQL user name').optional(),
    maxLagSeconds: intRange(0, 3600).optional(),
    confirmSeconds: intRange(0, 300).optional(),
    writerAddress: matching(CIDR4, 'the writer VIP with prefix length').optional(),
    writerInterface: matching(IFNAME, 'a network interface name').optional(),
    // Tagged as a list of strings so a form asks for one argument per line (the rule alone hides its JSON type).
    fenceCommand: tagged(rule<string[]>((v) => (Array.isArray(v) && v.length > 0 && v.length <= 32 && v.every((x) => typeof x === 'string' && x.length <= 1024) ? undefined : 'must be a command as a list of arguments')), { collection: 'strings' }).optional(),
  },
  members: { are: 'The MySQL servers, in preference order: the first is the primary at creation, the others its replicas' },
  secrets: ['user', 'password', 'replPassword'],
  runbooks: { failure: 'builtin/mysql-failover', manual: ['builtin/mysql-switchover', 'builtin/mysql-reattach'] },
  // The built-in failover moves clients with the writer address: without one it would promote a replica and then
  // fail, clients still pointed at the dead primary. A group bound to its own runbook (clients behind a proxy or a
  // DNS name the runbook moves) may leave it out.
  builtinFailureNeeds: {
    keys: ['writerAddress', 'writerInterface'],
    because: 'is required for a MySQL group with the built-in failover (it moves the writer address to the new primary); bind your own runbook (runbookId) if clients follow the primary another way',
  },
  onMemberDown: promoteIfReplicasConfirm,
  asksReplicasEarly: true,
  // A former MySQL primary is never made writable again by Vigia: re-attaching it is an operator's runbook.
  onMemberBack: 'never',
  // A returning old primary is made read-only and never writable again; with failback "auto" it is then re-attached
  // as a replica of the new primary (refused, with the server's reason, if it has errant writes).
  fenceReturning: { method: 'mysql', reattach: 'mysql.reattach' },
  readReplication,
  checkMembers,
});

/** Vigia alone may be cut off from the primary: its replicas must confirm it is dead before one is promoted. */
async function promoteIfReplicasConfirm({ resource, member, downMs, say, replicasVerdict }: PrimaryDown): Promise<DownOutcome> {
  const verdict = await replicasVerdict();
  if (!verdict.dead) {
    const confirmMs = Number(resource.config.confirmSeconds ?? 30) * 1000;
    // No page for the first `confirmSeconds`; an unrepaired primary pages after that.
    return { kind: 'unconfirmed', text: `no failover: the primary is unreachable from Vigia, but its replicas do not confirm it is dead (${verdict.evidence})`, page: downMs >= confirmMs };
  }
  await say(`primary confirmed dead by its replicas (${verdict.evidence})`);
  return { start: { from: member.hostId } };
}

/** The members' MySQL monitors as last probed: "replicating from …" is the probe's word for a healthy replica. */
async function readReplication(resource: Resource, health: MonitorHealth): Promise<ReplicationSeen> {
  const replicating: ReplicationSeen = new Map();
  const rows = (await health.ofHosts(resource.tenantId, resource.members.map((m) => m.hostId), 'mysql'))
    .map((r) => ({ ...r, replicating: r.health === 'up' && (r.lastReason ?? '').includes(REPLICATING_FROM) }));
  for (const member of resource.members) {
    const seen = rows.filter((r) => r.hostId === member.hostId && (member.monitorIds.length === 0 || member.monitorIds.includes(r.monitorId)));
    // A monitor whose user may not read the replica status says nothing either way: not "a broken replica".
    // Nor does one never judged yet.
    const telling = seen.filter((r) => r.judged && !(r.lastReason ?? '').includes(REPLICATION_NOT_READABLE));
    if (telling.length) replicating.set(member.hostId, telling.some((r) => r.replicating));
  }
  return replicating;
}

/**
 * A MySQL group's members must boot read-only, and not announce addresses they no longer hold (arp_announce=2,
 * docs/runbooks.md): a restarted or returning former primary would otherwise take writes before anyone can fence
 * it. Checked over SSH when the group is saved, each member's verdict kept as its warning (also refreshed by every
 * failover). Bounded: the sessions run side by side, each at most 4 s.
 */
async function checkMembers(resource: Resource, ctx: PlanContext): Promise<ResourceMember[]> {
  return Promise.all(resource.members.map(async (member) => {
    try {
      const host = await ctx.resolveHost(member.hostId, 'members', false);
      if (!host.ssh) return { ...member, warning: `not checked: ${host.sshProblem ?? 'no SSH access'}` };
      const results = await Promise.all(memberSafetyActions(host, resource.config.writerInterface, 'members').map((a) => a.run({ signal: AbortSignal.timeout(5000), onData: () => undefined })));
      return { ...member, warning: memberWarning(results) };
    } catch (error) {
      return { ...member, warning: `not checked: ${(error as Error).message}` };
    }
  }));
}
