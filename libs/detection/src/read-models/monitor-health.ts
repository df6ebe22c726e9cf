import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MonitorLatency } from './monitor-latency.js';
import { type DetectorState, vantageRole } from '../runtime/detector.js';

/** One monitor of a host as the detector last recorded it. */
export interface HostMonitorHealth {
  hostId: string;
  monitorId: string;
  /** The monitor's name, as the operator gave it (standby lines name it). */
  name?: string;
  type: string;
  health: string;
  since: Date;
  /** The last probe result's own words (a MySQL replica's "replicating from …"). */
  lastReason: string | null;
  /** Why the verdict is what it is (the detector's reason: which vantages saw what). */
  reason: string | null;
  /** False for an enabled monitor no verdict was recorded for yet (its health is then `unknown`). */
  judged: boolean;
}

/**
 * Detection's port for other libraries that need a monitor's current health (runbooks: a MySQL member's replication
 * as last probed, a primary whose probes have begun to fail). They ask here instead of reading `monitor_states`.
 */
@Injectable()
export class MonitorHealth {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The live monitors of these hosts (optionally of one type) with their current health. An enabled monitor no
   * verdict was recorded for yet (just enabled, or its only vantages never reported) is `unknown`, not left out:
   * left out, a standby nobody has seen would look like one with nothing wrong.
   */
  async ofHosts(tenantId: string, hostIds: string[], type?: string): Promise<HostMonitorHealth[]> {
    if (!hostIds.length) return [];
    return this.dataSource.query(
      `SELECT m.host_id AS "hostId", m.id AS "monitorId", m.name, m.type::text AS type, coalesce(s.health::text, 'unknown') AS health,
              coalesce(s.since, m.updated_at) AS since, s.last_reason AS "lastReason",
              CASE WHEN s.monitor_id IS NULL THEN 'no verdict recorded yet: none of its vantages has reported on it' ELSE s.reason END AS reason, s.monitor_id IS NOT NULL AS judged
         FROM inventory_monitor_catalog m LEFT JOIN monitor_states s ON s.monitor_id = m.id
        WHERE m.tenant_id = $1 AND m.host_id = ANY($2::uuid[]) AND m.enabled AND m.deleted_at IS NULL AND ($3::text IS NULL OR m.type::text = $3)`,
      [tenantId, hostIds, type ?? null],
    );
  }

  /**
   * The voting vantages whose own verdict on the monitor is `down` — those that saw the outage — or, with `recovery`,
   * those that see it up or degraded (who confirmed the recovery); when none is, every voting vantage that has
   * reported on it. Alert messages name them (`seen_from`). A vantage that does not vote (impaired, revoked, no longer
   * assigned) is never named: a dead agent's last "down" is not who saw anything.
   */
  async seenFrom(monitorId: string, recovery = false): Promise<string[]> {
    const [row]: { detector: DetectorState | null }[] = await this.dataSource.query('SELECT detector FROM monitor_states WHERE monitor_id = $1', [monitorId]);
    if (!row?.detector) return [];
    const voting = Object.entries(row.detector.vantages ?? {}).filter(([name]) => vantageRole(name, row.detector!.rule).voting !== false);
    const seen = voting.filter(([, v]) => (recovery ? v.verdict === 'up' || v.verdict === 'degraded' : v.verdict === 'down'));
    return (seen.length ? seen : voting).map(([name]) => name).sort();
  }

  /**
   * Monitors of these hosts (any tenant) that have begun to fail without a confirmed verdict yet (`suspect`): the
   * first failed probe of an outage, seconds before the detector confirms it.
   */
  async suspectOn(hostIds: string[]): Promise<{ hostId: string; monitorId: string; since: Date }[]> {
    if (!hostIds.length) return [];
    return this.dataSource.query(
      `SELECT m.host_id AS "hostId", m.id AS "monitorId", s.since
         FROM inventory_monitor_catalog m JOIN monitor_states s ON s.monitor_id = m.id
        WHERE m.host_id = ANY($1::uuid[]) AND s.health = 'suspect' AND m.enabled AND m.deleted_at IS NULL`,
      [hostIds],
    );
  }
}

/** Live health and summarised response times: the read ports status pages, runbooks and alerts use. */
@Module({ providers: [MonitorHealth, MonitorLatency], exports: [MonitorHealth, MonitorLatency] })
export class MonitorHealthModule {}
