import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEnum, IsNumber, IsOptional, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Incident } from '#lib/incidents';

export enum SubjectKind {
  monitor = 'monitor',
  service = 'service',
  host = 'host',
  customer = 'customer',
  tenant = 'tenant',
}
registerEnumType(SubjectKind, { name: 'SubjectKind' });

export enum ReportGranularity {
  day = 'day',
  week = 'week',
  month = 'month',
}
registerEnumType(ReportGranularity, { name: 'ReportGranularity' });

@InputType()
export class ReportSubjectInput {
  @Field(() => SubjectKind) @IsEnum(SubjectKind) kind: SubjectKind;
  @Field(() => ID, { nullable: true, description: 'Omitted for the tenant' }) @IsOptional() @IsUUID('all', { message: 'must be an id returned by this API' }) id?: string;
}

@InputType()
export class AvailabilityReportInput {
  @Field(() => ReportSubjectInput) @ValidateNested() @Type(() => ReportSubjectInput) subject: ReportSubjectInput;
  @Field({ nullable: true, description: 'A calendar month (YYYY-MM) or year (YYYY) in the tenant time zone; or give from and to' })
  @IsOptional() @Matches(/^\d{4}(-(0[1-9]|1[0-2]))?$/, { message: 'must be YYYY-MM or YYYY' }) period?: string;
  @Field({ nullable: true }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Field({ nullable: true }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @Field({ nullable: true, description: 'Compute the report as it stood at this instant (a dispute, a reproduction); default now' })
  @IsOptional() @Type(() => Date) @IsDate() asOf?: Date;
  @Field(() => ReportGranularity, { nullable: true }) @IsOptional() @IsEnum(ReportGranularity) granularity?: ReportGranularity;
  @Field(() => Float, { nullable: true, description: 'SLA target in percent, e.g. 99.9' })
  @IsOptional() @IsNumber() @Min(0.0001) @Max(100) targetPercent?: number;
}

@ObjectType({ description: 'An outage not repaired by the end of the period (or now)' })
export class OngoingOutageView {
  @Field() since: Date;
  @Field(() => Float) soFarMs: number;
}

@ObjectType({ description: 'A = MTBF / (MTBF + MTTR), shown only where it differs from the time-based availability' })
export class CrossCheckView {
  @Field(() => Float) availability: number;
  @Field() reason: string;
}

@ObjectType()
export class AvailabilityFiguresView {
  @Field(() => Float, { description: 'Time the subject counted in the period (up to now): observed + unobserved' }) periodMs: number;
  @Field(() => Float, { description: 'Time with a fresh verdict' }) observedMs: number;
  @Field(() => Float, { description: 'Time Vigia did not see: no watchdog, no database, no fresh verdict' }) unobservedMs: number;
  @Field(() => Float, { nullable: true, description: 'observed / period' }) observedShare: number | null;
  @Field(() => Float, { description: 'The base of availability: period − planned − unobserved (unless the policy counts it)' }) accountableMs: number;
  @Field(() => Float) plannedMs: number;
  @Field(() => Float) downtimeMs: number;
  @Field(() => Float) degradedMs: number;
  @Field(() => Float) uptimeMs: number;
  @Field(() => Float, { nullable: true }) availability: number | null;
  @Field(() => Float, { nullable: true, description: 'Availability as a percentage, truncated to six decimals (never rounded up)' }) percent: number | null;
  @Field(() => Float, { nullable: true }) nines: number | null;
  @Field(() => Int, { description: 'Outages with an accountable part in the period' }) failures: number;
  @Field(() => Int, { description: 'Outages repaired (recovered) within the period' }) repairs: number;
  @Field(() => Float) repairedDowntimeMs: number;
  @Field(() => Int) openOutages: number;
  @Field(() => OngoingOutageView, { nullable: true }) ongoing: OngoingOutageView | null;
  @Field(() => Float, { nullable: true, description: 'uptime / failures' }) mtbfMs: number | null;
  @Field(() => Float, { nullable: true, description: 'repaired downtime / repairs; null when nothing was repaired' }) mttrMs: number | null;
  @Field(() => CrossCheckView, { nullable: true }) crossCheck: CrossCheckView | null;
}

@ObjectType()
export class AvailabilityBucket {
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => AvailabilityFiguresView) figures: AvailabilityFiguresView;
}

@ObjectType()
export class SlaStatus {
  @Field(() => Float) targetPercent: number;
  @Field(() => Float) allowedDowntimeMs: number;
  @Field(() => Float) usedMs: number;
  @Field(() => Float) remainingMs: number;
  @Field({ description: 'The period has ended (false: a period to date, e.g. this month)' }) periodOver: boolean;
  @Field(() => Float, { description: 'The downtime the whole period allows if the rest of it is up and counted (= allowedDowntimeMs once it is over)' })
  periodAllowedDowntimeMs: number;
  @Field({ description: 'More downtime than the whole period allows: the target can no longer be met' }) breached: boolean;
  @Field({ description: 'A period to date over its pro-rated allowance (allowedDowntimeMs), not yet breached' }) atRisk: boolean;
}

@ObjectType()
export class AvailabilityReport {
  @Field(() => SubjectKind) subjectKind: SubjectKind;
  @Field(() => ID, { nullable: true }) subjectId?: string;
  @Field() subjectName: string;
  @Field() from: Date;
  @Field() to: Date;
  @Field(() => String, { nullable: true, description: 'The calendar period asked for (YYYY-MM or YYYY), if any' }) period: string | null;
  @Field() timeZone: string;
  @Field({ description: 'When these figures were computed' }) computedAt: Date;
  @Field({ description: 'The instant the report stands at: now, or the asOf asked for' }) asOf: Date;
  @Field(() => Int) policyVersion: number;
  @Field(() => GraphQLJSONObject, { description: 'The accounting policy that produced these numbers' }) policy: Record<string, unknown>;
  @Field(() => AvailabilityFiguresView) totals: AvailabilityFiguresView;
  @Field(() => [AvailabilityBucket]) series: AvailabilityBucket[];
  @Field(() => [Incident]) incidents: Incident[];
  @Field(() => SlaStatus, { nullable: true }) sla?: SlaStatus;
}

export enum CustomerCombination {
  anyDown = 'any-down',
  weighted = 'weighted',
}
registerEnumType(CustomerCombination, { name: 'CustomerCombination', description: "any-down: a customer is down while any of its services is; weighted: its services' availability averaged by their link weights" });

export enum UnobservedPolicy {
  exclude = 'exclude',
  up = 'up',
  down = 'down',
}
registerEnumType(UnobservedPolicy, { name: 'UnobservedPolicy', description: 'How time Vigia did not see is counted: left out, as up, or as down' });

@InputType({ description: 'Accounting policy v2; omitted fields keep their defaults' })
export class AccountingPolicyInput {
  @Field({ nullable: true, description: 'Default false: degraded time is reported apart' }) @IsOptional() @IsBoolean() degradedCountsAsDown?: boolean;
  @Field({ nullable: true, description: 'Default false: unconfirmed failures are not downtime' }) @IsOptional() @IsBoolean() suspectCountsAsDown?: boolean;
  @Field(() => UnobservedPolicy, { nullable: true, description: 'Default exclude: time Vigia did not see is left out of the accountable time' })
  @IsOptional() @IsEnum(UnobservedPolicy) unobserved?: UnobservedPolicy;
  @Field(() => CustomerCombination, { nullable: true }) @IsOptional() @IsEnum(CustomerCombination) customerCombination?: CustomerCombination;
}
