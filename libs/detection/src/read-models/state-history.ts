import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MaintenanceCalendar, type WindowRow } from '../maintenance/maintenance-calendar.js';

export type { WindowRow };

/** A health change as reports replay it. */
export interface ChangeRow {
  monitor_id: string;
  effective_at: Date;
  to_health: string;
}

/** Detection's read port for reports: health changes and maintenance windows over a period (detection owns both). */
@Injectable()
export class StateHistory {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The last change before the period tells the health at its start (one index probe per monitor, however long the
   * history); then every change inside it. Ordered by time.
   */
  changes(tenantId: string, monitorIds: string[], start: Date, end: Date): Promise<ChangeRow[]> {
    return this.dataSource.query(
      `SELECT c.monitor_id, c.effective_at, c.to_health FROM unnest($2::uuid[]) AS m(id)
         CROSS JOIN LATERAL (SELECT monitor_id, effective_at, to_health FROM monitor_state_changes
                              WHERE monitor_id = m.id AND tenant_id = $1 AND effective_at < $3
                              ORDER BY effective_at DESC LIMIT 1) c
       UNION ALL
       SELECT monitor_id, effective_at, to_health FROM monitor_state_changes
        WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND effective_at >= $3 AND effective_at < $4
       ORDER BY 2`,
      [tenantId, monitorIds, start, end],
    );
  }

  /** Every maintenance occurrence overlapping the period (a recurring window's, one row each), as reports subtract them. */
  maintenance(tenantId: string, start: Date, end: Date): Promise<WindowRow[]> {
    return new MaintenanceCalendar(this.dataSource).between(tenantId, start, end);
  }

  /**
   * Suspicions that cleared without an outage in [start, end): a monitor went from `suspect` back to `up` (or
   * degraded) — a failure quorum or confirmation did not make an incident, so nobody was paged for it.
   */
  async clearedSuspicions(tenantId: string, start: Date, end: Date): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      "SELECT count(*)::int AS n FROM monitor_state_changes WHERE tenant_id = $1 AND from_health = 'suspect' AND to_health IN ('up', 'degraded') AND at >= $2 AND at < $3",
      [tenantId, start, end],
    );
    return row?.n ?? 0;
  }
}
