import type { Incident } from '#lib/incidents';
import type { Resource, ResourceMember } from '../entities/resource.entity.js';

/** The member's outage is any of its listed monitors (every monitor of the host when none are listed). */
export function covers(member: ResourceMember, incident: Pick<Incident, 'hostId' | 'monitorId'>): boolean {
  return member.hostId === incident.hostId && (member.monitorIds.length === 0 || member.monitorIds.includes(incident.monitorId));
}

/** The first member in preference order, other than the failed one, with no open incident on its monitors. */
export function healthyStandby(resource: Resource, failed: string, open: Incident[]): string | undefined {
  return resource.members.find((m) => m.hostId !== failed && !open.some((i) => covers(m, i)))?.hostId;
}
