import type { DownOutcome, PrimaryDown } from './resource-kind.js';
import { healthyStandby } from './member-health.js';

/**
 * The plain failover (a VIP, a DNS record): to the first fit standby in preference order (no open incident, every
 * monitor up), else a doubtful one (suspect: said on the timeline), or nobody to take over — with why each was passed
 * over. A standby nobody can see now (unknown) is never the target.
 */
export async function failOverToStandby({ resource, member, onMembers, memberHealth, memberHosts, say }: PrimaryDown): Promise<DownOutcome> {
  const [health, hosts] = await Promise.all([memberHealth(), memberHosts()]);
  const names = new Map(hosts.map((h) => [h.id, h.name]));
  const choice = healthyStandby(resource, member.hostId, onMembers, health, names);
  if (!choice.hostId) {
    const why = choice.passedOver.length ? `: ${choice.passedOver.join('; ')}` : '';
    return { kind: 'no_standby', text: `no healthy standby to fail over to${why}; an operator must act`, page: true };
  }
  if (choice.doubt) await say(`no standby is fully healthy; failing over to the first one not known to be down: ${choice.doubt}`);
  return { start: { from: member.hostId, to: choice.hostId } };
}
