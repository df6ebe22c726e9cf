import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StoredResult } from './entities/vantage-result-batch.entity.js';

export interface InboundResult {
  monitorId: string;
  tenantId: string;
  at: number;
  status: 'up' | 'degraded' | 'down';
  latencyMs: number;
  reason: string;
  replayed: boolean;
  /** Not probed: the agent's egress policy refused the target (its setting, not the target's health). */
  refused?: boolean;
}

export interface ClaimedResult extends InboundResult {
  vantageId: string;
  vantageName: string;
  /** Times its batch was handed back already (a takeover under way); see `handBack`. */
  hops: number;
}

/**
 * Vantages' published read model: the results waiting in the inbox, one per row (the batches unnested), for operators
 * and for tests that count what waits. Created by migration VantageResultBatches; nothing writes through it.
 */
export const VANTAGES_VIEWS = {
  vantages_waiting_results: ['id', 'owner', 'vantage_id', 'vantage_name', 'monitor_id', 'tenant_id', 'at', 'status', 'latency_ms', 'reason', 'replayed', 'received_at'],
} as const satisfies Record<string, readonly string[]>;

/** Which watchdog instance owns a monitor (null: none is live). */
export type OwnerOf = (monitorId: string) => string | null;

/**
 * NOTIFYed (at commit) with each stored batch's owners — a watchdog instance id, or `-` for none live: the owner takes
 * its results at once instead of at its next poll (an agent's confirming failure reached the verdict up to 200 ms late).
 * Hand-backs are not announced (see `insert`).
 */
export const INBOX_CHANNEL = 'vigia_inbox';

/** A row holds one owner's part of one batch: at most the gateway's 1,000 results per batch. */
const ROW_RESULTS = 1000;

/** A result handed back this many times (no live watchdog claims its monitor) is dropped: its monitor is gone or not loaded. */
export const MAX_HOPS = 5;

interface BatchRow {
  id: string;
  vantage_id: string;
  vantage_name: string;
  hops: number;
  results: StoredResult[];
}

/**
 * The durable hand-off of agents' results to the detector: the API writes each batch as one row per owning watchdog
 * (one statement per batch), the owner claims and deletes its rows (`SKIP LOCKED`: two replicas during a takeover
 * never take one row twice). Rows of a watchdog that is no longer live are taken by any live one, which keeps what
 * it owns and hands the rest back, routed again.
 */
@Injectable()
export class ResultInbox {
  constructor(private readonly dataSource: DataSource) {}

  async store(vantage: { id: string; name: string }, results: InboundResult[], ownerOf: OwnerOf = () => null): Promise<void> {
    if (!results.length) return;
    const replayed = results.filter((r) => r.replayed).length;
    if (replayed) await this.dataSource.query('UPDATE vantages SET replayed_results = replayed_results + $2 WHERE id = $1', [vantage.id, replayed]);
    await this.insert(vantage, results, ownerOf, 0);
  }

  /**
   * Takes (and deletes) up to `limit` batches (and about `maxResults` results) routed to `self`, or to no watchdog that is live: oldest first *within
   * each vantage*, the vantages taking turns (round robin by rank). A vantage that floods the inbox — one tenant's
   * private agent — then delays only its own results, not another tenant's verdicts queued behind its backlog. Each
   * vantage's share is locked by its own index range scan (`vantage_id, id`), `SKIP LOCKED`. `more`: a bound may
   * have cut the claim (`limit` rows taken, or so many results that the next row might not have fit), so more may
   * wait: the caller claims again at once rather than leave a backlog to a poll every 2 s. Claiming again after every
   * claim that took anything cost PostgreSQL 20 % more per probe at 6,000 monitors × 3 vantages.
   */
  async claim(self: string, live: string[], limit = 20, maxResults = 5000): Promise<{ results: ClaimedResult[]; more: boolean }> {
    // At most `maxResults` results (whole batches in turn order, at least the first): the claimer judges them in one go, and a flood
    // taken whole would hold its event loop (and its probes' schedule) for as long.
    const [rows]: [BatchRow[], number] = await this.dataSource.query(
      `DELETE FROM vantage_result_batches WHERE id IN (
         SELECT id FROM (
           SELECT id, sum(size) OVER (ORDER BY turn, id) AS upto, size FROM (
             SELECT r.id, r.size, row_number() OVER (PARTITION BY v.id ORDER BY r.id) AS turn
               FROM vantages v
               CROSS JOIN LATERAL (
                 SELECT x.id, x.size FROM vantage_result_batches x
                  WHERE x.vantage_id = v.id AND (x.owner = $1 OR x.owner IS NULL OR x.owner <> ALL($2::text[]))
                  ORDER BY x.id LIMIT $3 FOR UPDATE SKIP LOCKED) r
           ) ranked
         ) counted WHERE upto <= $4 OR upto = size LIMIT $3)
       RETURNING id, vantage_id, vantage_name, hops, results`,
      [self, live, limit, maxResults],
    );
    const claimed: ClaimedResult[] = [];
    for (const row of rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) {
      for (const r of row.results) {
        claimed.push({
          vantageId: row.vantage_id, vantageName: row.vantage_name, hops: row.hops, monitorId: r.monitor_id, tenantId: r.tenant_id, at: r.at,
          status: r.status, latencyMs: r.latency_ms, reason: r.reason, replayed: r.replayed, ...(r.refused ? { refused: true } : {}),
        });
      }
    }
    return { results: claimed, more: rows.length >= limit || claimed.length > maxResults - ROW_RESULTS };
  }

  /**
   * Results a watchdog claimed for monitors it does not own (its peers changed since the API routed them) go back,
   * routed again; after MAX_HOPS they are dropped (no live watchdog has their monitor). Returns how many were dropped.
   */
  async handBack(results: ClaimedResult[], ownerOf: OwnerOf): Promise<number> {
    const keep = results.filter((r) => r.hops + 1 < MAX_HOPS);
    const byVantage = new Map<string, { vantage: { id: string; name: string }; hops: number; results: InboundResult[] }>();
    for (const r of keep) {
      const key = `${r.vantageId}|${r.hops}`;
      let group = byVantage.get(key);
      if (!group) byVantage.set(key, (group = { vantage: { id: r.vantageId, name: r.vantageName }, hops: r.hops + 1, results: [] }));
      group.results.push(r);
    }
    for (const group of byVantage.values()) await this.insert(group.vantage, group.results, ownerOf, group.hops);
    return results.length - keep.length;
  }

  /** Results nobody claimed (a vantage's monitors unassigned meanwhile) do not pile up. */
  async prune(olderThan: Date): Promise<number> {
    const [, count]: [unknown[], number] = await this.dataSource.query('DELETE FROM vantage_result_batches WHERE received_at < $1', [olderThan]);
    return count;
  }

  /**
   * One statement: the results split by owner, each part one row (the parts travel as one JSON document), each owner
   * notified — not for a hand-back: its new owner may still be loading the monitors it just took over, and woken at
   * once it would hand them back again, all MAX_HOPS times within milliseconds, and drop them. Hand-backs wait for
   * the next poll.
   */
  private async insert(vantage: { id: string; name: string }, results: InboundResult[], ownerOf: OwnerOf, hops: number): Promise<void> {
    const parts = new Map<string | null, StoredResult[]>();
    for (const r of results) {
      const owner = ownerOf(r.monitorId);
      let part = parts.get(owner);
      if (!part) parts.set(owner, (part = []));
      part.push({ monitor_id: r.monitorId, tenant_id: r.tenantId, at: r.at, status: r.status, latency_ms: r.latencyMs, reason: r.reason, replayed: r.replayed, ...(r.refused ? { refused: true } : {}) });
    }
    await this.dataSource.query(
      `WITH stored AS (
         INSERT INTO vantage_result_batches (owner, vantage_id, vantage_name, size, results, hops)
         SELECT p->>'owner', $1, $2, jsonb_array_length(p->'results'), p->'results', $3 FROM jsonb_array_elements($4::jsonb) AS p
         RETURNING owner)
       SELECT pg_notify('${INBOX_CHANNEL}', coalesce(owner, '-')) FROM (SELECT DISTINCT owner FROM stored) owners WHERE $3::int = 0`,
      [vantage.id, vantage.name, hops, JSON.stringify([...parts].map(([owner, part]) => ({ owner, results: part })))],
    );
  }
}
