import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { ConnectionType, PageArgs, QUERY_COST } from '#lib/common';
import { Host, HostsService } from '#lib/inventory';
import { ActorNames, CurrentPrincipal, currentSubscriber, type GraphqlRequestContext, type Principal, RequireRole, Role } from '#lib/tenancy';
import { BUILTIN_RUNBOOKS } from '../document/builtin-runbooks.js';
import { parseRunbook, shellScriptWarnings } from '../document/runbook-document.js';
import { RUN_TRIGGER, type RunEvent, RunFeed } from '../engine/run-feed.js';
import { Resource, ResourceMember } from '../entities/resource.entity.js';
import { RunbookRun, RunStep } from '../entities/run.entity.js';
import { Runbook, RunbookVersion } from '../entities/runbook.entity.js';
import { MemberRole } from '../member-roles.js';
import { ResourcesService } from '../resources.service.js';
import { RunbooksService } from '../runbooks.service.js';
import { RunsService } from '../runs.service.js';
import { DocumentErrorType, DryRunInput, ResourceInput, ResourceUpdate, RunbookSourceInput, RunbookTemplate, RunFilterInput, RunUpdate, StartRunInput, StepPreviewType } from './runbooks.inputs.js';

const ResourceConnection = ConnectionType(Resource, 'Resource');
const RunbookConnection = ConnectionType(Runbook, 'Runbook');
const RunConnection = ConnectionType(RunbookRun, 'RunbookRun');

@Resolver(() => Resource)
export class ResourcesResolver {
  constructor(
    private readonly resourcesService: ResourcesService,
    private readonly runsService: RunsService,
    private readonly feed: RunFeed,
    private readonly actors: ActorNames,
  ) {}

  @Subscription(() => ResourceUpdate, {
    description: 'A resource of your tenant changed: a run on it started or changed status, or a step moved its primary or fencing',
    // The tenant comes from the subscriber's token; checked against the credential as of now (as runUpdated).
    filter: async (event: RunEvent, _args: unknown, context: GraphqlRequestContext) =>
      !!event.resourceId && (event.kind === 'status' || event.kind === 'resource' || event.kind === 'decision') && event.tenantId === (await currentSubscriber(context))?.tenantId,
    resolve: (event: RunEvent) => ({ resourceId: event.resourceId, runId: event.runId || null, kind: event.kind, status: event.status }),
  })
  resourceUpdated() {
    return this.feed.pubsub.asyncIterableIterator(RUN_TRIGGER);
  }

  @Query(() => ResourceConnection)
  resources(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.resourcesService.scope.list(principal, page, 'name');
  }

  @Query(() => Resource, { description: 'A failover unit: who is primary now (primaryHostId), since when and why' })
  resource(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.resourcesService.scope.get(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Resource)
  createResource(@CurrentPrincipal() principal: Principal, @Args('input') input: ResourceInput) {
    return this.resourcesService.create(principal, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Resource)
  updateResource(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: ResourceInput) {
    return this.resourcesService.update(principal, id, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Resource, { description: 'Overrides a standing decision (failover held by flap damping or cooldown): the failover runs now, forced, with your name on the timeline' })
  async actNow(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.resourcesService.actNow(principal, id, await this.actors.of(principal));
  }

  @RequireRole(Role.operator)
  @Mutation(() => Boolean)
  deleteResource(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.resourcesService.delete(principal, id);
  }

  @ResolveField(() => [ResourceMember], { description: 'Members in preference order, each with its role now' })
  members(@Parent() resource: Resource) {
    return this.resourcesService.membersWithRoles(resource);
  }

  @ResolveField(() => [String], { description: 'Names of the secrets stored for it (sealed; their values are never shown)' })
  storedSecrets(@Parent() resource: Resource): string[] {
    return this.resourcesService.storedSecretNames(resource);
  }

  @ResolveField(() => RunbookRun, { nullable: true, description: 'The run holding this resource now' })
  activeRun(@Parent() resource: Resource) {
    return this.runsService.scope.repository.createQueryBuilder('r').where("r.resource_id = :id AND r.status IN ('pending','running','waiting_approval','needs_operator')", { id: resource.id }).getOne();
  }
}

@Resolver(() => Runbook)
export class RunbooksResolver {
  constructor(
    private readonly runbooksService: RunbooksService,
    private readonly actors: ActorNames,
  ) {}

  @Query(() => RunbookConnection)
  runbooks(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.runbooksService.scope.list(principal, page, 'name');
  }

  @Query(() => Runbook)
  runbook(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.runbooksService.scope.get(principal, id);
  }

  @Query(() => [RunbookTemplate], { description: 'Built-in runbooks for the common cases' })
  runbookTemplates(): RunbookTemplate[] {
    return BUILTIN_RUNBOOKS;
  }

  @Query(() => [DocumentErrorType], { description: 'Checks a document without saving it: errors (empty when valid), then warnings' })
  validateRunbook(@Args('input') input: RunbookSourceInput): DocumentErrorType[] {
    const parsed = parseRunbook(input.source);
    return parsed.ok ? shellScriptWarnings(input.source) : parsed.errors.map((e) => ({ severity: 'error' as const, ...e }));
  }

  @RequireRole(Role.operator)
  @Mutation(() => Runbook)
  async createRunbook(@CurrentPrincipal() principal: Principal, @Args('input') input: RunbookSourceInput) {
    return this.runbooksService.create(principal, input.source, await this.actors.of(principal));
  }

  @RequireRole(Role.operator)
  @Mutation(() => Runbook, { description: 'Saves a new version' })
  async updateRunbook(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: RunbookSourceInput) {
    return this.runbooksService.update(principal, id, input.source, await this.actors.of(principal));
  }

  @RequireRole(Role.operator)
  @Mutation(() => Boolean)
  deleteRunbook(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.runbooksService.delete(principal, id);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Runbook, { description: 'Run every N minutes (null: no schedule), for a resource or none' })
  setRunbookSchedule(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('everyMinutes', { type: () => Int, nullable: true }) everyMinutes: number | null,
    @Args('resourceId', { type: () => ID, nullable: true }) resourceId: string | null,
  ) {
    return this.runbooksService.setSchedule(principal, id, everyMinutes ?? null, resourceId ?? null);
  }

  @ResolveField(() => RunbookVersion)
  current(@Parent() runbook: Runbook) {
    return this.runbooksService.current(runbook);
  }

  @ResolveField(() => [RunbookVersion])
  versions(@Parent() runbook: Runbook) {
    return this.runbooksService.history(runbook.id);
  }
}

@Resolver(() => RunbookRun)
export class RunsResolver {
  constructor(
    private readonly runsService: RunsService,
    private readonly actors: ActorNames,
    private readonly feed: RunFeed,
  ) {}

  @Query(() => RunConnection, { description: 'Newest first' })
  runs(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs, @Args('filter', { nullable: true }) filter?: RunFilterInput) {
    return this.runsService.list(principal, page, filter ?? {});
  }

  @Query(() => RunbookRun)
  run(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.runsService.scope.get(principal, id);
  }

  @Query(() => [StepPreviewType], { description: 'Exactly what each step would run, parameters resolved; nothing is executed', complexity: QUERY_COST.dryRun })
  dryRunRunbook(@CurrentPrincipal() principal: Principal, @Args('input') input: DryRunInput) {
    return this.runsService.preview(principal, { ...input, params: input.params ?? {} });
  }

  @RequireRole(Role.operator)
  @Mutation(() => RunbookRun)
  async startRun(@CurrentPrincipal() principal: Principal, @Args('input') input: StartRunInput) {
    return this.runsService.startManual(principal, await this.actors.of(principal), { ...input, params: input.params ?? {} });
  }

  @RequireRole(Role.operator)
  @Mutation(() => RunbookRun)
  async approveRun(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.runsService.approve(principal, id, await this.actors.of(principal));
  }

  @RequireRole(Role.operator)
  @Mutation(() => RunbookRun)
  async abortRun(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.runsService.abort(principal, id, await this.actors.of(principal));
  }

  @ResolveField(() => [RunStep])
  steps(@Parent() run: RunbookRun) {
    return this.runsService.stepsOf(run);
  }

  @Subscription(() => RunUpdate, {
    description: 'Status, step checkpoints and live output of one run',
    // The tenant comes from the subscriber's token: another tenant's runs never pass this filter.
    // Checked against the subscriber's credential as of now: a revoked one gets nothing more (and its socket closes).
    filter: async (event: RunEvent, args: { runId: string }, context: GraphqlRequestContext) =>
      event.tenantId === (await currentSubscriber(context))?.tenantId && event.runId === args.runId,
    resolve: (event: RunEvent) => event,
  })
  runUpdated(@Args('runId', { type: () => ID }) _runId: string) {
    return this.feed.pubsub.asyncIterableIterator(RUN_TRIGGER);
  }
}

/** A member's host, so the topology view shows names and health in the same query. */
@Resolver(() => ResourceMember)
export class ResourceMemberResolver {
  constructor(private readonly hosts: HostsService) {}

  @ResolveField(() => MemberRole, { description: 'What the member is now: follows promotions and fencing (see MemberRole)' })
  role(@Parent() member: ResourceMember): MemberRole {
    // Set by Resource.members; a member read another way (a mutation's input echo) has not been worked out.
    return (member.role as MemberRole | undefined) ?? MemberRole.standby;
  }

  @ResolveField(() => Host)
  host(@CurrentPrincipal() principal: Principal, @Parent() member: ResourceMember): Promise<Host> {
    return this.hosts.scope.get(principal, member.hostId, 'hostId');
  }
}
