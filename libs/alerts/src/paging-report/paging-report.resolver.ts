import { Args, Field, Float, ID, InputType, Int, ObjectType, Query, registerEnumType, Resolver } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsDate, IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VigiaException } from '#lib/common';
import { StateHistory } from '#lib/detection';
import { IncidentHistory } from '#lib/incidents';
import { PagingTargets } from '#lib/oncall';
import { CurrentPrincipal, type Principal, TenantFacts, TenantPeople } from '#lib/tenancy';
import { type IncidentTimes, type PageRow, type PagingDimension, pagingPerDay, pagingQuality, toCsv } from './paging-quality.js';

export enum PagingReportBy {
  tenant = 'tenant',
  route = 'route',
  schedule = 'schedule',
  person = 'person',
}
registerEnumType(PagingReportBy, { name: 'PagingReportBy', description: 'How the paging report groups pages' });

const MAX_PERIOD_MS = 366 * 86_400_000;

@InputType()
export class PagingReportInput {
  @Field() @Type(() => Date) @IsDate({ message: 'must be a date and time' }) from: Date;
  @Field() @Type(() => Date) @IsDate({ message: 'must be a date and time' }) to: Date;
  @Field(() => PagingReportBy, { nullable: true, description: 'Default: tenant' }) @IsOptional() @IsEnum(PagingReportBy, { message: 'must be tenant, route, schedule or person' }) by?: PagingReportBy;
  @Field(() => Int, { nullable: true, description: 'Incidents shorter than this count as noise (default 60)' })
  @IsOptional() @IsInt({ message: 'must be a whole number of seconds' }) @Min(0, { message: 'must be 0 or more' }) @Max(86_400, { message: 'must be at most 86400' }) confirmationSeconds?: number;
}

@ObjectType()
export class PagingReportRow {
  @Field(() => ID, { nullable: true, description: 'The route (policy), schedule or person; null: no policy matched (route)' }) key: string | null;
  @Field() name: string;
  @Field(() => Int) pagesSent: number;
  @Field(() => Int, { description: 'Pages sent 22:00–07:00 in the schedule’s zone (the tenant’s for channels and people paged directly)' }) pagesAtNight: number;
  @Field(() => Int) incidentsPaged: number;
  @Field(() => Int, { description: 'Paged incidents someone acknowledged' }) acknowledged: number;
  @Field(() => Float, { nullable: true, description: 'Time to acknowledge, from the first page of the incident in this group' }) ttaP50Seconds: number | null;
  @Field(() => Float, { nullable: true }) ttaP90Seconds: number | null;
  @Field(() => Int, { description: 'Paged incidents that lasted less than the confirmation time' }) noise: number;
  @Field(() => Int, { description: 'Paged incidents whose last escalation level was delivered' }) reachedLastLevel: number;
}

@ObjectType({ description: 'One calendar day of the tenant’s pages, in the tenant’s time zone' })
export class PagingReportDay {
  @Field({ description: 'The day, 2026-11-30' }) day: string;
  @Field(() => Int) pagesSent: number;
  @Field(() => Int) pagesAtNight: number;
  @Field(() => Int, { description: 'Incidents whose first page in the period was sent that day' }) incidentsPaged: number;
  @Field(() => Int) acknowledged: number;
  @Field(() => Float, { nullable: true }) ttaP50Seconds: number | null;
  @Field(() => Float, { nullable: true }) ttaP90Seconds: number | null;
  @Field(() => Int) noise: number;
  @Field(() => Int) reachedLastLevel: number;
}

@ObjectType()
export class PagingReport {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => PagingReportBy) by: PagingReportBy;
  @Field(() => [PagingReportRow]) rows: PagingReportRow[];
  @Field(() => [PagingReportDay], { description: 'Every day of the period in the tenant’s zone, whatever the grouping: the chart' }) days: PagingReportDay[];
  @Field({ description: 'The zone the days and the night hours of channels and people are in (the tenant’s)' }) timeZone: string;
  @Field(() => Int, { description: 'Suspicions that cleared without an outage (quorum or confirmation said no): nobody paged' }) incidentsAvoided: number;
  @Field(() => Int, { description: 'Incidents opened while flapping: suppressed, nobody paged' }) flappingSuppressions: number;
  @Field({ description: 'The rows as CSV (RFC 4180)' }) csv: string;
}

@Injectable()
@Resolver()
export class PagingReportResolver {
  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentHistory,
    private readonly states: StateHistory,
    private readonly targets: PagingTargets,
    private readonly tenants: TenantFacts,
    private readonly people: TenantPeople,
  ) {}

  @Query(() => PagingReport, { description: 'How good the paging was over [from, to): per tenant, route, schedule or person' })
  async pagingReport(@CurrentPrincipal() principal: Principal, @Args('input') input: PagingReportInput): Promise<PagingReport> {
    const { from, to } = input;
    const by = input.by ?? PagingReportBy.tenant;
    const confirmationSeconds = input.confirmationSeconds ?? 60;
    if (!(to > from)) throw VigiaException.invalid('input.to', 'must be after the start (from)');
    if (to.getTime() - from.getTime() > MAX_PERIOD_MS) throw VigiaException.invalid('input.to', 'a period covers at most 366 days');
    const tenantId = principal.tenantId;
    const rows: PageRow[] = await this.dataSource.query(
      `SELECT incident_id, policy_id, schedule_id, user_id, step, status, sent_at, target_key FROM notifications
        WHERE tenant_id = $1 AND kind = 'trigger' AND incident_id IN (
          SELECT DISTINCT incident_id FROM notifications WHERE tenant_id = $1 AND kind = 'trigger' AND status = 'sent' AND sent_at >= $2 AND sent_at < $3)`,
      [tenantId, from, to],
    );
    const incidents = new Map<string, IncidentTimes>((await this.incidents.pagedIncidents(tenantId, [...new Set(rows.map((r) => r.incident_id))])).map((i) => [i.id, i]));
    const schedules = await this.targets.scheduleFacts(tenantId);
    const tenantZone = (await this.tenants.of(tenantId))?.timeZone ?? 'UTC';
    const zoneOf = (r: PageRow): string => (r.schedule_id ? (schedules.get(r.schedule_id)?.timeZone ?? tenantZone) : tenantZone);
    const quality = pagingQuality(rows, incidents, by as PagingDimension, { confirmationMs: confirmationSeconds * 1000, zoneOf, inPeriod: (at) => at >= from && at < to });
    const days = pagingPerDay(rows, incidents, { confirmationMs: confirmationSeconds * 1000, zoneOf, from, to, timeZone: tenantZone });
    const names = await this.names(tenantId, by, quality.map((q) => q.key).filter((k): k is string => k !== null), schedules);
    const out = quality.map((q) => ({ ...q, name: q.key === null ? 'no policy matched (every channel)' : (names.get(q.key) ?? 'since deleted') })).sort((a, b) => b.pagesSent - a.pagesSent || a.name.localeCompare(b.name));
    const header = ['group', 'id', 'pages_sent', 'pages_at_night', 'incidents_paged', 'acknowledged', 'tta_p50_seconds', 'tta_p90_seconds', 'noise', 'reached_last_level'];
    const csv = toCsv(header, out.map((r) => [r.name, r.key, r.pagesSent, r.pagesAtNight, r.incidentsPaged, r.acknowledged, r.ttaP50Seconds, r.ttaP90Seconds, r.noise, r.reachedLastLevel]));
    return {
      from, to, by, rows: out, csv, days, timeZone: tenantZone,
      incidentsAvoided: await this.states.clearedSuspicions(tenantId, from, to),
      flappingSuppressions: await this.incidents.flappingSuppressed(tenantId, from, to),
    };
  }

  private async names(tenantId: string, by: PagingReportBy, keys: string[], schedules: Map<string, { name: string }>): Promise<Map<string, string>> {
    if (by === PagingReportBy.tenant) return new Map([['tenant', 'all pages']]);
    if (by === PagingReportBy.schedule) return new Map([...schedules].map(([id, s]) => [id, s.name]));
    if (by === PagingReportBy.person) return new Map([...(await this.people.of(tenantId, keys))].map(([id, p]) => [id, p.displayName]));
    const policies: { id: string; name: string }[] = await this.dataSource.query('SELECT id, name FROM escalation_policies WHERE tenant_id = $1', [tenantId]);
    return new Map(policies.map((p) => [p.id, p.name]));
  }
}
