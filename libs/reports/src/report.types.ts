import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEnum, IsNumber, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
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
  @Field() @Type(() => Date) @IsDate() from: Date;
  @Field() @Type(() => Date) @IsDate() to: Date;
  @Field(() => ReportGranularity, { nullable: true }) @IsOptional() @IsEnum(ReportGranularity) granularity?: ReportGranularity;
  @Field(() => Float, { nullable: true, description: 'SLA target in percent, e.g. 99.9' })
  @IsOptional() @IsNumber() @Min(0.0001) @Max(100) targetPercent?: number;
}

@ObjectType()
export class AvailabilityFiguresView {
  @Field(() => Float) observedMs: number;
  @Field(() => Float) plannedMs: number;
  @Field(() => Float) downtimeMs: number;
  @Field(() => Float) degradedMs: number;
  @Field(() => Float) uptimeMs: number;
  @Field(() => Float, { nullable: true }) availability: number | null;
  @Field(() => Float, { nullable: true, description: 'Availability as a percentage' }) percent: number | null;
  @Field(() => Float, { nullable: true }) nines: number | null;
  @Field(() => Int) failures: number;
  @Field(() => Int) openOutages: number;
  @Field(() => Float, { nullable: true }) mtbfMs: number | null;
  @Field(() => Float, { nullable: true }) mttrMs: number | null;
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
  @Field() breached: boolean;
}

@ObjectType()
export class AvailabilityReport {
  @Field(() => SubjectKind) subjectKind: SubjectKind;
  @Field(() => ID, { nullable: true }) subjectId?: string;
  @Field() subjectName: string;
  @Field() from: Date;
  @Field() to: Date;
  @Field() timeZone: string;
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
registerEnumType(CustomerCombination, { name: 'CustomerCombination', description: 'any-down: a customer is down while any of its services is; weighted: its services add up time-weighted' });

@InputType({ description: 'Accounting policy v1; omitted fields keep their defaults' })
export class AccountingPolicyInput {
  @Field({ nullable: true, description: 'Default false: degraded time is reported apart' }) @IsOptional() @IsBoolean() degradedCountsAsDown?: boolean;
  @Field({ nullable: true, description: 'Default false: unconfirmed failures are not downtime' }) @IsOptional() @IsBoolean() suspectCountsAsDown?: boolean;
  @Field(() => CustomerCombination, { nullable: true }) @IsOptional() @IsEnum(CustomerCombination) customerCombination?: CustomerCombination;
}
