import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Incident } from '#lib/incidents';
import { type OutageSubject, OutageSubjects } from '#lib/inventory';
import type { EscalationPolicy, QuietHours, RouteMatch } from './escalation-policy.entity.js';

export interface PlannedStep {
  index: number;
  delayMinutes: number;
  channelIds: string[];
  scheduleIds?: string[];
  userIds?: string[];
  quietHours?: QuietHours;
  /** The route that planned it (null: no policy matched, every channel). */
  policyId?: string | null;
}

const MAX_REPEATS = 3;

/** Steps, then the last one again every `repeatMinutes` (three times at most): the worker drops them once acknowledged. */
export function expandSteps(policy: Pick<EscalationPolicy, 'steps' | 'repeatMinutes'>, live: Set<string>): PlannedStep[] {
  const steps = policy.steps.map((s, index) => ({ index, delayMinutes: s.delayMinutes, channelIds: s.channelIds.filter((c) => live.has(c)), scheduleIds: s.scheduleIds ?? [], userIds: s.userIds ?? [] }));
  const last = steps.at(-1);
  if (last && policy.repeatMinutes) {
    for (let k = 1; k <= MAX_REPEATS; k++) steps.push({ ...last, index: last.index + k, delayMinutes: last.delayMinutes + k * policy.repeatMinutes });
  }
  return steps;
}

/** When a delivery planned for `at` may go out: `at`, or the end of the quiet hours it falls in (wall clock in `timeZone`). */
export function afterQuietHours(at: number, quiet: QuietHours | null | undefined, timeZone: string): number {
  if (!quiet) return at;
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(at));
  const now = Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
  const [start, end] = [minutes(quiet.start), minutes(quiet.end)];
  const inside = start <= end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return at;
  const wait = (end - now + 1440) % 1440;
  return at + wait * 60_000 - (at % 60_000);
}

interface IncidentFacts {
  severity?: string;
  serviceType: string | null;
  customerIds: string[];
  hostTags: string[];
}

/** A policy matches when each of its non-empty criteria meets the incident (empty criteria match everything). */
export function matches(match: RouteMatch, facts: IncidentFacts): boolean {
  if (match.severities?.length && !match.severities.includes(facts.severity ?? 'critical')) return false;
  if (match.serviceTypes?.length && !(facts.serviceType && match.serviceTypes.includes(facts.serviceType))) return false;
  if (match.customerIds?.length && !match.customerIds.some((c) => facts.customerIds.includes(c))) return false;
  if (match.hostTags?.length && !match.hostTags.some((t) => facts.hostTags.includes(t))) return false;
  return true;
}

/** Routing: the first matching policy (by priority, then name) decides who is paged and when. */
@Injectable()
export class EscalationPlanner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subjects: OutageSubjects,
  ) {}

  /** `subject`: the outage's facts when the caller has read them already. */
  async plan(incident: Incident, subject?: OutageSubject): Promise<PlannedStep[]> {
    const policies: EscalationPolicy[] = await this.dataSource.query(
      'SELECT id, name, match, steps, priority, repeat_minutes AS "repeatMinutes", quiet_hours AS "quietHours" FROM escalation_policies WHERE tenant_id = $1 ORDER BY priority, name',
      [incident.tenantId],
    );
    const enabled: { id: string }[] = await this.dataSource.query('SELECT id FROM alert_channels WHERE tenant_id = $1 AND enabled', [incident.tenantId]);
    const live = new Set(enabled.map((c) => c.id));
    if (policies.length) {
      const facts = await this.facts(incident, subject);
      const policy = policies.find((p) => matches(p.match, facts));
      if (policy) return expandSteps(policy, live).map((s) => ({ ...s, quietHours: policy.quietHours ?? undefined, policyId: policy.id }));
    }
    return [{ index: 0, delayMinutes: 0, channelIds: [...live] }];
  }

  private async facts(incident: Incident, known?: OutageSubject): Promise<IncidentFacts> {
    const subject = known ?? (await this.subjects.of(incident.hostId, incident.serviceId, incident.monitorId));
    return { severity: subject.severity ?? undefined, serviceType: subject.service?.type ?? null, customerIds: subject.customers.map((c) => c.id), hostTags: subject.host?.tags ?? [] };
  }
}
