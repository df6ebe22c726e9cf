import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { InjectRepository } from '@nestjs/typeorm';
import { Incident } from './incident.entity.js';
import type { MonitorRef } from './incidents.service.js';

/** The reason an outage of a paused monitor is closed with: ended there, not repaired. */
export const PAUSED_REASON = 'the monitor was paused: nobody watches it until it is resumed; outage closed without a repair';

/** An outage as reports count it. */
export interface OutageRow {
  monitor_id: string;
  opened_at: Date;
  resolved_at: Date | null;
  /** Closed because its monitor was paused: ended, not repaired. */
  paused: boolean;
}

/** A deleted monitor whose outage is still open, as the watchdog closes it. */
export interface DeletedMonitorOutage extends MonitorRef {
  deletedAt: Date;
}

/** What the paging report needs of a paged incident. */
export interface PagedIncidentRow {
  id: string;
  opened_at: Date;
  resolved_at: Date | null;
  acknowledged_at: Date | null;
}

/**
 * The incidents' read port for reports (the outages of some monitors that overlap a period) and for detection (which
 * of these monitors have an open incident; how many a tenant has open; the deleted monitors whose outage is open).
 */
@Injectable()
export class IncidentHistory {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Incident) private readonly incidents: Repository<Incident>,
  ) {}

  /** Which of these monitors have an open incident (any tenant: the watchdog's vantage subjects span tenants). */
  async openOn(monitorIds: string[]): Promise<Set<string>> {
    if (!monitorIds.length) return new Set();
    const open: { monitor_id: string }[] = await this.dataSource.query("SELECT monitor_id FROM incidents WHERE status = 'open' AND monitor_id = ANY($1::uuid[])", [monitorIds]);
    return new Set(open.map((r) => r.monitor_id));
  }

  /**
   * Deleted monitors whose outage is still open (any tenant, at most `limit` a call): nothing will probe them again,
   * so the watchdog closes each at its deletion's instant. One query joining the open incidents to inventory's
   * published read model (`inventory_monitor_catalog`, libs/inventory/src/read-model.ts); split, it would read every
   * open incident or every deleted monitor each sweep.
   */
  openOfDeletedMonitors(limit = 500): Promise<DeletedMonitorOutage[]> {
    return this.dataSource.query(
      `SELECT m.id, m.tenant_id AS "tenantId", m.host_id AS "hostId", m.service_id AS "serviceId", m.name, m.deleted_at AS "deletedAt"
         FROM incidents i JOIN inventory_monitor_catalog m ON m.id = i.monitor_id WHERE i.status = 'open' AND m.deleted_at IS NOT NULL LIMIT $1`,
      [limit],
    );
  }

  /** How many incidents the tenant has open. */
  async openCount(tenantId: string): Promise<number> {
    const [open]: { n: number }[] = await this.dataSource.query("SELECT count(*)::int AS n FROM incidents WHERE tenant_id = $1 AND status = 'open'", [tenantId]);
    return open!.n;
  }

  outagesOverlapping(tenantId: string, monitorIds: string[], start: Date, end: Date): Promise<OutageRow[]> {
    return this.dataSource.query(
      `SELECT monitor_id, opened_at, resolved_at, coalesce(resolve_reason = $5, false) AS paused FROM incidents
        WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND opened_at < $4 AND (resolved_at IS NULL OR resolved_at > $3)`,
      [tenantId, monitorIds, start, end, PAUSED_REASON],
    );
  }

  /** The incidents themselves (a report lists them): oldest first, at most `limit`. */
  incidentsOverlapping(tenantId: string, monitorIds: string[], from: Date, to: Date, limit: number): Promise<Incident[]> {
    return this.incidents
      .createQueryBuilder('i')
      .where({ tenantId, monitorId: In(monitorIds) })
      .andWhere('i.opened_at < :to AND (i.resolved_at IS NULL OR i.resolved_at > :from)', { from, to })
      .orderBy('i.opened_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Paged incidents' times (the paging report: time to acknowledge, noise). */
  pagedIncidents(tenantId: string, ids: string[]): Promise<PagedIncidentRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.dataSource.query('SELECT id, opened_at, resolved_at, acknowledged_at FROM incidents WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
  }

  /** Incidents opened in [from, to) that paged nobody because the monitor was flapping. */
  async flappingSuppressed(tenantId: string, from: Date, to: Date): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query('SELECT count(*)::int AS n FROM incidents WHERE tenant_id = $1 AND flapping AND suppressed AND opened_at >= $2 AND opened_at < $3', [tenantId, from, to]);
    return row?.n ?? 0;
  }
}
