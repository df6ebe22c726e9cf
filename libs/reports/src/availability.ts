import { clip, intersect, type Interval, subtract, total, union } from './intervals.js';

/** How time is counted; stored with each SLA target and printed on each report. */
export interface AccountingPolicy {
  /** 2: unobserved time and repairs (v1 had neither; a v1 policy reads as v2 with the defaults below). */
  version: 2;
  /** Degraded time (slow, lagging) counts as downtime. Default no: reported separately. */
  degradedCountsAsDown: boolean;
  /** Unconfirmed failures (suspect, never confirmed down) count as downtime. Default no. */
  suspectCountsAsDown: boolean;
  /** Planned maintenance is excluded from both uptime and downtime. (The only mode so far.) */
  maintenance: 'exclude';
  /**
   * Time Vigia did not see (no watchdog alive, its database unreachable, a monitor not probed yet or without a fresh
   * verdict): left out of the accountable time (default), or counted as up or as down.
   */
  unobserved: 'exclude' | 'up' | 'down';
  /** A customer with several services: down while any is down, or the services' availability averaged by weight. */
  customerCombination: 'any-down' | 'weighted';
}

export const POLICY_VERSION = 2;

export const DEFAULT_POLICY: AccountingPolicy = {
  version: 2,
  degradedCountsAsDown: false,
  suspectCountsAsDown: false,
  maintenance: 'exclude',
  unobserved: 'exclude',
  customerCombination: 'any-down',
};

/** A stored policy of any version with today's defaults for what it does not say. */
export function currentPolicy(stored: Partial<Omit<AccountingPolicy, 'version'>> & { version?: number } = {}): AccountingPolicy {
  return { ...DEFAULT_POLICY, ...stored, version: 2 };
}

/** An outage from first failure to recovery; `end` null while open. */
export interface Outage {
  start: number;
  end: number | null;
  /** The end is a cut (the subject stopped counting: link ended, subject deleted), not a repair. */
  cut?: boolean;
  /**
   * Pieces of one outage (a part's outage cut by its own maintenance when parts are combined) share an origin: the
   * outage is one failure however many pieces count.
   */
  origin?: string;
}

export interface SubjectHistory {
  /** When the subject (monitor, service…) started to exist; before that it is not observed. */
  createdAt: number;
  deletedAt?: number | null;
  /** The only times the subject counts (a service while it served the customer); default: its whole life. */
  scope?: Interval[];
  /** Confirmed outages, from first failure to first success of the recovery; `end` null while still open. */
  outages: Outage[];
  degraded?: { start: number; end: number | null }[];
  /** Failures seen but never confirmed (suspect phases that ended in recovery). */
  suspect?: { start: number; end: number | null }[];
  /** Time without a fresh verdict about this subject. */
  unobserved?: { start: number; end: number | null }[];
  maintenance: Interval[];
}

export interface OngoingOutage {
  /** When the outage began (possibly before the period). */
  since: number;
  /** Its length up to the end of the period (or now). */
  soFarMs: number;
}

export interface AvailabilityFigures {
  /** Time the subject counted in the period up to now: observed + unobserved. */
  periodMs: number;
  /** Time Vigia had a fresh verdict about the subject. */
  observedMs: number;
  unobservedMs: number;
  plannedMs: number;
  downtimeMs: number;
  degradedMs: number;
  uptimeMs: number;
  /** The base availability is computed over: period − planned − (unobserved unless the policy counts it). */
  accountableMs: number;
  /** uptime / accountable; null when nothing was accountable. */
  availability: number | null;
  /** Outages with any accountable part in the period. */
  failures: number;
  /** Failures whose recovery happened inside the period. */
  repairs: number;
  /** In-period downtime of the repaired outages: what MTTR averages. */
  repairedDowntimeMs: number;
  openOutages: number;
  /** The outage unrepaired at the period's end (or now), if any. */
  ongoing: OngoingOutage | null;
  /** uptime / failures; null without failures. */
  mtbfMs: number | null;
  /** repaired downtime / repairs; null without repairs (an outage still open has not been repaired). */
  mttrMs: number | null;
}

function closeOpen(items: { start: number; end: number | null }[] | undefined, until: number): Interval[] {
  return (items ?? []).map((i) => ({ start: i.start, end: i.end ?? until }));
}

/**
 * Time-weighted availability of one subject over [from, to), never a count of probe samples. The subject counts from
 * the later of `from` and creation to the earliest of `to`, deletion and `now`, within its scope. Time splits into,
 * by precedence: planned (maintenance), unobserved, down, degraded, up. Overlapping outages count once.
 */
export function availability(history: SubjectHistory, from: number, to: number, now: number, policy: AccountingPolicy = DEFAULT_POLICY): AvailabilityFigures {
  const window: Interval = { start: Math.max(from, history.createdAt), end: Math.min(to, history.deletedAt ?? Infinity, now) };
  const scope = clip(union(history.scope ?? [{ start: history.createdAt, end: Infinity }]), window);
  const periodMs = total(scope);
  const planned = intersect(history.maintenance, scope);
  const blind = subtract(intersect(closeOpen(history.unobserved, now), scope), planned);
  // With suspectCountsAsDown an unconfirmed failure is an outage like any other (a failure, and a repair when over).
  const confirmed = mergeOutages(policy.suspectCountsAsDown ? [...history.outages, ...(history.suspect ?? [])] : history.outages, now);
  const outageSpans = intersect(confirmed, scope);
  const seenDown = subtract(outageSpans, [...planned, ...blind]);
  const degraded = subtract(intersect(closeOpen(history.degraded, now), scope), [...planned, ...blind, ...outageSpans]);
  const down = union([...seenDown, ...(policy.degradedCountsAsDown ? degraded : []), ...(policy.unobserved === 'down' ? blind : [])]);
  const plannedMs = total(planned);
  const unobservedMs = total(blind);
  const downtimeMs = total(down);
  const degradedMs = policy.degradedCountsAsDown ? 0 : total(degraded);
  const accountableMs = periodMs - plannedMs - (policy.unobserved === 'exclude' ? unobservedMs : 0);
  const uptimeMs = accountableMs - downtimeMs;
  // An outage counts once even when a maintenance window cuts it in two; one entirely inside maintenance (or
  // entirely unseen) not at all.
  const excluded = union([...planned, ...blind]);
  const counted = confirmed.map((o) => ({ o, part: excludeFrom(intersect([o], scope), excluded) })).filter((c) => total(c.part) > 0);
  const repaired = counted.filter((c) => c.o.repaired && c.o.end <= window.end);
  // MTTR counts the whole of a repaired outage, also its pieces before a part's maintenance cut it.
  const repairedOrigins = new Set(repaired.flatMap((c) => c.o.origins));
  const repairedDowntimeMs = counted
    .filter((c) => repaired.includes(c) || (c.o.cut && c.o.origins.length > 0 && c.o.origins.every((x) => repairedOrigins.has(x))))
    .reduce((n, c) => n + total(c.part), 0);
  // Still going at the window's end. An outage that ended without a repair before it (its monitor deleted or paused,
  // its customer link ended) is neither repaired nor open: it is not "ongoing", and MTTR leaves it out.
  const open = counted.filter((c) => c.o.end > window.end || (!c.o.repaired && !c.o.cut));
  const last = open.at(-1);
  const failures = failuresOf(counted);
  return {
    periodMs,
    observedMs: periodMs - unobservedMs,
    unobservedMs,
    plannedMs,
    downtimeMs,
    degradedMs,
    uptimeMs,
    accountableMs,
    availability: accountableMs > 0 ? uptimeMs / accountableMs : null,
    failures,
    repairs: repaired.length,
    repairedDowntimeMs,
    openOutages: open.length,
    ongoing: last ? { since: last.o.start, soFarMs: Math.min(last.o.end, window.end) - last.o.start } : null,
    mtbfMs: failures ? uptimeMs / failures : null,
    mttrMs: repaired.length ? repairedDowntimeMs / repaired.length : null,
  };
}

/** `a` minus `excluded`, skipping the work when nothing is excluded (most months of most subjects). */
function excludeFrom(a: Interval[], excluded: Interval[]): Interval[] {
  return excluded.length ? subtract(a, excluded) : a;
}

/**
 * Overlapping outages as one (a customer down through two services' overlapping outages failed once). A merged outage
 * is repaired when the part that ends last ended by recovery — not open, not cut.
 */
function mergeOutages(outages: Outage[], now: number): MergedOutage[] {
  const sorted = outages
    .map((o) => ({ start: o.start, end: o.end ?? now, repaired: o.end !== null && !o.cut, cut: o.end !== null && o.cut === true, origins: o.origin === undefined ? [] : [o.origin] }))
    .filter((o) => o.end > o.start)
    .sort((a, b) => a.start - b.start);
  const out: MergedOutage[] = [];
  for (const o of sorted) {
    const last = out.at(-1);
    if (last && o.start <= last.end) {
      if (o.end > last.end || (o.end === last.end && !o.repaired)) {
        last.repaired = o.repaired;
        last.cut = o.cut;
      }
      last.end = Math.max(last.end, o.end);
      last.origins.push(...o.origins);
    } else out.push({ ...o, origins: [...o.origins] });
  }
  return out;
}

interface MergedOutage {
  start: number;
  end: number;
  repaired: boolean;
  cut: boolean;
  /** The outages it is made of, where they were cut in pieces (empty: an outage of its own). */
  origins: string[];
}

/** Failures among the outages that count: pieces of one outage (cut by a part's maintenance) are one failure. */
function failuresOf(counted: { o: MergedOutage }[]): number {
  const seen = new Set<string>();
  let failures = 0;
  for (const { o } of counted) {
    if (!o.origins.length || o.origins.some((x) => !seen.has(x))) failures++;
    for (const x of o.origins) seen.add(x);
  }
  return failures;
}

/** A subject's life as intervals: creation to deletion, within its scope. */
function lifeOf(h: SubjectHistory): Interval[] {
  const life = { start: h.createdAt, end: h.deletedAt ?? Infinity };
  return clip(union(h.scope ?? [life]), life);
}

/**
 * Outages of a history restricted to where it counts; a piece cut by the end of its scope is not a repair, nor one cut
 * by the part's own maintenance (the piece after it, with the same origin, carries the outage on).
 */
function outagesWithin(h: SubjectHistory, life: Interval[]): Outage[] {
  const out: Outage[] = [];
  for (const o of h.outages) {
    for (const s of life) {
      const start = Math.max(o.start, s.start);
      const end = o.end === null ? (s.end === Infinity ? null : s.end) : Math.min(o.end, s.end);
      if (end !== null && end <= start) continue;
      out.push({ start, end, cut: o.cut || (end !== null && (o.end === null || o.end > s.end)), ...(o.origin !== undefined ? { origin: o.origin } : {}) });
    }
  }
  return out;
}

function within(items: { start: number; end: number | null }[] | undefined, life: Interval[]): { start: number; end: number | null }[] {
  return (items ?? []).flatMap((i) => life.map((s) => ({ start: Math.max(i.start, s.start), end: i.end === null ? (s.end === Infinity ? null : s.end) : Math.min(i.end, s.end) })).filter((x) => x.end === null || x.end > x.start));
}

/**
 * A customer (or service) is down while any of its parts is down, over the union of the times they count. It is
 * planned only where every part counting at that time is planned, and unobserved where any counting part is.
 */
export function combineAnyDown(histories: SubjectHistory[]): SubjectHistory {
  const lives = histories.map(lifeOf);
  const scope = union(lives.flat());
  // Where each part counts and is not in its own maintenance: a part's planned time is planned for it (precedence:
  // planned, unobserved, down), so its outage then is no downtime of the whole — the mail service restarted in its
  // window left a customer whose web site stayed up "down" (the customer's report counted it; the status page did not).
  const active = histories.map((h, i) => subtract(lives[i]!, h.maintenance));
  const notPlanned = union(active.flat());
  return {
    createdAt: Math.min(...histories.map((h) => h.createdAt)),
    deletedAt: histories.every((h) => h.deletedAt != null) ? Math.max(...histories.map((h) => h.deletedAt!)) : null,
    scope,
    outages: histories.flatMap((h, i) => outagesWithin({ ...h, outages: h.outages.map((o, k) => ({ ...o, origin: `${i}.${o.origin ?? k}` })) }, active[i]!)),
    degraded: histories.flatMap((h, i) => within(h.degraded, active[i]!)),
    suspect: histories.flatMap((h, i) => within(h.suspect, active[i]!)),
    unobserved: histories.flatMap((h, i) => within(h.unobserved, active[i]!)),
    maintenance: subtract(scope, notPlanned),
  };
}

/**
 * Parts added up. `sum` (the tenant: its services' time added up) adds every figure. `weighted` (a customer's
 * weight-averaged view) averages the time figures by weight over the parts that counted — availability is then
 * Σ w·uptime / Σ w·accountable — while counts and MTBF/MTTR stay real, unweighted times.
 */
export function combineFigures(parts: { figures: AvailabilityFigures; weight: number }[], mode: 'sum' | 'weighted'): AvailabilityFigures {
  const counting = parts.filter((p) => p.figures.periodMs > 0);
  const weightSum = counting.reduce((n, p) => n + p.weight, 0);
  const time = (k: TimeKey): number =>
    mode === 'sum' ? parts.reduce((n, p) => n + p.figures[k], 0) : weightSum > 0 ? counting.reduce((n, p) => n + p.weight * p.figures[k], 0) / weightSum : 0;
  const count = (k: 'failures' | 'repairs' | 'openOutages'): number => parts.reduce((n, p) => n + p.figures[k], 0);
  const raw = (k: TimeKey): number => parts.reduce((n, p) => n + p.figures[k], 0);
  const failures = count('failures');
  const repairs = count('repairs');
  const accountableMs = time('accountableMs');
  const uptimeMs = time('uptimeMs');
  const ongoing = parts.map((p) => p.figures.ongoing).filter((o): o is OngoingOutage => o !== null).sort((a, b) => a.since - b.since)[0] ?? null;
  return {
    periodMs: time('periodMs'),
    observedMs: time('observedMs'),
    unobservedMs: time('unobservedMs'),
    plannedMs: time('plannedMs'),
    downtimeMs: time('downtimeMs'),
    degradedMs: time('degradedMs'),
    uptimeMs,
    accountableMs,
    availability: accountableMs > 0 ? uptimeMs / accountableMs : null,
    failures,
    repairs,
    repairedDowntimeMs: raw('repairedDowntimeMs'),
    openOutages: count('openOutages'),
    ongoing,
    mtbfMs: failures ? raw('uptimeMs') / failures : null,
    mttrMs: repairs ? raw('repairedDowntimeMs') / repairs : null,
  };
}

type TimeKey = 'periodMs' | 'observedMs' | 'unobservedMs' | 'plannedMs' | 'downtimeMs' | 'degradedMs' | 'uptimeMs' | 'accountableMs' | 'repairedDowntimeMs';

export interface CrossCheck {
  /** MTBF / (MTBF + MTTR). */
  availability: number;
  /** Why it differs from the time-based availability. */
  reason: string;
}

/**
 * The classic A = MTBF / (MTBF + MTTR), shown beside the time-based figure only where the two differ, with the reason.
 * They agree when every outage in the period was repaired in it and all downtime came from outages.
 */
export function crossCheck(f: AvailabilityFigures, policy: AccountingPolicy, weighted: boolean): CrossCheck | null {
  if (f.mtbfMs === null || f.mttrMs === null || f.availability === null) return null;
  const a = f.mtbfMs / (f.mtbfMs + f.mttrMs);
  if (Math.abs(a - f.availability) < 1e-9) return null;
  const reasons: string[] = [];
  if (f.openOutages) reasons.push(`${f.openOutages} outage${f.openOutages === 1 ? ' was' : 's were'} not repaired by the end of the period, so MTTR leaves ${f.openOutages === 1 ? 'it' : 'them'} out`);
  const closed = f.failures - f.repairs - f.openOutages;
  if (closed > 0) reasons.push(`${closed} outage${closed === 1 ? '' : 's'} ended without a repair (monitor deleted or paused, or customer link ended), so MTTR leaves ${closed === 1 ? 'it' : 'them'} out`);
  if (weighted) reasons.push('the weighted view averages availability by weight while MTBF and MTTR are real times');
  if (policy.degradedCountsAsDown && f.degradedMs === 0) reasons.push('degraded time is counted as downtime but is no outage');
  if (policy.unobserved === 'down' && f.unobservedMs > 0) reasons.push('unobserved time is counted as downtime but is no outage');
  if (!reasons.length) reasons.push('outages overlap across parts counted separately');
  return { availability: a, reason: reasons.join('; ') };
}
