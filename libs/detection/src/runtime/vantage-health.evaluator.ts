import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { IncidentHistory, IncidentsService } from '#lib/incidents';
import { addTally, emptyTally, type ImpairmentKind, judgeVantage, type NetworkTally, stopsVoting, tenantTallies, VantageHealthRecords, type VantageHealthRow as VantageRow, VantageSubjects } from '#lib/vantages';
import { CANNOT_CONFIRM_DOWN } from './detector.js';
import { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';

/** A monitor left without its quorum by an impaired vantage while every vantage left sees it down. */
interface BlindMonitor {
  tenantId: string;
  name: string;
  since: Date;
}

/** The page's words: how many, since when, what it means and what to do; names only of the incident's own tenant. */
export function blindSummary(vantage: string, tenantId: string, monitors: BlindMonitor[]): string {
  const own = monitors.filter((m) => m.tenantId === tenantId).map((m) => m.name);
  const tenants = new Set(monitors.map((m) => m.tenantId)).size;
  const named = own.length ? `: ${own.slice(0, 5).join(', ')}${own.length > 5 ? ` and ${own.length - 5} more` : ''}` : '';
  const since = new Date(Math.min(...monitors.map((m) => m.since.getTime()))).toISOString();
  return `${monitors.length} monitor(s) of ${tenants} tenant(s) are seen down by every vantage left, and cannot be confirmed without ${vantage} ` +
    `(since ${since}): likely real outages that page nobody and start no runbook until ${vantage} is back or their quorum is lowered — check them by hand${named}`;
}

/** A revoked vantage that monitors still need: what it means for them and what to do. */
export function revokedSummary(row: { monitors: number; by_default: boolean; platform_quorum_short: boolean; revoked_at: Date }): string {
  const by = [row.monitors > 0 ? `named by ${row.monitors} monitor(s)` : '', row.by_default ? 'named by a tenant’s default assignment' : '', row.platform_quorum_short ? 'needed by "every platform vantage" assignments whose quorum is now above the platform vantages left' : ''].filter(Boolean).join(', ');
  return `revoked on ${row.revoked_at.toISOString()}, but still ${by}: it never votes again, so where it was needed for the quorum no outage can be confirmed (no page, no runbook) — name another vantage for them or lower their quorum (setMonitorVantages, setVantageDefaults)`;
}

/** Rules that page: a vantage whose agent never connected is not voting, but nothing broke (nobody is paged). */
const pages = (kinds: readonly string[]): boolean => kinds.some((k) => k !== 'absent');

/** Passes further apart than this (they run every second) mean this process could not judge in between. */
const PASS_GAP_MS = 5_000;

/** The network rule's evidence of one vantage: the sum, and a platform vantage's tenant by tenant. */
function networkEvidence(vantage: { name: string; tenantId: string | null }, tallies: ReadonlyMap<string, NetworkTally>): { targets: NetworkTally; tenants?: NetworkTally[] } {
  const tenants = tenantTallies(vantage, tallies);
  const targets = tenants.reduce((sum, t) => addTally(sum, t), emptyTally());
  return vantage.tenantId === null ? { targets, tenants } : { targets };
}

/**
 * Judges every live vantage each pass (`judgeVantage`: heartbeat, clock, its own network) and records the outcome on
 * its row; an impaired vantage's monitors are then re-resolved by the watchdogs and agents (it stops voting, k-of-N
 * moves them). Each vantage that becomes impaired is one *vantage incident* on its subject (`VantageSubjects`),
 * paged through the incident outbox like any other — not one incident per customer monitor it can no longer see.
 * Runs in every watchdog: a row changes only when its rules change (a conditional UPDATE, so two replicas judging
 * at once make one transition), and incidents are idempotent (one open per subject). The vantages' rows are read and
 * written through their owner's port (`VantageHealthRecords`), open incidents asked of incidents' `IncidentHistory`.
 */
@Injectable()
export class VantageHealthEvaluator {
  private readonly logger = new Logger('VantageHealth');
  private passes = 0;
  /** Revoked vantages whose open incident has been told so (by this process; the incident's lock keeps it once). */
  private readonly revokedTold = new Set<string>();
  /** Live vantages impaired at the last pass (for /metrics). */
  impaired = 0;
  /** When the last pass completed, and since when passes have run without a gap (the process started, the database back). */
  private lastPassAt = Number.NEGATIVE_INFINITY;
  private heardSince = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly dataSource: DataSource,
    private readonly subjects: VantageSubjects,
    private readonly incidents: IncidentsService,
    private readonly incidentHistory: IncidentHistory,
    private readonly records: VantageHealthRecords,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly heartbeat: WatchdogHeartbeatService,
    private readonly config: VigiaConfig,
  ) {}

  async evaluate(now = this.clock.now().getTime()): Promise<void> {
    const rows = await this.records.live();
    // Passes run every second; a gap means this process could not judge (starting, or its database gone): agents'
    // beats were not recorded meanwhile, and they get time to reconnect before being called late (`judgeVantage`).
    if (now - this.lastPassAt > PASS_GAP_MS) this.heardSince = now;
    this.lastPassAt = now;
    // Revoked vantages change rarely and their question reads the assignments: every tenth pass (10 s).
    if (this.passes++ % 10 === 0) await this.reconcileRevoked(now);
    this.impaired = rows.filter((r) => r.impaired_reason !== null).length;
    if (!rows.length) return;
    // The network rule judges every vantage, central ones too (their uplink failing while agents see the targets up);
    // a platform vantage's evidence is weighed tenant by tenant (`judgeNetwork`): no tenant alone decides for all.
    // One vantage alone has nobody to contradict it: no tally to read.
    const tallies = rows.length > 1 ? await this.networkTallies() : new Map<string, NetworkTally>();
    const open = await this.openSubjects(rows);
    const silent = rows.some((r) => r.central) ? await this.silentWatchdogs(now) : new Map<string, { processes: number; lastBeatAt: number }>();
    const after: VantageRow[] = [];
    for (const row of rows) {
      const judged = judgeVantage({
        central: row.central,
        silent: row.central ? silent.get(row.name) : null,
        lastHeartbeatAt: row.last_heartbeat_at?.getTime() ?? null,
        clockOffsetMs: row.clock_offset_ms,
        ...networkEvidence({ name: row.name, tenantId: row.tenant_id }, tallies),
        previously: row.impaired_by as ImpairmentKind[],
        heardSince: this.heardSince,
      }, now);
      let current = row;
      if (judged.kinds.join(',') !== row.impaired_by.join(',')) current = (await this.record(row, judged.kinds, judged.reason)) ?? row;
      await this.reconcileIncident(current, open.has(current.subject_monitor_id ?? ''), now);
      after.push(current);
    }
    // What an impaired vantage hides: every fifth pass (5 s), as verdicts move after it.
    if (this.passes % 5 === 1) await this.reconcileBlind(after, now);
  }

  /**
   * Monitors an impaired vantage leaves *blind*: their quorum out of reach without it, and every vantage left seeing
   * them down (`CANNOT_CONFIRM_DOWN`) — very likely real outages, which by the quorum rule page nobody and start no
   * runbook. The count is kept on the vantage (`vantages.blind_monitors`), and the vantage incident pages again
   * (`attention`), once per incident — one impaired spell — when the first is seen: the person who took the vantage
   * page for "an agent to fix tomorrow" hears that targets are down now. Once is checked with the incident locked, so
   * two watchdogs page once. Names are given only for monitors of the incident's own tenant (a private vantage's); a
   * platform vantage's incident counts other tenants' monitors without naming them.
   */
  private async reconcileBlind(rows: VantageRow[], now: number): Promise<void> {
    const impaired = rows.filter((r) => r.impaired_reason !== null && stopsVoting(r.impaired_by) && pages(r.impaired_by));
    // Nearly always: nothing impaired and nothing recorded, nothing to read.
    if (!impaired.length && !rows.some((r) => r.blind_monitors > 0)) return;
    const blind = impaired.length ? await this.blindMonitors(impaired) : new Map<string, BlindMonitor[]>();
    for (const row of rows) {
      const monitors = blind.get(row.id) ?? [];
      if (monitors.length !== row.blind_monitors) await this.records.recordBlind(row.id, monitors.length);
      // Only impaired vantages have blind monitors, and this pass has just opened their incidents: `attentionOn`
      // finds the open one itself (nothing when there is none).
      if (!monitors.length) continue;
      const subject = await this.subjects.of({ id: row.id, tenantId: row.tenant_id, name: row.name, subjectMonitorId: row.subject_monitor_id });
      if (subject) await this.incidents.attentionOn(subject, 'blind', blindSummary(row.name, subject.tenantId, monitors), new Date(now), { oncePerIncident: true });
    }
  }

  /**
   * Per impaired vantage (by id): the live monitors that cannot be confirmed down without it. A verdict names the
   * vantages it excluded by name, and private names are unique only within a tenant: a private vantage matches its
   * own tenant's monitors only.
   */
  private async blindMonitors(vantages: VantageRow[]): Promise<Map<string, BlindMonitor[]>> {
    const rows: (BlindMonitor & { vantage: string })[] = await this.dataSource.query(
      `SELECT v.id AS vantage, s.tenant_id AS "tenantId", m.name, s.since
         FROM monitor_states s JOIN inventory_monitor_catalog m ON m.id = s.monitor_id
        CROSS JOIN LATERAL jsonb_object_keys(coalesce(s.detector->'rule'->'excluded', '{}'::jsonb)) AS k(name)
         JOIN unnest($1::uuid[], $2::text[], $3::uuid[]) AS v(id, name, tenant_id) ON v.name = k.name AND (v.tenant_id IS NULL OR v.tenant_id = s.tenant_id)
        WHERE s.health = 'unknown' AND starts_with(s.reason, $4) AND m.enabled AND m.deleted_at IS NULL
        ORDER BY s.since`,
      [vantages.map((v) => v.id), vantages.map((v) => v.name), vantages.map((v) => v.tenant_id), CANNOT_CONFIRM_DOWN],
    );
    const out = new Map<string, BlindMonitor[]>();
    for (const { vantage, ...monitor } of rows) out.set(vantage, [...(out.get(vantage) ?? []), monitor]);
    return out;
  }

  /** Writes a change of rules; undefined when another watchdog changed the row first (it acts on it). */
  private async record(row: VantageRow, kinds: string[], reason: string | null): Promise<VantageRow | undefined> {
    const updated = await this.records.record(row, kinds, reason);
    if (!updated) return updated;
    // Impaired is news for whoever reads the log; healthy is the normal state (and an agent's first connection is not a recovery).
    if (reason) this.logger.warn(`vantage ${row.name} impaired: ${reason}`);
    else this.logger.log(row.impaired_by.join(',') === 'absent' ? `vantage ${row.name}: its agent connected for the first time, voting` : `vantage ${row.name} healthy again`);
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
      const effect = stopsVoting(row.impaired_by)
        ? 'it does not vote until it is back: monitors assigned k of N move to other vantages; where too few vantages are left for a quorum, nothing is confirmed down (no page, no runbook) and the time is unobserved — see each monitor\'s verdict'
        : 'the live watchdogs took its monitors over; the dead process probes nothing until it is restarted';
      await this.incidents.open(subject, at, `impaired: ${row.impaired_reason} — ${effect}`, { planned: false, flapping: false, suppressed: false });
    } else {
      const healthy = row.central ? 'every watchdog process of it reporting, its targets no longer failing from it alone' : 'its agent\'s heartbeats on time, its clock within bound, its targets no longer failing from it alone';
      await this.incidents.resolve(subject, new Date(now), `healthy again: ${healthy}`);
    }
  }

  /**
   * Revoked vantages. One that monitors still name keeps an incident open (opened if it had none): each of those
   * monitors lost a voter for good, and where that puts its quorum out of reach a real outage would page nobody — so
   * the people on call hear it until the monitors name another vantage or lower their quorum. One no monitor names:
   * its incident ends with it (what is gone has nothing left to repair).
   */
  private async reconcileRevoked(now: number): Promise<void> {
    const rows = await this.records.revokedAndNamed();
    const open = await this.openSubjects(rows);
    for (const row of rows) {
      const needed = row.monitors > 0 || row.by_default || row.platform_quorum_short;
      const isOpen = open.has(row.subject_monitor_id ?? '');
      // Open already (it was impaired when revoked): its text says "until it is back", which it never will be.
      const retell = needed && isOpen && !this.revokedTold.has(row.id);
      if (needed === isOpen && !retell) continue;
      const subject = await this.subjects.of({ id: row.id, tenantId: row.tenant_id, name: row.name, subjectMonitorId: row.subject_monitor_id });
      if (!subject) continue;
      if (retell) {
        // Once per incident (checked with it locked), and not for one opened on the revocation (it said so).
        await this.incidents.attentionOn(subject, 'revoked', revokedSummary(row), new Date(now), { oncePerIncident: true, openedBefore: row.revoked_at });
        this.revokedTold.add(row.id);
      } else if (needed) {
        // Opened now, not at the revocation: escalation steps count from the opening, and a vantage revoked weeks ago
        // must not page every level at once.
        await this.incidents.open(subject, new Date(now), revokedSummary(row), { planned: false, flapping: false, suppressed: false });
      } else {
        await this.incidents.resolve(subject, new Date(now), 'vantage revoked, and no monitor needs it: it no longer probes or votes');
      }
    }
  }

  /**
   * Central watchdog processes, by vantage name, that stopped reporting (silent past `VIGIA_WATCHDOG_SILENCE_SECONDS`) without stopping cleanly
   * (no `stopped_at`: killed, frozen, cut from the database) and that no process of the same vantage has replaced
   * since (started after its last beat). This process never judges itself: a watchdog resuming from SIGSTOP runs
   * this pass before its next beat.
   */
  private async silentWatchdogs(now: number): Promise<Map<string, { processes: number; lastBeatAt: number }>> {
    const rows: { vantage: string; processes: number; last_beat_at: Date }[] = await this.dataSource.query(
      `SELECT w.vantage, count(*)::int AS processes, min(w.heartbeat_at) AS last_beat_at
         FROM watchdog_instances w
        WHERE w.vantage IS NOT NULL AND w.stopped_at IS NULL AND w.heartbeat_at < $1 AND w.id <> $2
          AND NOT EXISTS (SELECT 1 FROM watchdog_instances n WHERE n.vantage = w.vantage AND n.started_at > w.heartbeat_at)
        GROUP BY w.vantage`,
      [new Date(now - this.config.watchdogSilenceMs), this.heartbeat.instanceId],
    );
    return new Map(rows.map((r) => [r.vantage, { processes: r.processes, lastBeatAt: r.last_beat_at.getTime() }]));
  }

  private async openSubjects(rows: VantageRow[]): Promise<Set<string>> {
    return this.incidentHistory.openOn(rows.map((r) => r.subject_monitor_id).filter((id): id is string => id !== null));
  }

  /**
   * The network rule's counts, per tenant and vantage: the sum of what every live watchdog tallied over the monitors
   * it owns (from its detectors in memory, sent with its heartbeat — `WatchdogService.networkTally`). Replicas own
   * disjoint shares, so the sum counts each monitor once (during a takeover, for a beat, perhaps twice: the rule
   * reads shares, which a double count barely moves).
   */
  private async networkTallies(): Promise<Map<string, NetworkTally>> {
    const sum = new Map<string, NetworkTally>();
    for (const instance of await this.heartbeat.liveInstances()) {
      for (const [key, t] of Object.entries(instance.networkTally ?? {})) sum.set(key, addTally(sum.get(key) ?? emptyTally(), t));
    }
    return sum;
  }
}
