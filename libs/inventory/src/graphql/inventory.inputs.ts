import { Field, Float, ID, InputType, Int, PartialType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { GraphQLJSONObject } from 'graphql-scalars';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsDate,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsIP,
  IsObject,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { REPORT_LANGUAGE_MESSAGE, REPORT_LANGUAGES } from '#lib/tenancy';
import { HostKind, ProbeType, ServiceType, Severity } from '../entities/enums.js';
import { HOST_NAME, VisibleText } from '#lib/common';

/* Free-text names (@VisibleText): something visible, trimmed by the services, no control characters (they end up in e-mails and shells). */
const TAG = /^[a-z0-9][a-z0-9_.:=-]{0,62}$/i;
const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const idMessage = { message: 'must be an id returned by this API' };

@InputType()
export class CreateCustomerInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field({ nullable: true }) @IsOptional() @IsEmail({}, { message: 'must be an e-mail address' }) @MaxLength(254) email?: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(100) @VisibleText() externalRef?: string;
  @Field({ nullable: true, description: 'Send this customer its monthly report e-mail (the tenant must send them too); off by default' })
  @IsOptional() @IsBoolean() monthlyReports?: boolean;
  @Field(() => String, { nullable: true, description: "Language of this customer's reports: en, es, pt, de or fr; null: the tenant's default" })
  @IsOptional() @IsIn(REPORT_LANGUAGES, { message: REPORT_LANGUAGE_MESSAGE }) language?: string | null;
}
@InputType()
export class UpdateCustomerInput extends PartialType(CreateCustomerInput) {}

@InputType()
export class CreateSiteInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) @VisibleText() location?: string;
}
@InputType()
export class UpdateSiteInput extends PartialType(CreateSiteInput) {}

@InputType()
export class CreateHostInput {
  @Field({ description: 'RFC 1123 host name, e.g. web1 or web1.example.net' })
  @IsString() @MaxLength(253) @Matches(HOST_NAME, { message: 'must be a host name (letters, digits, dashes, dots)' })
  name: string;
  @Field(() => HostKind, { nullable: true }) @IsOptional() @IsEnum(HostKind) kind?: HostKind;
  @Field(() => [String]) @ArrayMinSize(1, { message: 'must hold at least one address' }) @ArrayMaxSize(16) @ArrayUnique()
  @IsIP(undefined, { each: true, message: 'each value must be an IPv4 or IPv6 address, without a port (ports belong to services and monitors)' })
  addresses: string[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) siteId?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(32) @ArrayUnique()
  @Matches(TAG, { each: true, message: 'each tag must be 1-63 letters, digits or _.:=-' })
  tags?: string[];
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(65535) sshPort?: number;
  @Field({ nullable: true }) @IsOptional() @Matches(UNIX_USER, { message: 'must be a Unix user name' }) sshUser?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) sshCredentialId?: string;
  @Field(() => ID, { nullable: true, description: 'Bastion runbooks reach this host through (ssh -J)' }) @IsOptional() @IsUUID('all', idMessage) sshJumpHostId?: string;
  @Field({ nullable: true, description: 'SHA256:… as printed by ssh-keygen -lf; or use pinSshHostKey' })
  @IsOptional() @Matches(/^SHA256:[A-Za-z0-9+/]{43}$/, { message: 'must be an OpenSSH SHA256 fingerprint (SHA256:…)' })
  sshHostKey?: string;
}
@InputType()
export class UpdateHostInput extends PartialType(CreateHostInput) {}

@InputType()
export class CreateServiceInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field(() => String, { nullable: true, description: 'What a customer sees instead of the internal name; 1-120 characters' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(120) @VisibleText() customerFacingName?: string | null;
  @Field(() => ServiceType) @IsEnum(ServiceType) type: ServiceType;
  @Field(() => ID) @IsUUID('all', idMessage) hostId: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  @Field(() => [ID], {
    nullable: true,
    description: 'Customers this service serves from now on: a customer not listed any more has its link period ended now, a new one gets a period starting now (weight 1). Past periods are kept; see setServiceCustomerLink for explicit dates and weights.',
  })
  @IsOptional() @ArrayMaxSize(10_000) @ArrayUnique() @IsUUID('all', { each: true, message: 'each value must be an id returned by this API' })
  customerIds?: string[];
}
@InputType()
export class UpdateServiceInput extends PartialType(CreateServiceInput) {}

@InputType()
export class CreateMonitorInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field(() => ProbeType) @IsEnum(ProbeType) type: ProbeType;
  @Field(() => ID) @IsUUID('all', idMessage) hostId: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) serviceId?: string;
  @Field(() => GraphQLJSONObject, { description: 'Settings of the probe type; see docs/monitors.md' }) @IsObject() config: Record<string, unknown>;
  @Field(() => Int, { description: 'Milliseconds between probes, at least 1000' }) @IsInt() @Min(1000) @Max(86_400_000) intervalMs: number;
  @Field(() => Int, { description: 'Milliseconds before a probe counts as failed, less than intervalMs' })
  @IsInt() @Min(1) @Max(86_400_000) timeoutMs: number;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @Field(() => Severity, { nullable: true, description: 'Default critical' }) @IsOptional() @IsEnum(Severity) severity?: Severity;
}
@InputType()
export class UpdateMonitorInput extends PartialType(CreateMonitorInput) {}

@InputType()
export class NameFilter {
  @Field({ nullable: true, description: 'Case-insensitive substring of the name' })
  @IsOptional() @IsString() @MaxLength(100) search?: string;
}

@InputType()
export class HostFilter extends NameFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) siteId?: string;
  @Field({ nullable: true }) @IsOptional() @Matches(TAG, { message: 'must be a tag' }) tag?: string;
  @Field(() => HostKind, { nullable: true }) @IsOptional() @IsEnum(HostKind) kind?: HostKind;
}

@InputType()
export class ServiceFilter extends NameFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) hostId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) customerId?: string;
  @Field(() => ServiceType, { nullable: true }) @IsOptional() @IsEnum(ServiceType) type?: ServiceType;
}

@InputType()
export class MonitorFilter extends NameFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) hostId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) serviceId?: string;
  @Field(() => ProbeType, { nullable: true }) @IsOptional() @IsEnum(ProbeType) type?: ProbeType;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

@InputType()
export class CreateSshCredentialInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field({ description: 'OpenSSH or PEM private key, unencrypted' }) @IsString() @MinLength(64) @MaxLength(16_384) privateKey: string;
}

@InputType({ description: 'One period during which a service serves a customer' })
export class SetServiceCustomerLinkInput {
  @Field(() => ID, { nullable: true, description: 'A period to change (from Service.customerLinks); without it a new period is added' })
  @IsOptional() @IsUUID('all', idMessage) id?: string;
  @Field(() => ID) @IsUUID('all', idMessage) serviceId: string;
  @Field(() => ID) @IsUUID('all', idMessage) customerId: string;
  @Field({ nullable: true, description: 'Default: now (new period) or unchanged' }) @IsOptional() @Type(() => Date) @IsDate() startsAt?: Date;
  @Field(() => Date, { nullable: true, description: 'Exclusive end; null: still serving. Default: open (new period) or unchanged' })
  @IsOptional() @Type(() => Date) @IsDate() endsAt?: Date | null;
  @Field(() => Float, { nullable: true, description: "Weight in the customer's weighted availability; above 0, default 1" })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive({ message: 'must be above 0' }) @Max(1_000_000) weight?: number;
}

export enum PurgeKind {
  monitor = 'monitor',
  service = 'service',
  host = 'host',
  customer = 'customer',
}
registerEnumType(PurgeKind, { name: 'PurgeKind' });

@InputType()
export class PurgeInput {
  @Field(() => PurgeKind) @IsEnum(PurgeKind) kind: PurgeKind;
  @Field(() => ID, { description: 'A live or deleted subject' }) @IsUUID('all', idMessage) id: string;
  @Field({ description: 'Must be true: purging removes history that past reports counted' }) @IsBoolean() confirm: boolean;
}
