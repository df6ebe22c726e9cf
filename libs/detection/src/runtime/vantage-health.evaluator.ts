import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IncidentsService } from '#lib/incidents';
import { type FreshEntry, type ImpairmentKind, evidenceFor, judgeVantage, VantageSubjects } from '#lib/vantages';

interface VantageRow {
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

/** The network rule reads every monitor's detector state: a heavier query, so not on every pass. */
const NETWORK_EVIDENCE_EVERY_MS = 3_000;

/** Rules that page: a vantage whose agent never connected is not voting, but nothing broke (nobody is paged). */
const pages = (kinds: readonly string[]): boolean => kinds.some((k) => k !== 'absent');

/**
 * Judges every live vantage each pass (`judgeVantage`: heartbeat, clock, its own network) and records the outcome on
 * its row; an impaired vantage's monitors are then re-resolved by the watchdogs and agents (it stops voting, k-of-N
 * moves them). Each vantage that becomes impaired is one *vantage incident* on its subject (`VantageSubjects`),
 * paged through the incident outbox like any other — not one incident per customer monitor it can no longer see.
 * Runs in every watchdog: a row changes only when its rules change (a conditional UPDATE, so two replicas judging
 * at once make one transition), and incidents are idempotent (one open per subject).
 */
@Injectable()
export class VantageHealthEvaluator {
  private readonly logger = new Logger('VantageHealth');
  private entries: FreshEntry[] = [];
  private entriesAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly subjects: VantageSubjects,
    private readonly incidents: IncidentsService,
  ) {}

  async evaluate(now = Date.now()): Promise<void> {
    const rows: VantageRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, name, central, last_heartbeat_at, clock_offset_ms, impaired_by, impaired_since, impaired_reason, subject_monitor_id
         FROM vantages WHERE revoked_at IS NULL`,
    );
    await this.closeRevoked(now);
    if (!rows.length) return;
    // The network rule judges agents only (a central watchdog's network is its replicas' takeover's business): with no
    // agent, the scan of every monitor's detector state is skipped — it is the costly part at 20,000 monitors.
    if (!rows.some((r) => !r.central)) this.entries = [];
    else if (now - this.entriesAt >= NETWORK_EVIDENCE_EVERY_MS) {
      this.entries = await this.freshEntries(now);
      this.entriesAt = now;
    }
    const open = await this.openSubjects(rows);
    for (const row of rows) {
      const judged = judgeVantage({
        central: row.central,
        lastHeartbeatAt: row.last_heartbeat_at?.getTime() ?? null,
        clockOffsetMs: row.clock_offset_ms,
        targets: evidenceFor({ name: row.name, tenantId: row.tenant_id }, this.entries),
        previously: row.impaired_by as ImpairmentKind[],
      }, now);
      let current = row;
      if (judged.kinds.join(',') !== row.impaired_by.join(',')) current = (await this.record(row, judged.kinds, judged.reason)) ?? row;
      await this.reconcileIncident(current, open.has(current.subject_monitor_id ?? ''), now);
    }
  }

  /** Writes a change of rules; undefined when another watchdog changed the row first (it acts on it). */
  private async record(row: VantageRow, kinds: string[], reason: string | null): Promise<VantageRow | undefined> {
    const [rows]: [VantageRow[], number] = await this.dataSource.query(
      `UPDATE vantages SET impaired_by = $2::text[], impaired_reason = $3,
              impaired_since = CASE WHEN $3::text IS NULL THEN NULL ELSE coalesce(impaired_since, now()) END
        WHERE id = $1 AND impaired_by = $4::text[]
        RETURNING id, tenant_id, name, central, last_heartbeat_at, clock_offset_ms, impaired_by, impaired_since, impaired_reason, subject_monitor_id`,
      [row.id, kinds, reason, row.impaired_by],
    );
    const updated = rows[0];
    if (updated) this.logger.warn(reason ? `vantage ${row.name} impaired: ${reason}` : `vantage ${row.name} healthy again`);
    return updated;
  }

  /** One open vantage incident while it is impaired (for a reason that pages), none otherwise. */
  private async reconcileIncident(row: VantageRow, isOpen: boolean, now: number): Promise<void> {
    const impaired = pages(row.impaired_by) && row.impaired_reason !== null;
    if (impaired === isOpen) return;
    const subject = await this.subjects.of({ id: row.id, tenantId: row.tenant_id, name: row.name, subjectMonitorId: row.subject_monitor_id });
    if (!subject) return;
    if (impaired) {
      const at = row.impaired_since ?? new Date(now);
      await this.incidents.open(subject, at, `impaired: ${row.impaired_reason} — it does not vote; its monitors are decided by the healthy vantages (k-of-N assignments moved to others)`, { planned: false, flapping: false, suppressed: false });
    } else {
      await this.incidents.resolve(subject, new Date(now), 'healthy again: heartbeats on time, clock within bound, its targets no longer failing from it alone');
    }
  }

  /** A vantage revoked while impaired: its incident ends with it (what is gone has nothing left to repair). */
  private async closeRevoked(now: number): Promise<void> {
    const rows: VantageRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, name, central, last_heartbeat_at, clock_offset_ms, impaired_by, impaired_since, impaired_reason, subject_monitor_id
         FROM vantages v
        WHERE revoked_at IS NOT NULL AND subject_monitor_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM incidents i WHERE i.monitor_id = v.subject_monitor_id AND i.status = 'open')`,
    );
    for (const row of rows) {
      const subject = await this.subjects.of({ id: row.id, tenantId: row.tenant_id, name: row.name, subjectMonitorId: row.subject_monitor_id });
      if (subject) await this.incidents.resolve(subject, new Date(now), 'vantage revoked: it no longer probes or votes');
    }
  }

  private async openSubjects(rows: VantageRow[]): Promise<Set<string>> {
    const ids = rows.map((r) => r.subject_monitor_id).filter((id): id is string => id !== null);
    if (!ids.length) return new Set();
    const open: { monitor_id: string }[] = await this.dataSource.query("SELECT monitor_id FROM incidents WHERE status = 'open' AND monitor_id = ANY($1::uuid[])", [ids]);
    return new Set(open.map((r) => r.monitor_id));
  }

  /** Every vantage's latest result per monitor, where fresh (the detectors' states, as the watchdogs saved them). */
  private async freshEntries(now: number): Promise<FreshEntry[]> {
    const rows: { monitor_id: string; tenant_id: string; vantage: string; status: FreshEntry['status']; at: number; since: number }[] = await this.dataSource.query(
      `SELECT s.monitor_id, s.tenant_id, v.key AS vantage, v.value->>'streakStatus' AS status, (v.value->>'at')::float8 AS at, (v.value->>'streakSince')::float8 AS since
         FROM monitor_states s JOIN monitors m ON m.id = s.monitor_id AND m.enabled AND m.deleted_at IS NULL
        CROSS JOIN LATERAL jsonb_each(s.detector->'vantages') v
        WHERE (v.value->>'at')::float8 > $1`,
      [now - IMPAIRMENT_FRESH_MS],
    );
    return rows.map((r) => ({ monitorId: r.monitor_id, tenantId: r.tenant_id, vantage: r.vantage, status: r.status, at: Number(r.at), since: Number(r.since) }));
  }
}

/** A detector entry older than this says nothing about the vantage's network now (probes run every 1–60 s). */
const IMPAIRMENT_FRESH_MS = 60_000;

