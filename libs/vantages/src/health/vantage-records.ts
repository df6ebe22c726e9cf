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
  blind_monitors: number;
}

const COLUMNS = 'id, tenant_id, name, central, last_heartbeat_at, clock_offset_ms, impaired_by, impaired_since, impaired_reason, subject_monitor_id, blind_monitors';

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
   * Revoked agent vantages, with how many live monitors still name them in their own assignment, whether a tenant's
   * default does, and — for a platform vantage — whether an "every platform vantage" assignment asks for a quorum
   * above the platform vantages left (the central tier as one, plus the live platform agents): each such monitor lost
   * a voter for good, and its quorum may be out of reach. Only the revoked ids are looked for (an overlap test, no
   * unnest of every assignment); nothing is read when none is revoked.
   */
  async revokedAndNamed(): Promise<(VantageHealthRow & { revoked_at: Date; monitors: number; by_default: boolean; platform_quorum_short: boolean })[]> {
    const revoked: (VantageHealthRow & { revoked_at: Date })[] = await this.dataSource.query(`SELECT ${COLUMNS}, revoked_at FROM vantages WHERE revoked_at IS NOT NULL AND NOT central`);
    if (!revoked.length) return [];
    const ids = revoked.map((r) => r.id);
    const [named, platform]: [{ id: string; monitors: number; by_default: boolean }[], { short: boolean }[]] = await Promise.all([
      // One pass over the assignments; only those that name a revoked vantage are unnested.
      this.dataSource.query(
        `WITH named AS (
           SELECT u.id, count(*)::int AS monitors
             FROM monitor_vantages mv JOIN inventory_monitor_catalog m ON m.id = mv.monitor_id AND m.deleted_at IS NULL
             CROSS JOIN LATERAL unnest(mv.vantage_ids) AS u(id)
            WHERE mv.vantage_ids && $1::uuid[] AND u.id = ANY($1::uuid[])
            GROUP BY u.id),
         defaults AS (
           SELECT DISTINCT u.id FROM tenant_vantage_defaults d CROSS JOIN LATERAL unnest(d.vantage_ids) AS u(id)
            WHERE d.vantage_ids && $1::uuid[] AND u.id = ANY($1::uuid[]))
         SELECT v.id, coalesce(named.monitors, 0) AS monitors, (defaults.id IS NOT NULL) AS by_default
           FROM unnest($1::uuid[]) AS v(id) LEFT JOIN named ON named.id = v.id LEFT JOIN defaults ON defaults.id = v.id`,
        [ids],
      ),
      this.dataSource.query(
        `WITH live AS (SELECT 1 + count(*)::int AS n FROM vantages WHERE tenant_id IS NULL AND revoked_at IS NULL AND NOT central)
         SELECT EXISTS (SELECT 1 FROM monitor_vantages, live WHERE vantage_ids IS NULL AND quorum > live.n)
             OR EXISTS (SELECT 1 FROM tenant_vantage_defaults, live WHERE vantage_ids IS NULL AND quorum > live.n) AS short`,
      ),
    ]);
    const byId = new Map(named.map((n) => [n.id, n]));
    // A quorum short of platform vantages is the last platform revocation's doing: one incident, on that vantage.
    const latest = revoked.filter((r) => r.tenant_id === null).sort((a, b) => b.revoked_at.getTime() - a.revoked_at.getTime())[0];
    const short = (platform[0]?.short ?? false) ? latest?.id : undefined;
    return revoked.map((r) => ({ ...r, monitors: byId.get(r.id)?.monitors ?? 0, by_default: byId.get(r.id)?.by_default ?? false, platform_quorum_short: r.id === short }));
  }

  /** Records how many monitors the impaired vantage leaves blind (what every vantage left sees down, unconfirmable). */
  async recordBlind(id: string, count: number): Promise<void> {
    await this.dataSource.query('UPDATE vantages SET blind_monitors = $2 WHERE id = $1 AND blind_monitors <> $2', [id, count]);
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
