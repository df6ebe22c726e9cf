import { Args, Field, ID, InputType, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Repository } from 'typeorm';
import { VigiaException, VisibleText, withDatabaseErrors } from '#lib/common';
import { CustomersService } from '#lib/inventory';
import { PagingTargets } from '#lib/oncall';
import { CurrentPrincipal, type Principal, RequireRole, Role, TenantScopedRepository } from '#lib/tenancy';
import { AlertChannel } from './alert-channel.entity.js';
import { EscalationPolicy } from './escalation-policy.entity.js';
import { policyProblem } from './escalation-rules.js';

const idEach = { each: true, message: 'each value must be an id returned by this API' };

@InputType()
export class EscalationStepInput {
  @Field(() => Int) @IsInt() @Min(0) @Max(1440) delayMinutes: number;
  @Field(() => [ID], { description: 'Channels paged by this step' }) @IsArray() @ArrayMaxSize(20) @IsUUID('all', idEach) channelIds: string[];
  @Field(() => [ID], { nullable: true, description: 'Schedules: whoever is on call when the step fires, by their own rules' }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsUUID('all', idEach) scheduleIds?: string[];
  @Field(() => [ID], { nullable: true, description: 'People, each by their own notification rules' }) @IsOptional() @IsArray() @ArrayMaxSize(20) @IsUUID('all', idEach) userIds?: string[];
}

@InputType()
export class RouteMatchInput {
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(3) @Matches(/^(critical|warning|info)$/, { each: true, message: 'each value must be critical, warning or info' }) severities?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(10) @Matches(/^(web|mail|mysql|dns|other)$/, { each: true, message: 'each value must be a service type' }) serviceTypes?: string[];
  @Field(() => [ID], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsUUID('all', idEach) customerIds?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(32) @IsString({ each: true }) hostTags?: string[];
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

@InputType()
export class QuietHoursInput {
  @Field({ description: 'HH:MM, tenant time zone' }) @Matches(HHMM, { message: 'must be HH:MM' }) start: string;
  @Field({ description: 'HH:MM, tenant time zone' }) @Matches(HHMM, { message: 'must be HH:MM' }) end: string;
}

@InputType()
export class EscalationPolicyInput {
  @Field() @IsString() @MinLength(1) @MaxLength(100) @VisibleText() name: string;
  @Field(() => RouteMatchInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => RouteMatchInput) match?: RouteMatchInput;
  @Field(() => [EscalationStepInput]) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10) @ValidateNested({ each: true }) @Type(() => EscalationStepInput) steps: EscalationStepInput[];
  @Field(() => Int, { nullable: true, description: 'Lower is tried first (default 100)' }) @IsOptional() @IsInt() @Min(0) @Max(10_000) priority?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(5) @Max(1440) repeatMinutes?: number;
  @Field(() => QuietHoursInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => QuietHoursInput) quietHours?: QuietHoursInput;
}

@Resolver(() => EscalationPolicy)
export class EscalationResolver {
  private readonly scope: TenantScopedRepository<EscalationPolicy>;
  private readonly channels: TenantScopedRepository<AlertChannel>;

  constructor(
    @InjectRepository(EscalationPolicy) private readonly policies: Repository<EscalationPolicy>,
    @InjectRepository(AlertChannel) channels: Repository<AlertChannel>,
    private readonly customers: CustomersService,
    private readonly targets: PagingTargets,
  ) {
    this.scope = new TenantScopedRepository(policies, 'escalation policy');
    this.channels = new TenantScopedRepository(channels, 'alert channel');
  }

  @Query(() => [EscalationPolicy])
  escalationPolicies(@CurrentPrincipal() principal: Principal): Promise<EscalationPolicy[]> {
    return this.scope.query(principal, 'e').orderBy('e.priority').addOrderBy('e.name').getMany();
  }

  /**
   * Nothing refers to a policy by id (it is a route, found by matching), but incidents it already paged keep their
   * queued steps when it is edited or deleted: the dashboard says how many before it deletes. The parent came
   * through the tenant scope; the tenant is in the WHERE as well.
   */
  @ResolveField(() => Int, { description: 'Open incidents with steps of this policy still waiting to go out (deleting or editing the policy leaves them queued)' })
  async escalatingIncidents(@CurrentPrincipal() principal: Principal, @Parent() policy: EscalationPolicy): Promise<number> {
    const [row]: { n: number }[] = await this.policies.manager.query(
      "SELECT count(DISTINCT incident_id)::int AS n FROM notifications WHERE tenant_id = $1 AND policy_id = $2 AND kind = 'trigger' AND status IN ('queued', 'sending', 'failed')",
      [principal.tenantId, policy.id],
    );
    return row?.n ?? 0;
  }

  @RequireRole(Role.admin)
  @Mutation(() => EscalationPolicy)
  async createEscalationPolicy(@CurrentPrincipal() principal: Principal, @Args('input') input: EscalationPolicyInput): Promise<EscalationPolicy> {
    return withDatabaseErrors(async () => this.scope.create(principal, await this.fields(principal, input)));
  }

  @RequireRole(Role.admin)
  @Mutation(() => EscalationPolicy, { description: 'Replace a policy (incidents already paged keep their queued steps)' })
  async updateEscalationPolicy(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: EscalationPolicyInput,
  ): Promise<EscalationPolicy> {
    return this.scope.update(principal, id, await this.fields(principal, input));
  }

  private async fields(principal: Principal, input: EscalationPolicyInput): Promise<Partial<EscalationPolicy>> {
    // The rules a fleet file's policies follow too (escalation-rules.ts); the ids' existence is checked here.
    const problem = policyProblem(input);
    if (problem) throw VigiaException.invalid(`input.${problem.field}`, problem.message);
    for (const [i, step] of input.steps.entries()) {
      await this.channels.getMany(principal, step.channelIds, `input.steps[${i}].channelIds`);
      for (const [j, id] of (step.scheduleIds ?? []).entries()) {
        if (!(await this.targets.exists(principal.tenantId, 'schedule', id))) throw VigiaException.notFound('schedule', `input.steps[${i}].scheduleIds[${j}]`);
      }
      for (const [j, id] of (step.userIds ?? []).entries()) {
        if (!(await this.targets.exists(principal.tenantId, 'user', id))) throw VigiaException.notFound('user', `input.steps[${i}].userIds[${j}]`);
      }
    }
    await this.customers.scope.getMany(principal, input.match?.customerIds ?? [], 'input.match.customerIds');
    return {
      name: input.name.trim(),
      match: { ...(input.match ?? {}) },
      steps: input.steps.map((s) => ({ delayMinutes: s.delayMinutes, channelIds: s.channelIds, ...(s.scheduleIds?.length ? { scheduleIds: s.scheduleIds } : {}), ...(s.userIds?.length ? { userIds: s.userIds } : {}) })),
      priority: input.priority ?? 100,
      repeatMinutes: input.repeatMinutes ?? null,
      quietHours: input.quietHours ? { ...input.quietHours } : null,
    };
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean)
  deleteEscalationPolicy(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.scope.delete(principal, id);
  }
}
