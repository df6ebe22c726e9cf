import { Injectable } from '@nestjs/common';
import { ObservationLog, StateHistory, windowCovers } from '#lib/detection';
import { IncidentHistory } from '#lib/incidents';
import { type CustomerLinkRow, InventoryHistory, type MonitorRow } from '#lib/inventory';
import type { SubjectHistory } from './availability.js';
import type { Interval } from './intervals.js';

export type { CustomerLinkRow, MonitorRow };

/**
 * Reads what reports are derived from — monitors and link periods (inventory), incidents (incidents), health changes
 * and maintenance (detection) — for a set of monitors and a period, each through its owner's read port: reports
 * never query another library's tables.
 */
@Injectable()
export class HistoryLoader {
  constructor(
    private readonly inventory: InventoryHistory,
    private readonly incidents: IncidentHistory,
    private readonly states: StateHistory,
    private readonly observation: ObservationLog,
  ) {}

  /** Deleted monitors included (with `deleted_at`). `where`: a condition on `m`, parameters from $2 ($1 is the tenant). */
  monitorsOf(tenantId: string, where: string, params: unknown[]): Promise<MonitorRow[]> {
    return this.inventory.monitorsOf(tenantId, where, params);
  }

  /** The link periods of one customer (a one-customer report must not read the whole tenant's links). */
  customerLinksOf(tenantId: string, customerId: string): Promise<CustomerLinkRow[]> {
    return this.inventory.customerLinksOf(tenantId, customerId);
  }

  /** Every link period of the tenant, ended ones and those of deleted customers or services included. */
  customerLinks(tenantId: string): Promise<CustomerLinkRow[]> {
    return this.inventory.customerLinks(tenantId);
  }

  async histories(tenantId: string, monitors: MonitorRow[], period: Interval, now: number): Promise<Map<string, SubjectHistory>> {
    const ids = monitors.map((m) => m.id);
    const [start, end] = [new Date(period.start), new Date(period.end)];
    const [incidents, changes, windows, blind] = await Promise.all([
      this.incidents.outagesOverlapping(tenantId, ids, start, end),
      this.states.changes(tenantId, ids, start, end),
      this.states.maintenance(tenantId, start, end),
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
        // An outage that ended when its monitor was deleted or paused was closed, not repaired.
        outages: (incidentsOf.get(m.id) ?? []).map((i) => ({
          start: i.opened_at.getTime(),
          end: i.resolved_at?.getTime() ?? null,
          cut: i.paused || (m.deleted_at !== null && i.resolved_at !== null && i.resolved_at.getTime() >= m.deleted_at.getTime()),
        })),
        degraded: intervalsIn(changesOf.get(m.id) ?? [], 'degraded'),
        suspect: suspectWithoutOutage(changesOf.get(m.id) ?? []),
        // Nobody watching (a gap in the watchdogs' heartbeats), or this monitor without a verdict (not probed yet, or
        // no fresh result from any vantage).
        unobserved: [...blind, ...unknownPhases(m.created_at.getTime(), period.start, changesOf.get(m.id) ?? [])],
        maintenance: windows
          .filter((w) => windowCovers(w, m))
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
