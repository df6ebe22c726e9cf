import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface InboundResult {
  monitorId: string;
  tenantId: string;
  at: number;
  status: 'up' | 'degraded' | 'down';
  latencyMs: number;
  reason: string;
  replayed: boolean;
}

export interface ClaimedResult extends InboundResult {
  vantageId: string;
  vantageName: string;
}

/**
 * The durable hand-off of agents' results to the detector: the API inserts (one statement per batch), the watchdog
 * that owns the monitor claims and deletes them (`SKIP LOCKED`: two replicas during a takeover never take one row twice).
 */
@Injectable()
export class ResultInbox {
  constructor(private readonly dataSource: DataSource) {}

  async store(vantage: { id: string; name: string }, results: InboundResult[]): Promise<void> {
    if (!results.length) return;
    const replayed = results.filter((r) => r.replayed).length;
    if (replayed) await this.dataSource.query('UPDATE vantages SET replayed_results = replayed_results + $2 WHERE id = $1', [vantage.id, replayed]);
    await this.dataSource.query(
      `INSERT INTO vantage_results (vantage_id, vantage_name, monitor_id, tenant_id, at, status, latency_ms, reason, replayed)
       SELECT $1, $2, * FROM unnest($3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], $7::real[], $8::text[], $9::boolean[])`,
      [
        vantage.id, vantage.name, results.map((r) => r.monitorId), results.map((r) => r.tenantId), results.map((r) => new Date(r.at)),
        results.map((r) => r.status), results.map((r) => r.latencyMs), results.map((r) => r.reason), results.map((r) => r.replayed),
      ],
    );
  }

  /**
   * Takes (and deletes) up to `limit` results of these monitors: oldest first *within each vantage*, the vantages taking
   * turns (round robin by rank). A vantage that floods the inbox — one tenant's private agent — then delays only its
   * own results, not another tenant's verdicts queued behind its backlog. Each vantage's share is locked by its own
   * index range scan (`vantage_id, id`), `SKIP LOCKED` so two replicas during a takeover never take one row twice.
   */
  async claim(monitorIds: string[], limit = 5000): Promise<ClaimedResult[]> {
    if (!monitorIds.length) return [];
    const [rows]: [{ vantage_id: string; vantage_name: string; monitor_id: string; tenant_id: string; at: Date; status: InboundResult['status']; latency_ms: number; reason: string; replayed: boolean; id: string }[], number] =
      await this.dataSource.query(
        `DELETE FROM vantage_results WHERE id IN (
           SELECT id FROM (
             SELECT r.id, row_number() OVER (PARTITION BY v.id ORDER BY r.id) AS turn
               FROM vantages v
               CROSS JOIN LATERAL (
                 SELECT x.id FROM vantage_results x WHERE x.vantage_id = v.id AND x.monitor_id = ANY($1::uuid[])
                  ORDER BY x.id LIMIT $2 FOR UPDATE SKIP LOCKED) r
           ) ranked ORDER BY turn, id LIMIT $2)
         RETURNING id, vantage_id, vantage_name, monitor_id, tenant_id, at, status, latency_ms, reason, replayed`,
        [monitorIds, limit],
      );
    return rows
      .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))
      .map((r) => ({ vantageId: r.vantage_id, vantageName: r.vantage_name, monitorId: r.monitor_id, tenantId: r.tenant_id, at: r.at.getTime(), status: r.status, latencyMs: r.latency_ms, reason: r.reason, replayed: r.replayed }));
  }

  /** Results nobody claimed (a monitor deleted or unassigned meanwhile) do not pile up. */
  async prune(olderThan: Date): Promise<number> {
    const [, count]: [unknown[], number] = await this.dataSource.query('DELETE FROM vantage_results WHERE received_at < $1', [olderThan]);
    return count;
  }
}
