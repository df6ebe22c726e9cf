import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProbeResult } from '#lib/probes';
import type { MonitorRef } from '#lib/incidents';
import { type DetectorState, type HealthChange, initialState } from './detector.js';
import type { WatchedMonitor } from './monitor-catalog.js';
import type { RollupRow } from './rollup-aggregator.js';
import { STATE_CHANNEL, type StateEvent } from '../read-models/state-feed.js';
import { MaintenanceCalendar } from '../maintenance/maintenance-calendar.js';

export interface DirtyState {
  monitor: WatchedMonitor;
  state: DetectorState;
  /** Absent when the state changed without a result (a silent monitor judged unknown): the stored last result stays. */
  last?: ProbeResult;
}

/**
 * The rows travel as ONE JSON array (`jsonb_to_recordset`), not eleven parameter arrays: pg turns a JS array into
 * an array literal element by element (escaping every quote of every detector JSON, formatting every Date), which
 * was ~5 % of a watchdog's CPU — one row per probe. `JSON.stringify` of the batch does the same in native code.
 */
const UPSERT_STATES = `
  INSERT INTO monitor_states (monitor_id, tenant_id, health, since, flapping, reason, last_result_at, last_status, last_latency_ms, last_reason, detector)
  SELECT u.* FROM jsonb_to_recordset($1::jsonb)
    AS u(monitor_id uuid, tenant_id uuid, health text, since timestamptz, flapping boolean, reason text, last_result_at timestamptz, last_status text, last_latency_ms real, last_reason text, detector jsonb)
  -- A monitor purged meanwhile has nothing left to record (and its row would violate the foreign key).
  WHERE EXISTS (SELECT 1 FROM inventory_monitor_catalog m WHERE m.id = u.monitor_id)
  ORDER BY u.monitor_id
  ON CONFLICT (monitor_id) DO UPDATE SET health = excluded.health, since = excluded.since, flapping = excluded.flapping,
    reason = excluded.reason, last_result_at = coalesce(excluded.last_result_at, monitor_states.last_result_at),
    last_status = coalesce(excluded.last_status, monitor_states.last_status),
    last_latency_ms = CASE WHEN excluded.last_result_at IS NULL THEN monitor_states.last_latency_ms ELSE excluded.last_latency_ms END,
    last_reason = coalesce(excluded.last_reason, monitor_states.last_reason), detector = excluded.detector`;

/**
 * Rows of `monitor_states` are always written in monitor-id order: the change writer's and the periodic flush's
 * upserts then take their row locks in the same order and cannot deadlock each other.
 */
function byMonitorId(states: DirtyState[]): DirtyState[] {
  return [...states].sort((a, b) => (a.monitor.id < b.monitor.id ? -1 : a.monitor.id > b.monitor.id ? 1 : 0));
}

/** The batch as UPSERT_STATES reads it: times as ISO instants (milliseconds, as the Dates pg sent before), the detector as JSON. */
function stateRows(part: DirtyState[]): [string] {
  return [
    JSON.stringify(
      part.map((d) => ({
        monitor_id: d.monitor.id,
        tenant_id: d.monitor.tenantId,
        health: d.state.health,
        since: new Date(d.state.since).toISOString(),
        flapping: d.state.flapping,
        reason: d.state.reason,
        last_result_at: d.last ? new Date(d.last.at).toISOString() : null,
        last_status: d.last?.status ?? null,
        last_latency_ms: d.last?.latencyMs ?? null,
        last_reason: d.last?.reason ?? null,
        detector: d.state,
      })),
    ),
  ];
}

/** The detector's database I/O: states in batches, changes one by one (they are rare and must not be lost). */
type ChangeRow = { monitor: { id: string; tenantId: string }; change: Pick<HealthChange, 'from' | 'to' | 'at' | 'effectiveAt' | 'flapping' | 'reason'> };

// A change of a monitor purged since (its owner deleted it with its history) is dropped, not retried for ever: one such
// row would fail every later batch of this watchdog, and with it every incident it would open.
/** A paused monitor (disabled, not deleted) whose state has not yet been marked "paused". */
const PAUSED_UNMARKED = `NOT m.enabled AND m.deleted_at IS NULL AND s.health <> 'unknown'`;

const INSERT_CHANGES = `INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason)
  SELECT u.* FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::boolean[], $8::text[])
    AS u(tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason)
   WHERE EXISTS (SELECT 1 FROM inventory_monitor_catalog m WHERE m.id = u.monitor_id)`;

function changeColumns(rows: ChangeRow[]): unknown[] {
  return [
    rows.map((r) => r.monitor.tenantId), rows.map((r) => r.monitor.id), rows.map((r) => new Date(r.change.at)), rows.map((r) => new Date(r.change.effectiveAt)),
    rows.map((r) => r.change.from), rows.map((r) => r.change.to), rows.map((r) => r.change.flapping), rows.map((r) => r.change.reason.slice(0, 1000)),
  ];
}

@Injectable()
export class StateStore {
  /** Maintenance by time is read in one place, recurring windows expanded there. */
  private readonly calendar: MaintenanceCalendar;

  constructor(private readonly dataSource: DataSource) {
    this.calendar = new MaintenanceCalendar(dataSource);
  }

  async load(monitorIds: string[]): Promise<Map<string, DetectorState>> {
    const found = new Map<string, DetectorState>();
    for (let i = 0; i < monitorIds.length; i += 5000) {
      const rows: { monitor_id: string; detector: DetectorState }[] = await this.dataSource.query(
        'SELECT monitor_id, detector FROM monitor_states WHERE monitor_id = ANY($1::uuid[])',
        [monitorIds.slice(i, i + 5000)],
      );
      for (const row of rows) found.set(row.monitor_id, row.detector);
    }
    return found;
  }

  /** One multi-row upsert per 1,000 monitors: 20,000 monitors cost 20 statements per flush. */
  async saveStates(batch: DirtyState[]): Promise<void> {
    const sorted = byMonitorId(batch);
    for (let i = 0; i < sorted.length; i += 1000) {
      await this.dataSource.query(UPSERT_STATES, stateRows(sorted.slice(i, i + 1000)));
    }
  }

  /**
   * Health changes: the change rows and the states they lead to, in one transaction, before anything acts on them.
   * When one monitor changes twice in a batch its last state wins (the upsert sees each monitor once).
   */
  async saveChanges(batch: { dirty: DirtyState; change: HealthChange }[]): Promise<void> {
    const latest = new Map(batch.map((b) => [b.dirty.monitor.id, b.dirty]));
    await this.dataSource.transaction(async (manager) => {
      await manager.query(INSERT_CHANGES, changeColumns(batch.map((b) => ({ monitor: b.dirty.monitor, change: b.change }))));
      const states = byMonitorId([...latest.values()]);
      await manager.query(UPSERT_STATES, stateRows(states));
      // Delivered to listening API processes when this transaction commits, never for a change that was rolled back.
      const events: StateEvent[] = batch.map((b) => ({
        tenantId: b.dirty.monitor.tenantId,
        monitorId: b.dirty.monitor.id,
        from: b.change.from,
        to: b.change.to,
        at: new Date(b.change.at).toISOString(),
        since: new Date(b.dirty.state.since).toISOString(),
        flapping: b.change.flapping,
        reason: b.change.reason.slice(0, 1000),
      }));
      await manager.query('SELECT pg_notify($1, e) FROM unnest($2::text[]) AS e', [STATE_CHANNEL, events.map((e) => JSON.stringify(e))]);
    });
  }

  /** Paused monitors (disabled, not deleted) whose state still says something: those `pause` has yet to mark. */
  async pausedUnmarked(): Promise<MonitorRef[]> {
    return this.dataSource.query(
      `SELECT s.monitor_id AS id, s.tenant_id AS "tenantId", m.host_id AS "hostId", m.service_id AS "serviceId", m.name
         FROM monitor_states s JOIN inventory_monitor_catalog m ON m.id = s.monitor_id
        WHERE ${PAUSED_UNMARKED} ORDER BY s.monitor_id LIMIT 500`,
    );
  }

  /**
   * Marks these paused monitors, if still paused and not yet marked: each becomes unknown at `at` with `reason` (a
   * change row too, and the live feed's event), its detector reset so that a resume starts afresh. Rows another
   * watchdog is changing are skipped (it does the same).
   */
  async pause(ids: string[], at: Date, reason: string): Promise<void> {
    if (!ids.length) return;
    await this.dataSource.transaction(async (manager) => {
      const rows: (MonitorRef & { from: string })[] = await manager.query(
        `SELECT s.monitor_id AS id, s.tenant_id AS "tenantId", s.health AS "from"
           FROM monitor_states s JOIN inventory_monitor_catalog m ON m.id = s.monitor_id
          WHERE s.monitor_id = ANY($1::uuid[]) AND ${PAUSED_UNMARKED}
          ORDER BY s.monitor_id FOR UPDATE OF s SKIP LOCKED`,
        [ids],
      );
      if (!rows.length) return;
      const detector: DetectorState = { ...initialState(at.getTime()), reason };
      await manager.query(
        `UPDATE monitor_states SET health = 'unknown', since = $2, flapping = false, reason = $3, detector = $4::jsonb WHERE monitor_id = ANY($1::uuid[])`,
        [rows.map((r) => r.id), at, reason, JSON.stringify(detector)],
      );
      const changes = rows.map((r) => ({ monitor: { id: r.id, tenantId: r.tenantId }, change: { from: r.from as HealthChange['from'], to: 'unknown' as const, at: at.getTime(), effectiveAt: at.getTime(), flapping: false, reason } }));
      await manager.query(INSERT_CHANGES, changeColumns(changes));
      const events: StateEvent[] = rows.map((r) => ({ tenantId: r.tenantId, monitorId: r.id, from: r.from as StateEvent['from'], to: 'unknown', at: at.toISOString(), since: at.toISOString(), flapping: false, reason }));
      await manager.query('SELECT pg_notify($1, e) FROM unnest($2::text[]) AS e', [STATE_CHANNEL, events.map((e) => JSON.stringify(e))]);
    });
  }

  /**
   * History only: changes worked out from an agent's replayed results, at their original times. The monitor's live
   * state, the state feed and incidents are not touched (a replay is history, not a vote).
   */
  async saveHistory(rows: ChangeRow[]): Promise<void> {
    if (!rows.length) return;
    await this.dataSource.query(INSERT_CHANGES, changeColumns(rows));
  }

  async saveRollups(rows: RollupRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      const part = rows.slice(i, i + 1000);
      // A monitor taken over mid-minute is written by two watchdogs: counts add up; latency keeps the last writer's.
      await this.dataSource.query(
        `INSERT INTO probe_rollups (monitor_id, minute, tenant_id, count, failures, degraded, latency_p50, latency_p95)
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::int[], $5::int[], $6::int[], $7::real[], $8::real[])
         ON CONFLICT (monitor_id, minute) DO UPDATE SET count = probe_rollups.count + excluded.count,
           failures = probe_rollups.failures + excluded.failures, degraded = probe_rollups.degraded + excluded.degraded,
           latency_p50 = excluded.latency_p50, latency_p95 = excluded.latency_p95`,
        [
          part.map((r) => r.monitorId), part.map((r) => r.minute), part.map((r) => r.tenantId), part.map((r) => r.count),
          part.map((r) => r.failures), part.map((r) => r.degraded), part.map((r) => r.latencyP50), part.map((r) => r.latencyP95),
        ],
      );
    }
  }

  async pruneRollups(olderThan: Date): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query('DELETE FROM probe_rollups WHERE minute < $1', [olderThan]);
    return result[1] ?? 0;
  }

  async activeMaintenance(monitor: WatchedMonitor, at: Date): Promise<boolean> {
    const active = await this.calendar.activeAt(monitor.tenantId, at, { monitorId: monitor.id, hostId: monitor.hostId, serviceId: monitor.serviceId });
    return active.length > 0;
  }
}
