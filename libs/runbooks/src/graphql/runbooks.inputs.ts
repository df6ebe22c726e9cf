import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { FailbackPolicy, ResourceKind } from '../entities/resource.entity.js';
import { RunStatus } from '../entities/run.entity.js';

const idMessage = { message: 'must be an id returned by this API' };

@InputType()
export class ResourceMemberInput {
  @Field(() => ID) @IsUUID('all', idMessage) hostId: string;
  @Field(() => [ID], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(32) @IsUUID('all', { each: true, ...idMessage }) monitorIds?: string[];
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(256) weight?: number;
  @Field({ nullable: true }) @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:-]{1,253}$/, { message: 'must be a server name or a DNS value' }) value?: string;
}

@InputType()
export class ResourceInput {
  @Field({ nullable: true }) @IsOptional() @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'must be 1-63 lower-case letters, digits, . _ -' }) name?: string;
  @Field(() => ResourceKind, { nullable: true }) @IsOptional() @IsEnum(ResourceKind) kind?: ResourceKind;
  @Field(() => GraphQLJSONObject, { nullable: true }) @IsOptional() @IsObject() config?: Record<string, unknown>;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'tsigSecret, apiKey…: sealed, never shown again. On an update, each secret given replaces only itself; the others are kept' }) @IsOptional() @IsObject() secrets?: Record<string, unknown>;
  @Field(() => [ResourceMemberInput], { nullable: true, description: 'In preference order' }) @IsOptional() @IsArray() @ArrayMaxSize(16) @ValidateNested({ each: true }) @Type(() => ResourceMemberInput) members?: ResourceMemberInput[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) primaryHostId?: string;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() approvalRequired?: boolean;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(1440) cooldownMinutes?: number;
  @Field(() => FailbackPolicy, { nullable: true }) @IsOptional() @IsEnum(FailbackPolicy) failback?: FailbackPolicy;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(86_400) failbackHoldSeconds?: number;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() requireFencing?: boolean;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) runbookId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) recoveryRunbookId?: string;
}

@InputType()
export class RunbookSourceInput {
  @Field({ description: 'The runbook as YAML or JSON' }) @IsString() @MinLength(1) @MaxLength(65_536) source: string;
}

@InputType()
export class StartRunInput {
  @Field(() => ID) @IsUUID('all', idMessage) runbookId: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) resourceId?: string;
  @Field(() => GraphQLJSONObject, { nullable: true }) @IsOptional() @IsObject() params?: Record<string, unknown>;
  @Field({ nullable: true, description: 'Ignore the resource cooldown' }) @IsOptional() @IsBoolean() force?: boolean;
}

@InputType()
export class DryRunInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) runbookId?: string;
  @Field({ nullable: true, description: 'Preview an unsaved document instead' }) @IsOptional() @IsString() @MaxLength(65_536) source?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) resourceId?: string;
  @Field(() => GraphQLJSONObject, { nullable: true }) @IsOptional() @IsObject() params?: Record<string, unknown>;
}

@InputType()
export class RunFilterInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) resourceId?: string;
  @Field(() => RunStatus, { nullable: true }) @IsOptional() @IsEnum(RunStatus) status?: RunStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) incidentId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', idMessage) runbookId?: string;
}

@ObjectType()
export class DocumentErrorType {
  @Field() path: string;
  @Field() message: string;
  @Field(() => String, { description: 'error (the document cannot be saved) or warning (it can; read why)', defaultValue: 'error' }) severity?: 'error' | 'warning';
}

@ObjectType()
export class ActionPreviewType {
  @Field() kind: string;
  @Field() target: string;
  @Field() command: string;
}

@ObjectType()
export class StepPreviewType {
  @Field() name: string;
  @Field() type: string;
  @Field() path: string;
  @Field({ description: 'Safe to repeat after a crash mid-step' }) idempotent: boolean;
  @Field(() => [ActionPreviewType]) actions: ActionPreviewType[];
  @Field(() => [StepPreviewType]) compensate: StepPreviewType[];
}

@ObjectType()
export class RunUpdate {
  @Field(() => ID) runId: string;
  @Field({ description: 'status, step or output' }) kind: string;
  @Field(() => String, { nullable: true }) status?: string;
  @Field(() => String, { nullable: true }) step?: string;
  @Field(() => String, { nullable: true }) stream?: string;
  @Field(() => String, { nullable: true }) text?: string;
}

@ObjectType({ description: 'Something changed on a resource: a run started or ended, or a step moved its primary or fencing' })
export class ResourceUpdate {
  @Field(() => ID) resourceId: string;
  @Field(() => ID, { nullable: true, description: 'The run, when a run caused the update' }) runId?: string | null;
  @Field({ description: 'status (a run of the resource started or changed status), resource (a step changed it) or decision (a standing failover decision was taken or cleared)' }) kind: string;
  @Field(() => String, { nullable: true }) status?: string;
}

@ObjectType()
export class RunbookTemplate {
  @Field() name: string;
  @Field(() => [String]) kinds: string[];
  @Field() role: string;
  @Field() source: string;
}
