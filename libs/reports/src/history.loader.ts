import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ObservationLog } from '#lib/detection';
import type { SubjectHistory } from './availability.js';
import type { Interval } from './intervals.js';

/** A monitor as reports see it: deleted ones included, since they count in the periods they existed. */
export interface MonitorRow {
  id: string;
  host_id: string;
  service_id: string | null;
  created_at: Date;
  /** When it was deleted (directly, or with its service or host); null while it exists. Observed time ends there. */
  deleted_at: Date | null;
}

/** One period during which a service served a customer (`service_customers`); a pair may have several, never overlapping. */
export interface CustomerLinkRow {
  customer_id: string;
  service_id: string;
  /** Start, ms since the epoch (numbers, not Dates: 25,000 links of a tenant are read for a month's mailing). */
  startsMs: number;
  /** Exclusive end; null while the service still serves the customer. */
  endsMs: number | null;
  /** Above 0; the service's weight in the customer's weighted availability. */
  weight: number;
}

const LINK_COLUMNS = `sc.customer_id, sc.service_id, round(extract(epoch FROM sc.starts_at) * 1000)::float8 AS "startsMs",
  round(extract(epoch FROM sc.ends_at) * 1000)::float8 AS "endsMs", sc.weight::float8 AS weight`;

/** Reads what reports are derived from — incidents, health changes, maintenance — for a set of monitors and a period. */
@Injectable()
export class HistoryLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly observation: ObservationLog,
  ) {}

  /** Deleted monitors included (with `deleted_at`): raw SQL, so TypeORM's soft-delete filter does not apply here. */
  async monitorsOf(tenantId: string, where: string, params: unknown[]): Promise<MonitorRow[]> {
    return this.dataSource.query(
      `SELECT m.id, m.host_id, m.service_id, m.created_at, m.deleted_at FROM monitors m WHERE m.tenant_id = $1 AND ${where}`,
      [tenantId, ...params],
    );
  }

  /** The link periods of one customer (a one-customer report must not read the whole tenant's links). */
  async customerLinksOf(tenantId: string, customerId: string): Promise<CustomerLinkRow[]> {
    return this.dataSource.query(`SELECT ${LINK_COLUMNS} FROM service_customers sc WHERE sc.tenant_id = $1 AND sc.customer_id = $2`, [tenantId, customerId]);
  }

  /** Every link period of the tenant, ended ones and those of deleted customers or services included. */
  async customerLinks(tenantId: string): Promise<CustomerLinkRow[]> {
    return this.dataSource.query(`SELECT ${LINK_COLUMNS} FROM service_customers sc WHERE sc.tenant_id = $1`, [tenantId]);
  }

  async histories(tenantId: string, monitors: MonitorRow[], period: Interval, now: number): Promise<Map<string, SubjectHistory>> {
    const ids = monitors.map((m) => m.id);
    const [incidents, changes, windows, blind] = await Promise.all([
      this.dataSource.query(
        `SELECT monitor_id, opened_at, resolved_at FROM incidents
          WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND opened_at < $4 AND (resolved_at IS NULL OR resolved_at > $3)`,
        [tenantId, ids, new Date(period.start), new Date(period.end)],
      ) as Promise<{ monitor_id: string; opened_at: Date; resolved_at: Date | null }[]>,
      // The last change before the period tells the health at its start (one index probe per monitor, however long
      // the history); then every change inside it.
      this.dataSource.query(
        `SELECT c.monitor_id, c.effective_at, c.to_health FROM unnest($2::uuid[]) AS m(id)
           CROSS JOIN LATERAL (SELECT monitor_id, effective_at, to_health FROM monitor_state_changes
                                WHERE monitor_id = m.id AND tenant_id = $1 AND effective_at < $3
                                ORDER BY effective_at DESC LIMIT 1) c
         UNION ALL
         SELECT monitor_id, effective_at, to_health FROM monitor_state_changes
          WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND effective_at >= $3 AND effective_at < $4
         ORDER BY 2`,
        [tenantId, ids, new Date(period.start), new Date(period.end)],
      ) as Promise<{ monitor_id: string; effective_at: Date; to_health: string }[]>,
      this.dataSource.query(
        `SELECT starts_at, ends_at, host_ids, service_ids, monitor_ids FROM maintenance_windows
          WHERE tenant_id = $1 AND starts_at < $3 AND ends_at > $2`,
        [tenantId, new Date(period.start), new Date(period.end)],
      ) as Promise<{ starts_at: Date; ends_at: Date; host_ids: string[]; service_ids: string[]; monitor_ids: string[] }[]>,
      this.observation.gaps(period.start, period.end, now),
    ]);
    // Grouped once: filtering the whole list per monitor is quadratic (20,000 monitors × 20,000 incidents).
    const incidentsOf = groupBy(incidents, (i) => i.monitor_id);
    const changesOf = groupBy(changes, (c) => c.monitor_id);
    const out = new Map<string, SubjectHistory>();
    for (const m of monitors) {
      out.set(m.id, {
        createdAt: m.created_at.getTime(),
        deletedAt: m.deleted_at?.getTime() ?? null,
        // An outage that ended when its monitor was deleted was closed, not repaired.
        outages: (incidentsOf.get(m.id) ?? []).map((i) => ({
          start: i.opened_at.getTime(),
          end: i.resolved_at?.getTime() ?? null,
          cut: m.deleted_at !== null && i.resolved_at !== null && i.resolved_at.getTime() >= m.deleted_at.getTime(),
        })),
        degraded: intervalsIn(changesOf.get(m.id) ?? [], 'degraded'),
        suspect: suspectWithoutOutage(changesOf.get(m.id) ?? []),
        // Nobody watching (a gap in the watchdogs' heartbeats), or this monitor without a verdict (not probed yet, or
        // no fresh result from any vantage).
        unobserved: [...blind, ...unknownPhases(m.created_at.getTime(), period.start, changesOf.get(m.id) ?? [])],
        maintenance: windows
          .filter((w) => w.monitor_ids.includes(m.id) || w.host_ids.includes(m.host_id) || (m.service_id !== null && w.service_ids.includes(m.service_id)))
          .map((w) => ({ start: w.starts_at.getTime(), end: w.ends_at.getTime() })),
      });
    }
    return out;
  }
}

/** Items grouped by key, in one pass (filtering the whole list per key is quadratic: 20,000 monitors × 20,000 rows). */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

type Change = { effective_at: Date; to_health: string };

/** Intervals spent in `health`, from the changes into and out of it (suspect steps do not end a degraded phase). */
function intervalsIn(changes: Change[], health: string): { start: number; end: number | null }[] {
  const out: { start: number; end: number | null }[] = [];
  for (const c of changes) {
    const open = out.at(-1);
    if (c.to_health === health && (!open || open.end !== null)) out.push({ start: c.effective_at.getTime(), end: null });
    else if (c.to_health !== health && c.to_health !== 'suspect' && open && open.end === null) open.end = c.effective_at.getTime();
  }
  return out;
}

/** Suspect phases that did not become outages (those that did are already counted from their first failure). */
function suspectWithoutOutage(changes: Change[]): { start: number; end: number | null }[] {
  const out: { start: number; end: number | null }[] = [];
  let phase: { start: number } | undefined;
  for (const c of changes) {
    if (c.to_health === 'suspect') phase ??= { start: c.effective_at.getTime() };
    else if (phase && c.to_health === 'down') phase = undefined;
    else if (phase) {
      out.push({ start: phase.start, end: c.effective_at.getTime() });
      phase = undefined;
    }
  }
  if (phase) out.push({ start: phase.start, end: null });
  return out;
}

/**
 * Phases in health `unknown`. Before its first change a monitor has no verdict: without a change before the period it
 * is unknown from its creation until the first change in it (or throughout, if it has none: never probed).
 */
function unknownPhases(createdAt: number, periodStart: number, changes: Change[]): { start: number; end: number | null }[] {
  const out: { start: number; end: number | null }[] = [];
  const before = changes[0] && changes[0].effective_at.getTime() < periodStart ? changes[0] : undefined;
  let open: { start: number; end: number | null } | undefined = before ? undefined : { start: createdAt, end: null };
  if (open) out.push(open);
  for (const c of changes) {
    if (c.to_health === 'unknown' && !open) out.push((open = { start: c.effective_at.getTime(), end: null }));
    else if (c.to_health !== 'unknown' && open) {
      open.end = c.effective_at.getTime();
      open = undefined;
    }
  }
  return out;
}
