/**
 * When a vantage is *impaired* — its own problem, not its targets' — and why. Pure functions over what the vantages
 * table and the detectors' states say; the evaluator (`VantageHealthEvaluator`) feeds them every pass.
 */

/**
 * heartbeat: late; clock: off; network: most of everything it probes fails at once while others see it up; absent:
 * never connected; silent: a central watchdog process of this vantage stopped reporting (crashed, frozen) without
 * stopping cleanly — its monitors are taken over by the live replicas, so it pages but does not stop the tier voting.
 */
export type ImpairmentKind = 'heartbeat' | 'clock' | 'network' | 'absent' | 'silent';

/** Kinds that take a vantage's vote away (a silent replica's monitors are already voted on by the replica that took them). */
export const stopsVoting = (kinds: readonly string[]): boolean => kinds.some((k) => k !== 'silent');

export interface ImpairmentBounds {
  /** An agent whose last heartbeat (every 2 s) is older than this is impaired: 2.5 beats, so re-assignment fits in 10 s. */
  heartbeatLateMs: number;
  /** Its clock minus the API's (measured at each heartbeat, one-way latency included) beyond ± this. */
  clockSkewMs: number;
  /**
   * After the judge could not hear (its process starting, its database back): how long an agent has, beyond the
   * heartbeat bound, to reconnect before a beat missed meanwhile counts against it — its longest retry (10 s) and a beat.
   */
  reconnectMs: number;
  /** The network rule needs at least this many distinct targets with a fresh result from the vantage… */
  minTargets: number;
  /** …of which at least this share fail from it… */
  failingShare: number;
  /** …and at least this many of the failing ones seen up (or degraded) from another vantage, more than half of those cross-checked. */
  minContradicted: number;
  /** Once impaired by its network, it stays so until fewer than this share of its targets fail (no flapping at the edge). */
  clearShare: number;
}

export const IMPAIRMENT_BOUNDS: ImpairmentBounds = {
  heartbeatLateMs: 5_000,
  clockSkewMs: 2_000,
  reconnectMs: 12_000,
  minTargets: 3,
  failingShare: 0.8,
  minContradicted: 2,
  clearShare: 0.5,
};

/** One target (monitor) the vantage has a fresh result for: failing from it or not, and what the other vantages see. */
export interface TargetEvidence {
  failing: boolean;
  /** Other vantages with a fresh result for the same monitor. */
  othersFresh: number;
  /** Of those, how many see it up or degraded. */
  othersUp: number;
}

export interface VantageEvidence {
  /** A central watchdog: its liveness is the watchdog tier's (takeover by rendezvous), so no heartbeat rule here. */
  central: boolean;
  lastHeartbeatAt: number | null;
  clockOffsetMs: number | null;
  targets: NetworkTally;
  /**
   * A platform vantage's evidence tenant by tenant (each tenant's own tally; `targets` is their sum). Absent for a
   * private vantage: its one tenant's evidence is all there is, and a tenant may judge its own vantage as it likes.
   */
  tenants?: readonly NetworkTally[];
  /** Why it was impaired at the last pass (the network rule has hysteresis). */
  previously: readonly ImpairmentKind[];
  /**
   * Since when the judge has been able to hear heartbeats (its process started, or its database came back); absent:
   * long enough. A beat that could not be recorded while Vigia itself was down is not the agent's fault.
   */
  heardSince?: number;
  /** Central only: its watchdog processes that stopped reporting without stopping (none, or how many and their last beat). */
  silent?: { processes: number; lastBeatAt: number } | null;
}

export interface Judgement {
  kinds: ImpairmentKind[];
  /** Null when healthy; else every reason, for `vantages.impairedReason`, verdicts and the vantage incident. */
  reason: string | null;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const percent = (share: number): string => `${Math.round(share * 100)} %`;

export function judgeVantage(e: VantageEvidence, now: number, bounds: ImpairmentBounds = IMPAIRMENT_BOUNDS): Judgement {
  const kinds: ImpairmentKind[] = [];
  const reasons: string[] = [];
  if (!e.central && e.lastHeartbeatAt === null) {
    kinds.push('absent');
    reasons.push('no heartbeat yet (its agent has never connected)');
  } else if (!e.central && e.lastHeartbeatAt !== null && now - e.lastHeartbeatAt > bounds.heartbeatLateMs && lateForIt(e, now, bounds)) {
    kinds.push('heartbeat');
    // An instant, not an age: the reason is kept as written and read minutes later ("5.5 s ago" would stay 5.5 s).
    reasons.push(`heartbeat late: none since ${new Date(e.lastHeartbeatAt).toISOString()} (bound ${seconds(bounds.heartbeatLateMs)})`);
  }
  // A clock measured at a heartbeat long gone says nothing about now; the heartbeat rule speaks then.
  const beating = e.central || (e.lastHeartbeatAt !== null && now - e.lastHeartbeatAt <= bounds.heartbeatLateMs);
  if (beating && e.clockOffsetMs !== null && Math.abs(e.clockOffsetMs) > bounds.clockSkewMs) {
    kinds.push('clock');
    reasons.push(`clock off by ${e.clockOffsetMs > 0 ? '+' : '-'}${seconds(Math.abs(e.clockOffsetMs))} from the API's (bound ±${seconds(bounds.clockSkewMs)})`);
  }
  if (e.central && e.silent && e.silent.processes > 0) {
    kinds.push('silent');
    const n = e.silent.processes;
    reasons.push(`${n} watchdog process${n > 1 ? 'es' : ''} stopped reporting without stopping: no heartbeat since ${new Date(e.silent.lastBeatAt).toISOString()} (its monitors are taken over by the live watchdogs)`);
  }
  const network = judgeNetwork(e.targets, e.previously.includes('network'), bounds, e.tenants);
  if (network) {
    kinds.push('network');
    reasons.push(network);
  }
  return { kinds, reason: reasons.length ? reasons.join('; ') : null };
}

/**
 * A late heartbeat counts against the agent unless it was missed while the judge could not hear it: after a restart of
 * Vigia or its database every agent looked "heartbeat late" (a vantage incident each, resolved seconds later) until it
 * reconnected. Within `reconnectMs` past the heartbeat bound of hearing again, a beat older than that instant changes
 * nothing: an agent impaired by it stays so, one that was not is not made so — so two judges, one just restarted,
 * never write opposite judgements of the same agent in turn.
 */
function lateForIt(e: VantageEvidence, now: number, bounds: ImpairmentBounds): boolean {
  if (e.heardSince === undefined || e.lastHeartbeatAt === null || e.lastHeartbeatAt >= e.heardSince) return true;
  if (now > e.heardSince + bounds.heartbeatLateMs + bounds.reconnectMs) return true;
  return e.previously.includes('heartbeat');
}

/**
 * What the network rule needs of one vantage, as counts that add up: each watchdog tallies the monitors it owns (from
 * its detectors in memory) and the evaluator sums the live watchdogs' tallies — no scan of every monitor's stored
 * state (that query was PostgreSQL's second costliest at 6,000 monitors × 3 vantages: 45 µs per probe).
 */
export interface NetworkTally {
  /** Distinct targets with a fresh result from the vantage. */
  targets: number;
  /** Of them, failing from it. */
  failing: number;
  /** Failing ones that another vantage also has a fresh result for (given since this vantage's run began). */
  crossChecked: number;
  /** Failing ones that another vantage sees up or degraded. */
  contradicted: number;
}

export const emptyTally = (): NetworkTally => ({ targets: 0, failing: 0, crossChecked: 0, contradicted: 0 });

export function addTally(into: NetworkTally, more: NetworkTally): NetworkTally {
  into.targets += more.targets;
  into.failing += more.failing;
  into.crossChecked += more.crossChecked;
  into.contradicted += more.contradicted;
  return into;
}

/** The counts of a list of per-target evidence. */
export function tally(targets: readonly TargetEvidence[]): NetworkTally {
  const t = emptyTally();
  for (const target of targets) {
    t.targets++;
    if (!target.failing) continue;
    t.failing++;
    if (target.othersFresh > 0) t.crossChecked++;
    if (target.othersUp > 0) t.contradicted++;
  }
  return t;
}

/**
 * The signature of a vantage's own network: nearly everything it probes fails at once, while other vantages see most
 * of those same targets working. Many targets failing from one place only is that place, not a hundred outages.
 * Without a second opinion (targets nobody else probes) it is not judged impaired: a real mass outage seen by the only
 * place that looks must still be reported.
 */
export function judgeNetwork(t: NetworkTally, wasImpaired: boolean, bounds: ImpairmentBounds = IMPAIRMENT_BOUNDS, tenants?: readonly NetworkTally[]): string | null {
  const { targets: sample, failing, crossChecked, contradicted } = t;
  if (wasImpaired) {
    // No fresh result (its results stopped, e.g. cut from the API): no evidence of recovery, the judgement stands.
    if (sample === 0) return 'its own network: no fresh result since it was judged impaired';
    const still = tenants ? spread(tenants, bounds.clearShare) : null;
    if (still && !still.most) return null;
    if (failing / sample >= bounds.clearShare) return `its own network: ${failing} of ${sample} targets still failing from it (clears below ${percent(bounds.clearShare)})${tenantsSaid(still)}`;
    return null;
  }
  if (sample < bounds.minTargets || failing < bounds.failingShare * sample) return null;
  if (contradicted < bounds.minContradicted || 2 * contradicted <= crossChecked) return null;
  const across = tenants ? spread(tenants, bounds.failingShare) : null;
  if (across && !across.most) return null;
  return `its own network: ${failing} of ${sample} targets failing from it at once (≥ ${percent(bounds.failingShare)} of at least ${bounds.minTargets}), ${contradicted} of them seen up from other vantages${tenantsSaid(across)}`;
}

/**
 * Said only where several tenants' evidence was weighed; without their number: the reason reaches every tenant's
 * verdicts, and how many companies share the platform is not theirs to read.
 */
const tenantsSaid = (s: { agree: number; of: number } | null): string => (s && s.of > 1 ? ', for most of the tenants it probes for' : '');

/**
 * A platform vantage serves every tenant, so no one tenant may decide that its network failed: its targets (built to
 * fail from the platform's addresses) and its own private agent's "up" were enough to take the central vantage's vote
 * from every tenant, and to keep it while the hysteresis held. The signature must show in more than half of the
 * tenants it has fresh results for, each counted once whatever its size: a real failure of the vantage's network
 * fails every tenant's targets; one tenant's targets failing is that tenant's business. (With one tenant, it decides.)
 */
function spread(tenants: readonly NetworkTally[], share: number): { agree: number; of: number; most: boolean } {
  let of = 0;
  let agree = 0;
  for (const t of tenants) {
    if (t.targets === 0) continue;
    of++;
    if (t.failing >= share * t.targets) agree++;
  }
  return { agree, of, most: 2 * agree > of };
}

/** What one vantage last saw of one monitor (a detector's entry): its status, when, and since when it has seen it. */
export interface VantageSighting {
  vantage: string;
  status: 'up' | 'degraded' | 'down';
  /** Its latest result, and when its current run of identical results began. */
  at: number;
  since: number;
}

/** Tallies are kept per tenant and vantage name: a private vantage's name repeats across tenants. */
export const tallyKey = (tenantId: string, vantage: string): string => `${tenantId}|${vantage}`;

/**
 * Adds one monitor (of `tenantId`) to the tallies of every vantage with a fresh sighting of it. A second opinion counts
 * only if given since this vantage began seeing what it sees: an old replica's "up" from before a takeover, or
 * anyone's from before the failures began, contradicts nothing.
 */
export function tallyMonitor(tenantId: string, fresh: readonly VantageSighting[], into: Map<string, NetworkTally>): void {
  for (const own of fresh) {
    const key = tallyKey(tenantId, own.vantage);
    let t = into.get(key);
    if (!t) into.set(key, (t = emptyTally()));
    t.targets++;
    if (own.status !== 'down') continue;
    t.failing++;
    let others = 0;
    let up = 0;
    for (const e of fresh) {
      if (e === own || e.vantage === own.vantage || e.at < own.since) continue;
      others++;
      if (e.status !== 'down') up++;
    }
    if (others > 0) t.crossChecked++;
    if (up > 0) t.contradicted++;
  }
}

/**
 * One vantage's tally out of the summed ones. Names are unique among platform vantages and within a tenant's private
 * ones (and never shadow each other), so a private vantage counts its own tenant's monitors only, a platform one
 * every tenant's.
 */
export function tallyFor(vantage: { name: string; tenantId: string | null }, tallies: ReadonlyMap<string, NetworkTally>): NetworkTally {
  return tenantTallies(vantage, tallies).reduce((sum, t) => addTally(sum, t), emptyTally());
}

/** A vantage's tallies one per tenant: a private vantage's one tenant, a platform vantage's every tenant it probes for. */
export function tenantTallies(vantage: { name: string; tenantId: string | null }, tallies: ReadonlyMap<string, NetworkTally>): NetworkTally[] {
  if (vantage.tenantId !== null) return [{ ...(tallies.get(tallyKey(vantage.tenantId, vantage.name)) ?? emptyTally()) }];
  const out: NetworkTally[] = [];
  const suffix = `|${vantage.name}`;
  for (const [key, t] of tallies) if (key.endsWith(suffix) && key.indexOf('|') === key.length - suffix.length) out.push({ ...t });
  return out;
}
