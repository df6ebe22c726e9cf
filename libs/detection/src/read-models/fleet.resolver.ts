import { Inject } from '@nestjs/common';
import { Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MaintenanceCalendar } from '../maintenance/maintenance-calendar.js';
import { CLOCK, type Clock, QUERY_COST } from '#lib/common';
import { type FleetNouns, InventoryLookup } from '#lib/inventory';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';
import { HealthState } from '../entities/monitor-state.entity.js';

@ObjectType()
export class FleetSite {
  @Field(() => ID) id: string;
  @Field() name: string;
}

@ObjectType()
export class FleetHost {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => Int, { nullable: true, description: 'Index into Fleet.sites' }) site: number | null;
}

@ObjectType()
export class FleetService {
  @Field(() => ID) id: string;
  @Field() name: string;
}

/**
 * The monitors column by column: element i of every list is monitor i. A list of 10,000 GraphQL objects costs the
 * executor far more than the database (measured: docs/performance.md); lists of scalars keep the fleet under 200 ms.
 */
@ObjectType()
export class FleetMonitors {
  @Field(() => [ID]) id: string[];
  @Field(() => [String]) name: string[];
  @Field(() => [String]) type: string[];
  @Field(() => [Boolean]) enabled: boolean[];
  @Field(() => [Int], { description: 'Index into Fleet.hosts' }) host: number[];
  @Field(() => [Int], { nullable: 'items', description: 'Index into Fleet.services; null for a host-level check' }) service: (number | null)[];
  @Field(() => [HealthState]) health: HealthState[];
  @Field(() => [Boolean]) flapping: boolean[];
  @Field(() => [Boolean], { description: 'An active maintenance window covers the monitor, its service or its host' }) maintenance: boolean[];
  // Epoch milliseconds rather than DateTime: parsing and formatting 10,000 timestamps was a third of the query's time.
  @Field(() => [Float], { nullable: 'items', description: 'Since when the monitor has this health, in milliseconds since the epoch; null before the first probe' })
  sinceMs: (number | null)[];
  @Field(() => [String], { nullable: 'items' }) reason: (string | null)[];
}

@ObjectType({ description: 'Every monitor of the tenant, ordered site → host → service → monitor, with the names it refers to' })
export class Fleet {
  @Field() at: Date;
  @Field(() => Int, { description: 'Monitors in the tenant; more than the monitors returned when the fleet exceeds the limit' }) total: number;
  @Field(() => [FleetSite]) sites: FleetSite[];
  @Field(() => [FleetHost]) hosts: FleetHost[];
  @Field(() => [FleetService]) services: FleetService[];
  @Field(() => FleetMonitors) monitors: FleetMonitors;
}

/** The dashboard shows the whole fleet at once (virtualised): a fleet bigger than this is cut and says so. */
export const FLEET_LIMIT = 50_000;

interface MonitorRow {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  host_id: string;
  service_id: string | null;
  health: HealthState;
  flapping: boolean;
  since_ms: number | null;
  reason: string | null;
}

interface ActiveWindow {
  host_ids: string[];
  service_ids: string[];
  monitor_ids: string[];
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

@Resolver(() => Fleet)
export class FleetResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly inventory: InventoryLookup,
  ) {}

  @Query(() => Fleet, { description: 'The whole fleet for the dashboard (up to 50,000 monitors), in one round trip', complexity: QUERY_COST.fleet })
  async fleet(@CurrentPrincipal() principal: Principal): Promise<Fleet> {
    const at = this.clock.now();
    const tenant = [principal.tenantId];
    // Sites, hosts, services and the count are inventory's, asked through its port; the monitors with their health
    // stay one query joining inventory's published monitors (its read model, inventory_monitor_catalog) to detection's
    // states: split, it would be two reads of up to 50,000 rows matched in memory.
    const [{ sites, hosts, services }, rows, windows, total]: [FleetNouns, MonitorRow[], ActiveWindow[], number] =
      await Promise.all([
        this.inventory.fleetNouns(principal.tenantId),
        this.dataSource.query(
          `SELECT m.id, m.name, m.type::text AS type, m.enabled, m.host_id, m.service_id, coalesce(s.health, 'unknown') AS health,
                  coalesce(s.flapping, false) AS flapping, (extract(epoch FROM s.since) * 1000)::float8 AS since_ms, s.reason
             FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id
            WHERE m.tenant_id = $1 AND m.deleted_at IS NULL LIMIT ${FLEET_LIMIT}`,
          tenant,
        ),
        new MaintenanceCalendar(this.dataSource).activeAt(principal.tenantId, at),
        this.inventory.liveMonitorCount(principal.tenantId),
      ]);
    return { at, total, ...this.assemble(sites, hosts, services, rows, windows) };
  }

  /** Orders sites, hosts and services by name (no site / no service first or last as an operator expects) and the monitors under them. */
  private assemble(sites: FleetSite[], rawHosts: (FleetSite & { site_id: string | null })[], services: FleetSite[], rows: MonitorRow[], windows: ActiveWindow[]) {
    sites.sort(byName);
    const siteIndex = new Map(sites.map((s, i) => [s.id, i]));
    const hosts: FleetHost[] = rawHosts
      .map((h) => ({ id: h.id, name: h.name, site: h.site_id === null ? null : (siteIndex.get(h.site_id) ?? null) }))
      .sort((a, b) => (a.site ?? sites.length) - (b.site ?? sites.length) || byName(a, b));
    services.sort(byName);
    const hostIndex = new Map(hosts.map((h, i) => [h.id, i]));
    const serviceIndex = new Map(services.map((s, i) => [s.id, i]));
    const covered = new Set(windows.flatMap((w) => [...w.host_ids, ...w.service_ids, ...w.monitor_ids]));
    const keyed = rows.map((r) => ({ r, host: hostIndex.get(r.host_id)!, service: r.service_id === null ? null : serviceIndex.get(r.service_id)! }));
    keyed.sort((a, b) => a.host - b.host || (a.service ?? -1) - (b.service ?? -1) || byName(a.r, b.r));
    const monitors: FleetMonitors = { id: [], name: [], type: [], enabled: [], host: [], service: [], health: [], flapping: [], maintenance: [], sinceMs: [], reason: [] };
    for (const { r, host, service } of keyed) {
      monitors.id.push(r.id);
      monitors.name.push(r.name);
      monitors.type.push(r.type);
      monitors.enabled.push(r.enabled);
      monitors.host.push(host);
      monitors.service.push(service);
      monitors.health.push(r.health);
      monitors.flapping.push(r.flapping);
      monitors.maintenance.push(covered.has(r.id) || covered.has(r.host_id) || (r.service_id !== null && covered.has(r.service_id)));
      monitors.sinceMs.push(r.since_ms);
      monitors.reason.push(r.reason);
    }
    return { sites, hosts, services, monitors };
  }
}
