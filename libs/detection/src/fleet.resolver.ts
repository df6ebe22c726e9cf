import { Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';
import { HealthState } from './monitor-state.entity.js';

/** One monitor of the fleet with the names of what it watches: one flat row, so 10,000 of them cost one query. */
@ObjectType()
export class FleetRow {
  @Field(() => ID) monitorId: string;
  @Field() monitorName: string;
  @Field() type: string;
  @Field() enabled: boolean;
  @Field() severity: string;
  @Field(() => ID) hostId: string;
  @Field() hostName: string;
  @Field(() => ID, { nullable: true }) siteId: string | null;
  @Field(() => String, { nullable: true }) siteName: string | null;
  @Field(() => ID, { nullable: true }) serviceId: string | null;
  @Field(() => String, { nullable: true }) serviceName: string | null;
  @Field(() => HealthState) health: HealthState;
  @Field() flapping: boolean;
  @Field({ description: 'An active maintenance window covers the monitor, its service or its host' }) maintenance: boolean;
  @Field(() => Date, { nullable: true }) since: Date | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => Float, { nullable: true }) latencyMs: number | null;
}

@ObjectType({ description: 'Every monitor of the tenant, ordered site → host → service → monitor' })
export class Fleet {
  @Field(() => [FleetRow]) rows: FleetRow[];
  @Field(() => Int, { description: 'Monitors in the tenant; more than rows.length when the fleet exceeds the limit' }) total: number;
  @Field() at: Date;
}

/** The dashboard shows the whole fleet at once (virtualised): a fleet bigger than this is cut and says so. */
export const FLEET_LIMIT = 50_000;

interface FleetSqlRow extends Omit<FleetRow, 'maintenance'> {
  total: number;
}

interface ActiveWindow {
  host_ids: string[];
  service_ids: string[];
  monitor_ids: string[];
}

@Resolver(() => Fleet)
export class FleetResolver {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Query(() => Fleet, { description: 'The whole fleet in one flat list for the dashboard (up to 50,000 monitors)' })
  async fleet(@CurrentPrincipal() principal: Principal): Promise<Fleet> {
    const at = new Date();
    const [rows, windows]: [FleetSqlRow[], ActiveWindow[]] = await Promise.all([
      this.dataSource.query(
        `SELECT m.id AS "monitorId", m.name AS "monitorName", m.type::text AS type, m.enabled, m.severity,
                h.id AS "hostId", h.name AS "hostName", si.id AS "siteId", si.name AS "siteName",
                sv.id AS "serviceId", sv.name AS "serviceName", coalesce(s.health, 'unknown') AS health,
                coalesce(s.flapping, false) AS flapping, s.since, s.reason, s.last_latency_ms AS "latencyMs",
                count(*) OVER ()::int AS total
           FROM monitors m
           JOIN hosts h ON h.id = m.host_id
           LEFT JOIN sites si ON si.id = h.site_id
           LEFT JOIN services sv ON sv.id = m.service_id
           LEFT JOIN monitor_states s ON s.monitor_id = m.id
          WHERE m.tenant_id = $1
          ORDER BY si.name NULLS LAST, h.name, sv.name NULLS FIRST, m.name
          LIMIT ${FLEET_LIMIT}`,
        [principal.tenantId],
      ),
      this.dataSource.query(
        'SELECT host_ids, service_ids, monitor_ids FROM maintenance_windows WHERE tenant_id = $1 AND starts_at <= $2 AND ends_at > $2',
        [principal.tenantId, at],
      ),
    ]);
    const covered = new Set(windows.flatMap((w) => [...w.host_ids, ...w.service_ids, ...w.monitor_ids]));
    return {
      at,
      total: rows[0]?.total ?? 0,
      rows: rows.map(({ total: _total, ...row }) => ({
        ...row,
        maintenance: covered.has(row.monitorId) || covered.has(row.hostId) || (row.serviceId !== null && covered.has(row.serviceId)),
      })),
    };
  }
}
