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

  /** Revoked vantages that have an incident subject (whose incident may still be open). */
  revokedWithSubject(): Promise<VantageHealthRow[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM vantages WHERE revoked_at IS NOT NULL AND subject_monitor_id IS NOT NULL`);
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
