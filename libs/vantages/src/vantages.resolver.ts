import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { VisibleText } from '#lib/common';
import { Monitor } from '#lib/inventory';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { revokedReason, VantageAssignments } from './assignments.service.js';
import { Vantage, VantageKind } from './entities/vantage.entity.js';
import { VantagesService } from './vantages.service.js';

@InputType()
export class CreateVantageInput {
  @Field({ description: 'The name it votes under, e.g. eu-west-1, madrid-dc2, office' })
  @IsString() @Matches(/^\s*[A-Za-z0-9._-]{1,64}\s*$/, { message: 'must be 1-64 letters, digits, dots, dashes or underscores' }) name: string;
  @Field(() => VantageKind, { description: 'platform needs an admin of the platform tenant' }) @IsEnum(VantageKind) kind: VantageKind;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) @VisibleText() region?: string | null;
}

@ObjectType()
export class CreatedVantage {
  @Field({ description: 'The agent’s token (VIGIA_VANTAGE_TOKEN). Shown only now: Vigia keeps only a hash of it' }) token: string;
  @Field(() => Vantage) vantage: Vantage;
}

@InputType()
export class VantageAssignmentInput {
  @Field(() => [ID], { nullable: true, description: 'The vantages that probe it; omitted or null: every platform vantage (the central watchdogs and every platform agent)' })
  @IsOptional() @ArrayMaxSize(50) @IsUUID('all', { each: true }) vantageIds?: string[] | null;
  @Field(() => Int, { nullable: true, description: 'Vantages that must confirm down; omitted or null: a majority of the assigned ones' })
  @IsOptional() @IsInt() @Min(1) @Max(50) quorum?: number | null;
  @Field(() => Int, { nullable: true, description: 'Probe from k of those vantages, chosen per monitor by rendezvous hashing over the healthy ones (an impaired one is replaced by the next); omitted or null: all of them' })
  @IsOptional() @IsInt() @Min(1) @Max(50) count?: number | null;
}

@ObjectType({ description: 'An assigned vantage that does not vote now, and why' })
export class ImpairedVoter {
  @Field() name: string;
  @Field() reason: string;
}

@ObjectType({ description: 'An assignment as it is set (what setMonitorVantages or setVantageDefaults was given): what an edit starts from' })
export class VantageAssignmentSetting {
  @Field(() => [ID], { nullable: true, description: 'The vantages named, revoked ones included; null: every platform vantage' }) vantageIds: string[] | null;
  @Field(() => Int, { nullable: true, description: 'null: a majority' }) quorum: number | null;
  @Field(() => Int, { nullable: true, description: 'k of N; null: all of them' }) count: number | null;
}

@ObjectType({ description: 'Which vantages probe a monitor and how many must agree' })
export class VantageAssignment {
  @Field({ description: 'The central watchdogs probe it (one voter, whichever replica owns the monitor)' }) central: boolean;
  @Field(() => [Vantage], { description: 'The remote agents that probe it (voting, or impaired and only observing: see `impaired`)' }) agents: Vantage[];
  @Field(() => [ImpairedVoter], { description: 'Assigned vantages that do not vote now (impaired), with why: their monitors are decided by the healthy ones' }) impaired: ImpairedVoter[];
  @Field(() => Int, { nullable: true, description: 'k of N: how many vantages probe it, chosen by rendezvous hashing over the healthy ones; null: all assigned' }) count: number | null;
  @Field(() => Int, { description: 'Vantages that must confirm down, now' }) quorum: number;
  @Field({ description: 'The quorum is a majority of the assigned vantages (it follows their number)' }) majority: boolean;
  @Field({ description: 'Comes from the tenant’s default' }) inherited: boolean;
  @Field(() => VantageAssignmentSetting, { description: 'As it is set (the monitor’s own, or the default it inherits): a form edits this, not the resolved vantages above' })
  setting: VantageAssignmentSetting;
}

@Resolver(() => Vantage)
export class VantagesResolver {
  constructor(
    private readonly vantages: VantagesService,
    private readonly assignments: VantageAssignments,
  ) {}

  @Query(() => [Vantage], { name: 'vantages', description: 'The platform vantages and this tenant’s private ones, with their health' })
  vantageList(@CurrentPrincipal() principal: Principal): Promise<Vantage[]> {
    return this.vantages.list(principal);
  }

  @Query(() => VantageAssignmentSetting, { nullable: true, description: 'The tenant’s default assignment as it is set; null: none (the central watchdog alone, quorum 1)' })
  vantageDefaults(@CurrentPrincipal() principal: Principal): Promise<VantageAssignmentSetting | null> {
    return this.assignments.defaultSetting(principal);
  }

  @RequireRole(Role.admin)
  @Mutation(() => CreatedVantage, { description: 'A vantage for a remote agent; its token is returned once' })
  createVantage(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateVantageInput): Promise<CreatedVantage> {
    return this.vantages.create(principal, input);
  }

  @RequireRole(Role.admin)
  @Mutation(() => CreatedVantage, { description: 'A new token for the vantage, returned once; the old one is refused from now on and its agent’s connection closed. Name, assignments and history stay' })
  rotateVantageToken(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<CreatedVantage> {
    return this.vantages.rotate(principal, id);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Vantage, { description: 'Refuses the vantage’s token from now on and closes its agent’s connection' })
  revokeVantage(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Vantage> {
    return this.vantages.revoke(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => VantageAssignment, { nullable: true, description: 'Which vantages probe this monitor and the quorum; null input: back to the tenant’s default' })
  async setMonitorVantages(
    @CurrentPrincipal() principal: Principal,
    @Args('monitorId', { type: () => ID }) monitorId: string,
    @Args('input', { type: () => VantageAssignmentInput, nullable: true }) input: VantageAssignmentInput | null,
  ): Promise<VantageAssignment | null> {
    await this.assignments.setForMonitor(principal, monitorId, input ?? null);
    return this.view(principal, monitorId);
  }

  @RequireRole(Role.admin)
  @Mutation(() => Boolean, { description: 'The tenant’s default assignment for monitors without their own; null: central watchdog only' })
  async setVantageDefaults(@CurrentPrincipal() principal: Principal, @Args('input', { type: () => VantageAssignmentInput, nullable: true }) input: VantageAssignmentInput | null): Promise<boolean> {
    await this.assignments.setDefaults(principal, input ?? null);
    return true;
  }

  async view(principal: Principal, monitorId: string): Promise<VantageAssignment | null> {
    const resolved = await this.assignments.forMonitor(principal, monitorId);
    if (!resolved) return null;
    const all = await this.vantages.list(principal);
    const ids = new Set([...resolved.agents, ...resolved.observers].map((a) => a.id));
    const impaired = [...(resolved.centralImpaired ? [{ name: 'central watchdogs', reason: resolved.centralImpaired }] : []), ...resolved.observers.map((o) => ({ name: o.name, reason: o.reason })),
      ...resolved.revoked.map((r) => ({ name: r.name, reason: revokedReason(r) }))];
    return {
      central: resolved.central, agents: all.filter((v) => ids.has(v.id)), impaired, count: resolved.count,
      quorum: resolved.quorum, majority: resolved.configuredQuorum === null, inherited: resolved.inherited,
      // As set, from the same row the assignment was resolved from (its own, or the default it inherits).
      setting: { vantageIds: resolved.configuredVantageIds, quorum: resolved.configuredQuorum, count: resolved.count },
    };
  }
}

@Resolver(() => Monitor)
export class MonitorVantagesResolver {
  constructor(private readonly vantages: VantagesResolver) {}

  @ResolveField(() => VantageAssignment, { nullable: true, description: 'Null: probed by the central watchdog alone (quorum 1)' })
  vantageAssignment(@CurrentPrincipal() principal: Principal, @Parent() monitor: Monitor): Promise<VantageAssignment | null> {
    return this.vantages.view(principal, monitor.id);
  }
}
