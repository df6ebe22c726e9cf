import { type DisplayState, STATE_ORDER, worstOf } from './states.js';

export interface FleetRow {
  monitorId: string;
  monitorName: string;
  type: string;
  enabled: boolean;
  hostId: string;
  hostName: string;
  siteId: string | null;
  siteName: string | null;
  serviceId: string | null;
  serviceName: string | null;
  health: 'up' | 'down' | 'degraded' | 'suspect' | 'unknown';
  flapping: boolean;
  maintenance: boolean;
  since: string | null;
  reason: string | null;
}

/** The Fleet page's query; the API tests and the fleet bench send these very words. */
export const FLEET_QUERY = `query Fleet { fleet { total at sites { id name } hosts { id name site } services { id name }
  monitors { id name type enabled host service health flapping maintenance sinceMs reason } } }`;

/** The `fleet` query's answer: names once, monitors column by column (see FleetMonitors in the API). */
export interface FleetColumns {
  sites: { id: string; name: string }[];
  hosts: { id: string; name: string; site: number | null }[];
  services: { id: string; name: string }[];
  monitors: {
    id: string[];
    name: string[];
    type: string[];
    enabled: boolean[];
    host: number[];
    service: (number | null)[];
    health: FleetRow['health'][];
    flapping: boolean[];
    maintenance: boolean[];
    sinceMs: (number | null)[];
    reason: (string | null)[];
  };
}

/** One row object per monitor, in the API's order (site → host → service → monitor). */
export function fromColumns(fleet: FleetColumns): FleetRow[] {
  const m = fleet.monitors;
  return m.id.map((monitorId, i) => {
    const host = fleet.hosts[m.host[i]!]!;
    const site = host.site === null ? undefined : fleet.sites[host.site];
    const service = m.service[i] === null ? undefined : fleet.services[m.service[i]!];
    return {
      monitorId,
      monitorName: m.name[i]!,
      type: m.type[i]!,
      enabled: m.enabled[i]!,
      hostId: host.id,
      hostName: host.name,
      siteId: site?.id ?? null,
      siteName: site?.name ?? null,
      serviceId: service?.id ?? null,
      serviceName: service?.name ?? null,
      health: m.health[i]!,
      flapping: m.flapping[i]!,
      maintenance: m.maintenance[i]!,
      since: m.sinceMs[i] == null ? null : new Date(m.sinceMs[i]!).toISOString(),
      reason: m.reason[i] ?? null,
    };
  });
}

export interface StateEvent {
  monitorId: string;
  to: FleetRow['health'];
  flapping: boolean;
  /** When the change was confirmed; `since`, when the new health began (what a reload shows; older APIs omit it). */
  at: string;
  since?: string | null;
  reason: string;
}

export function displayState(row: FleetRow): DisplayState {
  if (!row.enabled) return 'disabled';
  if (row.maintenance) return 'maintenance';
  // Down is down, flapping or not (flapping is then a qualifier beside it): an operator must never read "flapping"
  // for a host that is not answering.
  if (row.flapping && row.health !== 'down') return 'flapping';
  return row.health;
}

/** A confirmed change from the live feed applied to the fleet; rows are replaced, never mutated (React compares). */
export function applyEvent(rows: FleetRow[], index: Map<string, number>, event: StateEvent): FleetRow[] {
  const at = index.get(event.monitorId);
  if (at === undefined) return rows;
  const next = rows.slice();
  const row = rows[at]!;
  // A flapping-only event keeps the health, and so its since; otherwise when the new health began, as a reload shows.
  const since = event.to === row.health ? row.since : (event.since ?? event.at);
  next[at] = { ...row, health: event.to, flapping: event.flapping, since, reason: event.reason };
  return next;
}

export function indexRows(rows: FleetRow[]): Map<string, number> {
  return new Map(rows.map((row, i) => [row.monitorId, i]));
}

export interface FleetFilter {
  search: string;
  state: DisplayState | 'problems' | 'all';
  siteId: string | 'all';
  /** Monitors the server found for the search beyond names: a host tag or a customer served (`fleetSearch`). */
  matchedIds?: ReadonlySet<string>;
}

const PROBLEMS = new Set<DisplayState>(['down', 'suspect', 'degraded', 'flapping']);

/** Case-insensitive search over site, host, service and monitor names (or the server's tag and customer matches), and the state filter. */
export function matches(row: FleetRow, filter: FleetFilter): boolean {
  const state = displayState(row);
  if (filter.state === 'problems' ? !PROBLEMS.has(state) : filter.state !== 'all' && state !== filter.state) return false;
  if (filter.siteId !== 'all' && (row.siteId ?? 'none') !== filter.siteId) return false;
  const needle = filter.search.trim().toLowerCase();
  if (!needle) return true;
  return [row.siteName, row.hostName, row.serviceName, row.monitorName, row.type].some((s) => s?.toLowerCase().includes(needle)) || !!filter.matchedIds?.has(row.monitorId);
}

export type ListRow =
  | { kind: 'site'; key: string; name: string; state: DisplayState; count: number }
  | { kind: 'host'; key: string; hostId: string; name: string; state: DisplayState; count: number }
  | { kind: 'monitor'; key: string; row: FleetRow; state: DisplayState };

/**
 * The rows the virtual list draws: a heading per site and per host (with the worst state below it), then the
 * host's monitors. The input is ordered site → host → service → monitor by the API.
 */
export function flatten(rows: FleetRow[], filter: FleetFilter): ListRow[] {
  const out: ListRow[] = [];
  let site: Extract<ListRow, { kind: 'site' }> | undefined;
  let host: Extract<ListRow, { kind: 'host' }> | undefined;
  for (const row of rows) {
    if (!matches(row, filter)) continue;
    const state = displayState(row);
    const siteKey = row.siteId ?? 'none';
    if (!site || site.key !== `site:${siteKey}`) {
      site = { kind: 'site', key: `site:${siteKey}`, name: row.siteName ?? 'No site', state, count: 0 };
      out.push(site);
      host = undefined;
    }
    if (!host || host.hostId !== row.hostId) {
      host = { kind: 'host', key: `host:${row.hostId}`, hostId: row.hostId, name: row.hostName, state, count: 0 };
      out.push(host);
    }
    site.count++;
    host.count++;
    site.state = worstOf([site.state, state]);
    host.state = worstOf([host.state, state]);
    out.push({ kind: 'monitor', key: row.monitorId, row, state });
  }
  return out;
}

/** Monitors per display state, worst first, for the summary bar. */
export function countByState(rows: FleetRow[]): { state: DisplayState; count: number }[] {
  const counts = new Map<DisplayState, number>();
  for (const row of rows) counts.set(displayState(row), (counts.get(displayState(row)) ?? 0) + 1);
  return STATE_ORDER.map((state) => ({ state, count: counts.get(state) ?? 0 }));
}
