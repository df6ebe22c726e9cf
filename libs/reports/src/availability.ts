import { clip, type Interval, subtract, total, union } from './intervals.js';

/** How time is counted; stored with each SLA target and printed on each report. */
export interface AccountingPolicy {
  version: 1;
  /** Degraded time (slow, lagging) counts as downtime. Default no: reported separately. */
  degradedCountsAsDown: boolean;
  /** Unconfirmed failures (suspect, never confirmed down) count as downtime. Default no. */
  suspectCountsAsDown: boolean;
  /** Planned maintenance is excluded from both uptime and downtime. (The only mode so far.) */
  maintenance: 'exclude';
  /** A customer with several services: down while any is down, or the services' time added up (weighted). */
  customerCombination: 'any-down' | 'weighted';
}

export const DEFAULT_POLICY: AccountingPolicy = {
  version: 1,
  degradedCountsAsDown: false,
  suspectCountsAsDown: false,
  maintenance: 'exclude',
  customerCombination: 'any-down',
};

export interface SubjectHistory {
  /** When the subject (monitor, service…) started to exist; before that it is not observed. */
  createdAt: number;
  deletedAt?: number | null;
  /** Confirmed outages, from first failure to first success of the recovery; `end` null while still open. */
  outages: { start: number; end: number | null }[];
  degraded?: { start: number; end: number | null }[];
  /** Failures seen but never confirmed (suspect phases that ended in recovery). */
  suspect?: { start: number; end: number | null }[];
  maintenance: Interval[];
}

export interface AvailabilityFigures {
  observedMs: number;
  plannedMs: number;
  downtimeMs: number;
  degradedMs: number;
  uptimeMs: number;
  /** uptime / (observed − planned); null when nothing was accountable. */
  availability: number | null;
  /** Outages with any part in the period (each is one failure and, once over or at the period's end, one repair). */
  failures: number;
  openOutages: number;
  /** uptime / failures; null without failures. */
  mtbfMs: number | null;
  /** downtime / failures: in-period part of each outage; an outage still open counts its time so far. */
  mttrMs: number | null;
}

function closeOpen(items: { start: number; end: number | null }[] | undefined, until: number): Interval[] {
  return (items ?? []).map((i) => ({ start: i.start, end: i.end ?? until }));
}

/**
 * Time-weighted availability of one subject over [from, to), never a count of probe samples. Observed time runs from
 * the later of `from` and creation to the earliest of `to`, deletion and `now`. Overlapping outages count once.
 */
export function availability(history: SubjectHistory, from: number, to: number, now: number, policy: AccountingPolicy = DEFAULT_POLICY): AvailabilityFigures {
  const window: Interval = { start: Math.max(from, history.createdAt), end: Math.min(to, history.deletedAt ?? Infinity, now) };
  const observedMs = Math.max(0, window.end - window.start);
  const planned = union(clip(history.maintenance, window));
  const confirmed = closeOpen(history.outages, now);
  const outages = union(clip(policy.suspectCountsAsDown ? [...confirmed, ...closeOpen(history.suspect, now)] : confirmed, window));
  const degraded = subtract(clip(closeOpen(history.degraded, now), window), [...planned, ...outages]);
  const down = subtract(policy.degradedCountsAsDown ? [...outages, ...degraded] : outages, planned);
  const plannedMs = total(planned);
  const downtimeMs = total(down);
  const degradedMs = policy.degradedCountsAsDown ? 0 : total(subtract(degraded, planned));
  const accountable = observedMs - plannedMs;
  const uptimeMs = accountable - downtimeMs;
  // An outage counts once even when a maintenance window cuts it in two; one entirely inside maintenance not at all.
  const failures = outages.filter((o) => total(subtract([o], planned)) > 0).length;
  const openOutages = history.outages.filter((o) => o.end === null && o.start < window.end).length;
  return {
    observedMs,
    plannedMs,
    downtimeMs,
    degradedMs,
    uptimeMs,
    availability: accountable > 0 ? uptimeMs / accountable : null,
    failures,
    openOutages,
    mtbfMs: failures ? uptimeMs / failures : null,
    mttrMs: failures ? downtimeMs / failures : null,
  };
}

/** A customer is down while any of its services is down (the default combination), over their joint observed time. */
export function combineAnyDown(histories: SubjectHistory[]): SubjectHistory {
  return {
    createdAt: Math.min(...histories.map((h) => h.createdAt)),
    deletedAt: histories.every((h) => h.deletedAt != null) ? Math.max(...histories.map((h) => h.deletedAt!)) : null,
    outages: histories.flatMap((h) => h.outages),
    degraded: histories.flatMap((h) => h.degraded ?? []),
    suspect: histories.flatMap((h) => h.suspect ?? []),
    maintenance: intersectAll(histories.map((h) => union(h.maintenance))),
  };
}

/** Planned for a customer only when planned for every one of its services: otherwise some of it was promised. */
function intersectAll(sets: Interval[][]): Interval[] {
  if (!sets.length) return [];
  return sets.reduce((acc, set) => subtract(acc, subtract(acc, set)));
}
