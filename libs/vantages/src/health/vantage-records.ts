import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A vantage as the health evaluator judges it: its heartbeat, clock, recorded impairment and incident subject. */
export interface VantageHealthRow {
  id: string;
  tenant_id: string | null;
  name: string;
  central: boolean;
  last_heartbeat_at: Date | null;
  clock_offset_ms: number | null;
  impaired_by: string[];
  impaired_since: Date | null;
  impaired_reason: string | null;
  subject_monitor_id: string | null;
}

const COLUMNS = 'id, tenant_id, name, central, last_heartbeat_at, clock_offset_ms, impaired_by, impaired_since, impaired_reason, subject_monitor_id';

/**
 * The vantages' port for the watchdog's health evaluator (detection): the rows it judges and the one place its
 * verdicts are written. Vantages own `vantages`; detection asks here instead of reading and updating the table.
 */
@Injectable()
export class VantageHealthRecords {
  constructor(private readonly dataSource: DataSource) {}

  /** Every vantage not revoked. */
  live(): Promise<VantageHealthRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM vantages WHERE revoked_at IS NULL`);
  }

  /**
   * Revoked agent vantages with how many live monitors still name them in their own assignment, and whether a
   * tenant's default does: each such monitor lost a voter for good, and its quorum may be out of reach.
   */
  revokedAndNamed(): Promise<(VantageHealthRow & { revoked_at: Date; monitors: number; by_default: boolean })[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}, v.revoked_at, coalesce(n.monitors, 0)::int AS monitors,
              EXISTS (SELECT 1 FROM tenant_vantage_defaults d WHERE v.id = ANY(d.vantage_ids)) AS by_default
         FROM vantages v
         LEFT JOIN (SELECT u.id, count(*) AS monitors
                      FROM monitor_vantages mv JOIN inventory_monitor_catalog m ON m.id = mv.monitor_id AND m.deleted_at IS NULL
                      CROSS JOIN LATERAL unnest(mv.vantage_ids) AS u(id)
                     GROUP BY u.id) n ON n.id = v.id
        WHERE v.revoked_at IS NOT NULL AND NOT v.central`,
    );
  }


  /**
   * Writes a change of rules, only if the row still holds the rules it was judged with (`row.impaired_by`): two
   * watchdogs judging at once make one transition. Undefined when another one changed the row first.
   */
  async record(row: Pick<VantageHealthRow, 'id' | 'impaired_by'>, kinds: string[], reason: string | null): Promise<VantageHealthRow | undefined> {
    const [rows]: [VantageHealthRow[], number] = await this.dataSource.query(
      `UPDATE vantages SET impaired_by = $2::text[], impaired_reason = $3,
              impaired_since = CASE WHEN $3::text IS NULL THEN NULL ELSE coalesce(impaired_since, now()) END
        WHERE id = $1 AND impaired_by = $4::text[]
        RETURNING ${COLUMNS}`,
      [row.id, kinds, reason, row.impaired_by],
    );
    return rows[0];
  }
}
