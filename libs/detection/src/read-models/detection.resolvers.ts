import { Args, Field, Float, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Repository } from 'typeorm';
import { CLOCK, type Clock, ConnectionType, PageArgs, paginateBy, QUERY_COST } from '#lib/common';
import { IncidentHistory } from '#lib/incidents';
import { Host, HostsService, Monitor, MonitorsService, Service } from '#lib/inventory';
import { ProbeRunner } from '#lib/probes';
import { CurrentPrincipal, currentSubscriber, type GraphqlRequestContext, type Principal, RequireRole, Role } from '#lib/tenancy';
import { MaintenanceWindow } from '../entities/maintenance-window.entity.js';
import { MaintenanceService, MaintenanceWindowInput } from './maintenance.service.js';
import { HealthState, MonitorState } from '../entities/monitor-state.entity.js';
import { ProbeTargets } from '../runtime/probe-targets.js';
import { DEFAULT_POLICY, vantageRole } from '../runtime/detector.js';
import { StateChange } from '../entities/state-change.entity.js';
import { StateFeed, STATE_TRIGGER, type StateEvent } from './state-feed.js';

@ObjectType()
export class ProbeResultView {
  @Field() status: string;
  @Field(() => Float) latencyMs: number;
  @Field() reason: string;
  @Field() at: Date;
  @Field(() => GraphQLJSONObject, { nullable: true }) details?: Record<string, unknown>;
}

@ObjectType()
export class MonitorStateEvent {
  @Field(() => ID) monitorId: string;
  @Field(() => HealthState) from: string;
  @Field(() => HealthState) to: string;
  @Field({ description: 'When the change was confirmed' }) at: Date;
  @Field({ description: 'Since when the monitor has its new health: when it began (for down, the outage’s start), as MonitorState.since', nullable: true }) since?: Date;
  @Field() flapping: boolean;
  @Field() reason: string;
}

@ObjectType({ description: 'What one vantage saw of a monitor, as the detector holds it' })
export class VantageVerdict {
  @Field({ description: 'The vantage’s name (a central watchdog’s VIGIA_VANTAGE, or an agent’s vantage)' }) vantage: string;
  @Field({ description: 'Its confirmed verdict: unknown, up, degraded or down' }) verdict: string;
  @Field({ description: 'Its latest results: up, degraded or down, and how many in a row' }) seeing: string;
  @Field() streak: number;
  @Field({ description: 'Since when it sees that (first result of the run)' }) since: Date;
  @Field({ description: 'Its last result' }) at: Date;
  @Field() reason: string;
  @Field(() => Boolean, { nullable: true, description: 'Whether it votes on this monitor now (null: not known for a state stored before this was kept)' }) voting: boolean | null;
  @Field({ description: 'In words: "voting", "not voting, impaired (…)", "not voting, revoked …", or "not assigned any more: its last result is kept, not counted"' }) role: string;
  @Field({ description: 'Whether its last result is recent enough to count (within three of the monitor’s intervals, 60 s at least)' }) fresh: boolean;
}

const StateChangeConnection = ConnectionType(StateChange, 'StateChange');
const MaintenanceWindowConnection = ConnectionType(MaintenanceWindow, 'MaintenanceWindow');
const SEVERITY: HealthState[] = [HealthState.up, HealthState.unknown, HealthState.degraded, HealthState.suspect, HealthState.down];

@Resolver(() => Monitor)
export class MonitorStateResolver {
  constructor(
    @InjectRepository(MonitorState) private readonly states: Repository<MonitorState>,
    @InjectRepository(StateChange) private readonly changes: Repository<StateChange>,
    private readonly monitors: MonitorsService,
    private readonly hosts: HostsService,
    private readonly runner: ProbeRunner,
    private readonly targets: ProbeTargets,
  ) {}

  @ResolveField(() => MonitorState, { nullable: true, description: 'Null until the first probe' })
  state(@CurrentPrincipal() principal: Principal, @Parent() monitor: Monitor): Promise<MonitorState | null> {
    return this.states.findOne({ where: { monitorId: monitor.id, tenantId: principal.tenantId } });
  }

  @Query(() => StateChangeConnection, { description: 'Health changes of one monitor, newest first' })
  async stateChanges(@CurrentPrincipal() principal: Principal, @Args('monitorId', { type: () => ID }) monitorId: string, @Args() page: PageArgs) {
    const monitor = await this.monitors.scope.get(principal, monitorId, 'monitorId');
    const query = this.changes.createQueryBuilder('e').where('e.monitor_id = :id AND e.tenant_id = :tenantId', { id: monitor.id, tenantId: principal.tenantId });
    return paginateBy(query, page, 'at', 'DESC');
  }

  @RequireRole(Role.operator)
  @Mutation(() => ProbeResultView, { description: 'Run one probe of this monitor now and return its result (the "test" button); the detector is not fed', complexity: QUERY_COST.probe })
  async probeNow(@CurrentPrincipal() principal: Principal, @Args('monitorId', { type: () => ID }) monitorId: string): Promise<ProbeResultView> {
    const monitor = await this.monitors.scope.get(principal, monitorId, 'monitorId');
    const host = await this.hosts.scope.get(principal, monitor.hostId);
    const target = await this.targets.of({ ...monitor, address: host.addresses[0]!, sshPort: host.sshPort, sshUser: host.sshUser, sshHostKey: host.sshHostKey, sshCredentialId: host.sshCredentialId });
    const result = await this.runner.run(target);
    return { ...result, at: new Date(result.at) };
  }
}

@Resolver(() => MonitorState)
export class MonitorStateVantagesResolver {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @ResolveField(() => [VantageVerdict], { description: 'Every vantage that reported on this monitor: what it saw, since when (the verdict’s reason says which vote, which are stale)' })
  vantages(@Parent() state: MonitorState): VantageVerdict[] {
    const rule = state.detector?.rule;
    const now = this.clock.now().getTime();
    return Object.entries(state.detector?.vantages ?? {}).map(([vantage, v]) => ({
      vantage, verdict: v.verdict, seeing: v.streakStatus, streak: v.streak, since: new Date(v.streakSince), at: new Date(v.at), reason: v.reason,
      ...vantageRole(vantage, rule),
      fresh: now - v.at <= (rule?.freshMs ?? DEFAULT_POLICY.vantageStaleMs),
    }));
  }
}

@Resolver(() => MonitorStateEvent)
export class StateSubscriptionResolver {
  constructor(private readonly feed: StateFeed) {}

  @Subscription(() => MonitorStateEvent, {
    description: "Health changes of this tenant's monitors as they are confirmed (optionally one monitor's)",
    // The tenant comes from the subscriber's token: another tenant's events never pass this filter.
    // Checked against the subscriber's credential as of now: a revoked one gets nothing more (and its socket closes).
    filter: async (event: StateEvent, args: { monitorId?: string }, context: GraphqlRequestContext) =>
      event.tenantId === (await currentSubscriber(context))?.tenantId && (!args.monitorId || args.monitorId === event.monitorId),
    resolve: (event: StateEvent) => ({ ...event, at: new Date(event.at), since: event.since ? new Date(event.since) : undefined }),
  })
  monitorStateChanged(@Args('monitorId', { type: () => ID, nullable: true }) _monitorId?: string) {
    return this.feed.pubsub.asyncIterableIterator(STATE_TRIGGER);
  }
}

@ObjectType()
export class HealthCount {
  @Field(() => HealthState) health: HealthState;
  @Field() count: number;
}

@ObjectType({ description: 'The fleet at a glance: how many enabled monitors are in each health, and how many flap' })
export class FleetSummary {
  @Field(() => [HealthCount]) monitors: HealthCount[];
  @Field() flapping: number;
  @Field() openIncidents: number;
}

function worst(rows: { health: HealthState }[]): HealthState {
  return rows.reduce<HealthState>((w, r) => (SEVERITY.indexOf(r.health) > SEVERITY.indexOf(w) ? r.health : w), rows.length ? HealthState.up : HealthState.unknown);
}

const HEALTH_OF = `SELECT coalesce(s.health, 'unknown') AS health FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id
  WHERE m.tenant_id = $2 AND m.enabled AND m.deleted_at IS NULL AND`;

@Resolver(() => Host)
export class HostHealthResolver {
  constructor(
    @InjectRepository(MonitorState) private readonly states: Repository<MonitorState>,
    private readonly incidents: IncidentHistory,
  ) {}

  @ResolveField(() => HealthState, { description: 'The worst health among the enabled monitors of this host (unknown without any)' })
  async health(@CurrentPrincipal() principal: Principal, @Parent() host: Host): Promise<HealthState> {
    return worst(await this.states.query(`${HEALTH_OF} m.host_id = $1`, [host.id, principal.tenantId]));
  }

  // A grouped count over every monitor of the tenant: priced like a report, so 3,000 aliases are refused, not run.
  @Query(() => FleetSummary, { complexity: QUERY_COST.report })
  async fleetSummary(@CurrentPrincipal() principal: Principal): Promise<FleetSummary> {
    const rows: { health: HealthState; count: number; flapping: number }[] = await this.states.query(
      `SELECT coalesce(s.health, 'unknown') AS health, count(*)::int AS count, count(*) FILTER (WHERE s.flapping)::int AS flapping
         FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id WHERE m.tenant_id = $1 AND m.enabled AND m.deleted_at IS NULL GROUP BY 1`,
      [principal.tenantId],
    );
    const open = await this.incidents.openCount(principal.tenantId);
    return {
      monitors: SEVERITY.map((health) => ({ health, count: rows.find((r) => r.health === health)?.count ?? 0 })),
      flapping: rows.reduce((n, r) => n + r.flapping, 0),
      openIncidents: open,
    };
  }
}

@Resolver(() => Service)
export class ServiceHealthResolver {
  constructor(@InjectRepository(MonitorState) private readonly states: Repository<MonitorState>) {}

  @ResolveField(() => HealthState, { description: 'The worst health among the enabled monitors of this service (unknown without any)' })
  async health(@CurrentPrincipal() principal: Principal, @Parent() service: Service): Promise<HealthState> {
    return worst(await this.states.query(`${HEALTH_OF} m.service_id = $1`, [service.id, principal.tenantId]));
  }
}

@Resolver(() => MaintenanceWindow)
export class MaintenanceResolver {
  constructor(private readonly maintenance: MaintenanceService) {}

  @Query(() => MaintenanceWindowConnection, { name: 'maintenanceWindows' })
  list(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.maintenance.list(principal, page);
  }

  @RequireRole(Role.operator)
  @Mutation(() => MaintenanceWindow)
  createMaintenanceWindow(@CurrentPrincipal() principal: Principal, @Args('input') input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    return this.maintenance.create(principal, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => MaintenanceWindow)
  updateMaintenanceWindow(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: MaintenanceWindowInput,
  ): Promise<MaintenanceWindow> {
    return this.maintenance.update(principal, id, input);
  }

  @RequireRole(Role.operator)
  @Mutation(() => Boolean)
  deleteMaintenanceWindow(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.maintenance.scope.delete(principal, id);
  }
}
