import type { DownOutcome, PrimaryDown } from './resource-kind.js';
import { healthyStandby } from './member-health.js';

/** The plain failover (a VIP, a DNS record): to the first healthy standby in preference order, or nobody to take over. */
export async function failOverToStandby({ resource, member, onMembers }: PrimaryDown): Promise<DownOutcome> {
  const candidate = healthyStandby(resource, member.hostId, onMembers);
  if (!candidate) return { kind: 'no_standby', text: 'no healthy standby to fail over to; an operator must act', page: true };
  return { start: { from: member.hostId, to: candidate } };
}
