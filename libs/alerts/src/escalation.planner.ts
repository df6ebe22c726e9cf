import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Incident } from '#lib/incidents';
import type { EscalationPolicy, RouteMatch } from './escalation-policy.entity.js';

export interface PlannedStep {
  index: number;
  delayMinutes: number;
  channelIds: string[];
}

interface IncidentFacts {
  serviceType: string | null;
  customerIds: string[];
  hostTags: string[];
}

/** A policy matches when each of its non-empty criteria meets the incident (empty criteria match everything). */
export function matches(match: RouteMatch, facts: IncidentFacts): boolean {
  if (match.serviceTypes?.length && !(facts.serviceType && match.serviceTypes.includes(facts.serviceType))) return false;
  if (match.customerIds?.length && !match.customerIds.some((c) => facts.customerIds.includes(c))) return false;
  if (match.hostTags?.length && !match.hostTags.some((t) => facts.hostTags.includes(t))) return false;
  return true;
}

/** Routing: the first matching policy (by priority, then name) decides who is paged and when. */
@Injectable()
export class EscalationPlanner {
  constructor(private readonly dataSource: DataSource) {}

  async plan(incident: Incident): Promise<PlannedStep[]> {
    const policies: EscalationPolicy[] = await this.dataSource.query(
      'SELECT id, name, match, steps, priority FROM escalation_policies WHERE tenant_id = $1 ORDER BY priority, name',
      [incident.tenantId],
    );
    const enabled: { id: string }[] = await this.dataSource.query('SELECT id FROM alert_channels WHERE tenant_id = $1 AND enabled', [incident.tenantId]);
    const live = new Set(enabled.map((c) => c.id));
    if (policies.length) {
      const facts = await this.facts(incident);
      const policy = policies.find((p) => matches(p.match, facts));
      if (policy) {
        return policy.steps.map((s, index) => ({ index, delayMinutes: s.delayMinutes, channelIds: s.channelIds.filter((c) => live.has(c)) }));
      }
    }
    return [{ index: 0, delayMinutes: 0, channelIds: [...live] }];
  }

  private async facts(incident: Incident): Promise<IncidentFacts> {
    const [row]: { service_type: string | null; customer_ids: string[]; tags: string[] }[] = await this.dataSource.query(
      `SELECT s.type::text AS service_type, h.tags,
              coalesce(array(SELECT customer_id::text FROM service_customers WHERE service_id = s.id), '{}') AS customer_ids
         FROM hosts h LEFT JOIN services s ON s.id = $2 WHERE h.id = $1`,
      [incident.hostId, incident.serviceId],
    );
    return { serviceType: row?.service_type ?? null, customerIds: row?.customer_ids ?? [], hostTags: row?.tags ?? [] };
  }
}
