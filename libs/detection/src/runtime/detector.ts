import type { ProbeResult, ProbeStatus } from '#lib/probes';

/**
 * The detector of one monitor, as pure functions over plain data (persisted as JSON, so a restart resumes where it
 * stopped). Each vantage confirms its own verdict over consecutive results; the monitor is `down` only when a quorum
 * of fresh vantages confirm it, `suspect` while failures are seen but not confirmed.
 */
export type Health = 'unknown' | 'up' | 'degraded' | 'suspect' | 'down';
export type Verdict = 'unknown' | 'up' | 'degraded' | 'down';

export interface DetectorPolicy {
  /** Consecutive failures (N) that confirm `down` at a vantage. */
  failuresToDown: number;
  /** Consecutive successes (M) that confirm recovery from `down` or `degraded`. */
  successesToUp: number;
  /** Re-probe delay while a change is being confirmed, instead of the full interval. */
  confirmIntervalMs: number;
  /** Vantages that must confirm `down`. */
  quorum: number;
  /** A vantage's verdict older than this no longer votes. */
  vantageStaleMs: number;
  /** Flap damping: this many up⇄down changes within the window mark the monitor flapping. */
  flapThreshold: number;
  flapWindowMs: number;
  /**
   * The vantages that vote on this monitor (its assignment). Undefined: every vantage that reported — a monitor
   * probed by the central watchdog alone, decided exactly as before vantages existed. With several voters each
   * verdict explains itself: who saw what since when, who is stale.
   */
  voters?: readonly string[];
  /**
   * Assigned vantages that do not vote now, and why, in words that follow "not voting, " — "impaired (heartbeat late
   * …)", "revoked …". Their results are kept (they show when the vantage recovers) and every verdict names them.
   */
  excluded?: Readonly<Record<string, string>>;
}

export const DEFAULT_POLICY: DetectorPolicy = {
  failuresToDown: 3,
  successesToUp: 2,
  confirmIntervalMs: 300,
  quorum: 1,
  vantageStaleMs: 60_000,
  flapThreshold: 5,
  flapWindowMs: 10 * 60_000,
};

export interface VantageState {
  verdict: Verdict;
  /** Status of the current run of identical results and its length. */
  streakStatus: ProbeStatus;
  streak: number;
  /** When the current streak began: the first failure of an outage, the first success of a recovery. */
  streakSince: number;
  at: number;
  reason: string;
}

export interface DetectorState {
  health: Health;
  since: number;
  flapping: boolean;
  reason: string;
  vantages: Record<string, VantageState>;
  /** Times of up⇄down changes inside the flap window. */
  changes: number[];
  /** Whom the latest verdict listened to; absent in states stored before it was kept. */
  rule?: VerdictRule;
  /**
   * An outage is open and not yet confirmed over, although health is no longer `down`: the vantages voting see it up
   * but fewer than the quorum (the others impaired or silent), so recovery cannot be confirmed — health `unknown`,
   * its time unobserved, its incident kept open until a quorum confirms recovery. Absent otherwise.
   */
  outageHeld?: true;
}

/**
 * Whom a verdict listened to, kept with the state so each entry of `vantages` can be read against it: voting, not
 * voting and why, or no longer assigned (its last result kept, not counted); fresh or stale.
 */
export interface VerdictRule {
  /** The voters (null: every vantage that reports, the single-watchdog case). */
  voters: readonly string[] | null;
  excluded: Readonly<Record<string, string>>;
  /** A vantage's result counts as fresh this long. */
  freshMs: number;
}

/**
 * How an unknown verdict begins when every healthy voter confirms the monitor down but too few vote for its quorum:
 * very likely a real outage nobody is paged for. The vantage health pass finds them by it (`Vantage.blindMonitors`).
 */
const QUORUM_UNREACHABLE = 'quorum unreachable';
export const CANNOT_CONFIRM_DOWN = `cannot decide: ${QUORUM_UNREACHABLE}`;
/** How an unknown verdict begins while an open outage is held: the vantages voting see it up, too few to confirm recovery. */
export const CANNOT_CONFIRM_RECOVERY = 'cannot confirm recovery';

/** An outage is open: down, or held open while the vantages voting see it up but cannot confirm recovery. */
export function outageOpen(state: Pick<DetectorState, 'health' | 'outageHeld'>): boolean {
  return state.health === 'down' || state.outageHeld === true;
}

/** One vantage's part in the verdict, read against the rule it was last judged by (undefined: a state stored before). */
export function vantageRole(vantage: string, rule: VerdictRule | undefined): { voting: boolean | null; role: string } {
  if (!rule) return { voting: null, role: 'not known (judged before this was kept)' };
  if (rule.excluded[vantage] !== undefined) return { voting: false, role: `not voting, ${rule.excluded[vantage]}` };
  if (rule.voters === null || rule.voters.includes(vantage)) return { voting: true, role: 'voting' };
  return { voting: false, role: 'not assigned any more: its last result is kept, not counted' };
}

// One rule object per policy object (policies are rebuilt only when assignments change): no allocation per result.
const rules = new WeakMap<DetectorPolicy, VerdictRule>();
function ruleOf(policy: DetectorPolicy): VerdictRule {
  let rule = rules.get(policy);
  if (!rule) rules.set(policy, (rule = { voters: policy.voters ?? null, excluded: policy.excluded ?? {}, freshMs: policy.vantageStaleMs }));
  return rule;
}

export interface HealthChange {
  from: Health;
  to: Health;
  /** When the change was confirmed. */
  at: number;
  /**
   * When it really began: for `down`, the first failure of the confirming vantages; for a recovery, the first
   * success of the confirming streak. Outage time in reports runs from one to the other.
   */
  effectiveAt: number;
  reason: string;
  flapping: boolean;
  /** An outage was open before this change (down, or held open while unknown): a recovery ends it, a failure continues it. */
  outageWasOpen?: true;
}

export interface Observation {
  state: DetectorState;
  /** Set when the monitor's health or its flapping flag changed. */
  change?: HealthChange;
  /** Ask for the next probe sooner: a change is being confirmed. */
  reprobeInMs?: number;
}

export function initialState(now: number): DetectorState {
  return { health: 'unknown', since: now, flapping: false, reason: 'not probed yet', vantages: {}, changes: [] };
}

function nextVerdict(v: VantageState, policy: DetectorPolicy): Verdict {
  const { verdict, streakStatus, streak } = v;
  if (streakStatus === 'down') return streak >= policy.failuresToDown ? 'down' : verdict;
  // A first answer proves the service works; leaving a confirmed bad state takes M answers.
  const recovering = verdict === 'down' || (verdict === 'degraded' && streakStatus === 'up');
  if (recovering && streak < policy.successesToUp) return verdict;
  if (streakStatus === 'degraded' && verdict === 'up' && streak < policy.failuresToDown) return verdict;
  return streakStatus;
}

function updateVantage(previous: VantageState | undefined, result: ProbeResult, policy: DetectorPolicy): VantageState {
  const continues = previous !== undefined && previous.streakStatus === result.status;
  const next: VantageState = {
    verdict: previous?.verdict ?? 'unknown',
    streakStatus: result.status,
    streak: continues ? previous.streak + 1 : 1,
    streakSince: continues ? previous.streakSince : result.at,
    at: result.at,
    reason: result.reason,
  };
  return { ...next, verdict: nextVerdict(next, policy) };
}

/** Fewer voting vantages than the quorum: no outage can be confirmed (impaired, refusing or revoked voters, fewer platform vantages). */
export function quorumOutOfReach(policy: Pick<DetectorPolicy, 'voters' | 'quorum'>): boolean {
  return policy.voters !== undefined && policy.voters.length < Math.max(1, policy.quorum);
}

function aggregate(vantages: Record<string, VantageState>, now: number, policy: DetectorPolicy, wasDown: boolean, held = false): { health: Health; reason: string } {
  const voters = policy.voters;
  const excluded = policy.excluded && Object.keys(policy.excluded).length > 0;
  // Fewer voters than the quorum (the set shrank: a vantage revoked, fewer platform vantages) is the voters' rule too:
  // it says the quorum is unreachable rather than "1 of 2 needed".
  if (voters && (voters.length > 1 || excluded || quorumOutOfReach(policy))) return aggregateVoters(vantages, voters, now, policy, wasDown, held);
  // An outage held open (its voters went quiet) ends by the voters' rule too: a returning vantage's old "down" verdict
  // with its first success is no failure seen, and recovery needs its confirmation.
  if (held) return aggregateVoters(vantages, voters ?? Object.keys(vantages), now, policy, wasDown, held);
  const entries = voters ? Object.entries(vantages).filter(([name]) => voters.includes(name)) : Object.entries(vantages);
  const fresh = entries.filter(([, v]) => now - v.at <= policy.vantageStaleMs);
  const down = fresh.filter(([, v]) => v.verdict === 'down');
  // The quorum is absolute: with fewer fresh vantages than the quorum nothing can be confirmed down (a vantage that
  // stops reporting is a watchdog problem, reported as such, not a licence for one vantage to decide alone).
  const quorum = Math.max(1, policy.quorum);
  if (down.length >= quorum) {
    return { health: 'down', reason: describe(down) };
  }
  const failing = fresh.filter(([, v]) => v.verdict === 'down' || v.streakStatus === 'down');
  if (failing.length) {
    const seen = down.length ? `${down.length} of ${quorum} vantages needed confirm down` : 'failure not yet confirmed';
    return { health: 'suspect', reason: `${seen}: ${describe(failing)}` };
  }
  const degraded = fresh.filter(([, v]) => v.verdict === 'degraded');
  if (degraded.length) return { health: 'degraded', reason: describe(degraded) };
  const up = fresh.filter(([, v]) => v.verdict === 'up');
  if (up.length) return { health: 'up', reason: up[0]![1].reason };
  // Nothing fresh: name the vantage that should have spoken (an agent not connected yet says "no result yet").
  const who = voters?.length ? ` — ${explain(vantages, voters, now, policy)}` : '';
  return { health: 'unknown', reason: `no fresh result from any vantage${who}` };
}

/**
 * Several assigned vantages: the quorum rule over the fresh ones, and a reason that names every voter. Symmetric: an
 * outage is confirmed by `quorum` vantages and ended by `quorum` vantages confirming recovery — a vantage going
 * stale or one recovering alone ends nothing (incidents close only on down → up/degraded).
 */
function aggregateVoters(vantages: Record<string, VantageState>, voters: readonly string[], now: number, policy: DetectorPolicy, wasDown: boolean, held: boolean): { health: Health; reason: string } {
  const isFresh = (v: VantageState | undefined): v is VantageState => v !== undefined && now - v.at <= policy.vantageStaleMs;
  const fresh = voters.filter((name) => isFresh(vantages[name])).map((name) => [name, vantages[name]!] as [string, VantageState]);
  const quorum = Math.max(1, policy.quorum);
  // Held open: a voter's old "down" verdict with its latest result a success (an agent back, not confirmed yet) sees nothing down.
  const down = fresh.filter(([, v]) => v.verdict === 'down' && (!held || v.streakStatus === 'down'));
  const failing = fresh.filter(([, v]) => v.verdict === 'down' || v.streakStatus === 'down');
  // Built only on the paths that say it: a healthy "up" with every voter voting (nearly every result) needs no story.
  let story: string | undefined;
  const explained = (): string => (story ??= explain(vantages, voters, now, policy));
  // Fewer voters than the quorum (the others impaired): the rule the operator set cannot be met, and one place's
  // opinion never stands in for two. Failures stay suspect, and say so; an outage already open is held (below).
  const unreachable = quorumOutOfReach(policy) ? `${QUORUM_UNREACHABLE}: ${voters.length} healthy of ${voters.length + Object.keys(policy.excluded ?? {}).length} assigned vantages, ${quorum} must confirm; ` : '';
  if (!unreachable && down.length >= quorum) return { health: 'down', reason: `down: ${down.length} of ${voters.length} vantages confirm it (quorum ${quorum}) — ${explained()}` };
  if (wasDown) {
    const recovered = fresh.filter(([, v]) => v.verdict === 'up' || v.verdict === 'degraded');
    if (recovered.length < quorum) {
      // Held while the quorum is out of reach: say how it can end, or it reads as an outage that never will.
      const remedy = unreachable ? '; it ends when the vantages not voting are back (a revoked one never is: name another), or when the quorum is lowered' : '';
      // Every fresh voter sees it back and none sees it down (`down`: once held, a voter's old verdict with its latest
      // result a success sees nothing down, or every recovery would blip "down"): the outage cannot be confirmed over,
      // but nothing Vigia can count sees it down either. Still open (its incident, no failback), its time unobserved —
      // neither downtime nobody saw (hours of an impaired agent would become hours of outage in a customer's SLA) nor
      // uptime. So too when held already and the voters left go quiet, or when no voter has a fresh result at all
      // (all silent, or none probing: a refused address).
      if ((recovered.length > 0 || held || fresh.length === 0) && down.length === 0) {
        const silent = fresh.length < voters.length ? `, the others silent` : '';
        return { health: 'unknown', reason: `${CANNOT_CONFIRM_RECOVERY}: ${unreachable}the outage stays open until ${quorum} vantages confirm recovery (${recovered.length} of the ${voters.length} voting do${silent}${remedy}); none sees it down, so the time is counted unobserved, not down — ${explained()}` };
      }
      return { health: 'down', reason: `down: ${unreachable}held until ${quorum} vantages confirm recovery (${recovered.length} of the ${voters.length} voting do${remedy}) — ${explained()}` };
    }
    const health = recovered.some(([, v]) => v.verdict === 'degraded') ? 'degraded' : 'up';
    return { health, reason: `${health}: ${recovered.length} of ${voters.length} vantages confirm recovery (quorum ${quorum}) — ${explained()}` };
  }
  // Every healthy voter confirms it down but the quorum cannot be met: nobody sees it up and the rule cannot decide.
  // Not suspect (suspect is "the others see it up", counted as uptime): unknown, so the time is reported unobserved —
  // never uptime Vigia did not see — while the vantage incident tells the people on call why.
  if (unreachable && down.length > 0 && down.length === fresh.length) {
    return { health: 'unknown', reason: `cannot decide: ${unreachable}every healthy vantage confirms it down, so the time is counted unobserved, not up — ${explained()}` };
  }
  if (failing.length) {
    const confirmed = down.length ? `, ${down.length} confirmed` : '';
    return { health: 'suspect', reason: `suspect: ${unreachable}${failing.length} of ${voters.length} vantages see it failing${confirmed}, ${quorum} must confirm down — ${explained()}` };
  }
  const degraded = fresh.filter(([, v]) => v.verdict === 'degraded');
  if (degraded.length) return { health: 'degraded', reason: `degraded — ${explained()}` };
  const up = fresh.filter(([, v]) => v.verdict === 'up');
  // Up needs no story, except who is not voting: an operator reading "up" must know it rests on fewer vantages.
  const notVoting = Object.keys(policy.excluded ?? {}).length ? ` — ${unreachable}${explained()}` : '';
  if (up.length) return { health: 'up', reason: `${up[0]![1].reason}${notVoting}` };
  return { health: 'unknown', reason: `no fresh result from any vantage — ${explained()}` };
}

/** Every voter in order: what it saw and since when, or that it is stale / has not reported; then who does not vote and why. */
function explain(vantages: Record<string, VantageState>, voters: readonly string[], now: number, policy: DetectorPolicy): string {
  const excluded = Object.entries(policy.excluded ?? {}).map(([name, why]) => `${name}: not voting, ${why}`);
  return voters
    .map((name) => {
      const v = vantages[name];
      if (!v) return `${name}: no result yet`;
      if (now - v.at > policy.vantageStaleMs) return `${name}: stale (last result ${new Date(v.at).toISOString()})`;
      const seen = v.verdict === 'down' ? 'down' : v.streakStatus === 'down' ? `failing (${v.streak}×)` : v.streakStatus;
      return `${name}: ${seen} since ${new Date(v.streakSince).toISOString()} (${v.reason})`;
    })
    .concat(excluded)
    .join('; ');
}

function describe(entries: [string, VantageState][]): string {
  if (entries.length === 1) return entries[0]![1].reason;
  return entries.map(([name, v]) => `${name}: ${v.reason}`).join('; ');
}

const isBad = (h: Health): boolean => h === 'down';
const isGood = (h: Health): boolean => h === 'up' || h === 'degraded';

/** Feeds one probe result from one vantage into the detector. */
export function observe(state: DetectorState, vantage: string, result: ProbeResult, policy: DetectorPolicy): Observation {
  const now = result.at;
  const vantageState = updateVantage(state.vantages[vantage], result, policy);
  const vantages = { ...state.vantages, [vantage]: vantageState };
  const wasOpen = outageOpen(state);
  const { health, reason } = aggregate(vantages, now, policy, wasOpen, state.outageHeld === true);

  // Flap damping counts real up⇄down swings, not the suspect steps in between.
  let changes = state.changes.filter((t) => now - t < policy.flapWindowMs);
  const lastSettled = settledHealth(state);
  if (health !== state.health && ((isBad(health) && isGood(lastSettled)) || (isGood(health) && isBad(lastSettled)))) {
    changes = [...changes, now];
  }
  const flapping = state.flapping ? changes.length > Math.floor(policy.flapThreshold / 2) : changes.length >= policy.flapThreshold;

  const changed = health !== state.health || flapping !== state.flapping;
  const effectiveAt = health !== state.health ? effectiveTime(health, state, vantages, vantage, now, policy) : undefined;
  const next: DetectorState = {
    health,
    // A new health dates from when it really began, as its incident does: "down since" on the monitor and the outage's
    // opening time are one instant (the decision comes two confirmations later), and so are "up since" and its end.
    since: effectiveAt ?? state.since,
    flapping,
    reason,
    vantages,
    changes,
    rule: ruleOf(policy),
  };
  const change: HealthChange | undefined = changed ? { from: state.health, to: health, at: now, effectiveAt: effectiveAt ?? effectiveTime(health, state, vantages, vantage, now, policy), reason, flapping } : undefined;
  carryOutage(wasOpen, next, change);
  // While this vantage's latest results disagree with its verdict, a change is being confirmed: look again soon.
  const confirming = vantageState.verdict !== vantageState.streakStatus;
  return { state: next, change, reprobeInMs: confirming ? policy.confirmIntervalMs : undefined };
}

/** The verdict the rule gives now on the results already held (no change recorded): to say why an unknown is unknown. */
export function judgeNow(state: DetectorState, now: number, policy: DetectorPolicy): { health: Health; reason: string } {
  return aggregate(state.vantages, now, policy, outageOpen(state), state.outageHeld === true);
}

/**
 * The verdict again without a new result, at `now`: a monitor whose voters have all gone silent (an agent that never
 * connected, or stopped, a vantage impaired) is no longer "up" on the strength of results older than the freshness
 * bound — it is unknown, and says who went quiet since when. An outage stays open (its incident, no failback) but
 * is held unknown: nobody sees it, so its time is unobserved — from the last result that saw it down — until a
 * quorum confirms recovery or a voter sees it down again. Undefined when nothing changes.
 */
export function reassess(state: DetectorState, now: number, policy: DetectorPolicy): Observation | undefined {
  if (state.health === 'unknown') return undefined;
  const voters = policy.voters;
  for (const [name, v] of Object.entries(state.vantages)) {
    if ((!voters || voters.includes(name)) && now - v.at <= policy.vantageStaleMs) return undefined;
  }
  // An outage whose voters have all gone quiet stays open, unknown (held): nobody sees it, so its time is unobserved.
  const wasOpen = outageOpen(state);
  const { health, reason } = aggregate(state.vantages, now, policy, wasOpen, state.outageHeld === true);
  if (health === state.health) return undefined;
  const effectiveAt = effectiveTime(health, state, state.vantages, '', now, policy);
  const next: DetectorState = { ...state, health, since: effectiveAt, reason, rule: ruleOf(policy) };
  const change: HealthChange = { from: state.health, to: health, at: now, effectiveAt, reason, flapping: state.flapping };
  carryOutage(wasOpen, next, change);
  return { state: next, change };
}

/**
 * An open outage ends only when a recovery is confirmed: until then a new health other than down is held
 * (`outageHeld`), and the change says the outage was open (a recovery resolves its incident, a failure continues it).
 */
function carryOutage(wasOpen: boolean, next: DetectorState, change: HealthChange | undefined): void {
  if (wasOpen && next.health !== 'down' && next.health !== 'up' && next.health !== 'degraded') next.outageHeld = true;
  else delete next.outageHeld;
  if (change && wasOpen) change.outageWasOpen = true;
}

/**
 * When the change really happened. An outage starts when `quorum` of the confirming vantages were failing — the
 * quorum-th earliest failure, not the earliest: before it, fewer vantages saw it fail and the monitor was only
 * suspect, and suspect time is never downtime (one vantage's cut path must not become minutes of outage in reports,
 * nor decide whether the outage began inside a maintenance window). A recovery is dated by the streaks that began
 * after the outage did: a vantage that never saw the outage (up all along, with a quorum below the voters) does not
 * date its end, or the recovery would fall before the outage and reports would count no downtime.
 */
function effectiveTime(health: Health, previous: DetectorState, vantages: Record<string, VantageState>, reporting: string, now: number, policy: DetectorPolicy): number {
  // Leaving "unknown" (never probed, or silent): the first result that ends it, never a run of successes that began
  // before it — that would date the change before the unknown phase and leave the phase open in reports, or count
  // the silence as uptime. Otherwise never before the state it ends began (a suspect phase ended before it began).
  if (previous.health === 'unknown' && !(previous.outageHeld && health === 'down')) return now;
  return Math.max(previous.since, startOf(health, previous, vantages, reporting, now, policy));
}

function startOf(health: Health, previous: DetectorState, vantages: Record<string, VantageState>, reporting: string, now: number, policy: DetectorPolicy): number {
  const voters = policy.voters;
  // The fresh voters only, as the quorum counts them: a vantage gone stale while down does not date the outage.
  const fresh = Object.entries(vantages).filter(([name, v]) => (!voters || voters.includes(name)) && now - v.at <= policy.vantageStaleMs).map(([, v]) => v);
  const starts = (match: (v: VantageState) => boolean, after = -Infinity) => fresh.filter((v) => match(v) && v.streakSince >= after).map((v) => v.streakSince).sort((a, b) => a - b);
  const quorumth = (sorted: number[]) => sorted[Math.min(Math.max(1, policy.quorum), sorted.length) - 1];
  const own = vantages[reporting]?.streakSince ?? now;
  // (Also seen down again while held: from the first failure of the voter that sees it, the held phase ending there.)
  if (health === 'down') return quorumth(starts((v) => v.verdict === 'down')) ?? now;
  // An outage held open while the voters see it back: unobserved from when the last of them began seeing it up, and
  // not before the last result of a voter that saw it down and has gone quiet since — that time was seen down.
  if (previous.health === 'down' && health === 'unknown') {
    const back = starts((v) => v.verdict === 'up' || v.verdict === 'degraded', previous.since).at(-1);
    const quiet = Object.entries(vantages).filter(([name, v]) => (!voters || voters.includes(name)) && v.verdict === 'down' && now - v.at > policy.vantageStaleMs).map(([, v]) => v.at);
    const from = [...(back === undefined ? [] : [back]), ...quiet];
    return from.length ? Math.min(now, Math.max(...from)) : now;
  }
  const several = voters !== undefined && voters.length > 1;
  if (previous.health === 'down' && (health === 'up' || health === 'degraded')) {
    // When the quorum was answering again (one vantage back alone ended nothing). When no voter's answers began after
    // the outage did — the voters changed under it, or the down votes went stale and those left were up all along —
    // it ended when the rule stopped holding it, now: dated by an older streak, it would end before it began and
    // reports would count none of the time it was open (and acted on).
    const back = starts((v) => v.verdict === 'up' || v.verdict === 'degraded', previous.since);
    return (several ? quorumth(back) : own >= previous.since ? own : undefined) ?? now;
  }
  // Entering degraded or suspect: from the first vantage that saw it (not from another's long run of successes).
  if (several && health === 'degraded') return starts((v) => v.verdict === 'degraded')[0] ?? own;
  if (health === 'suspect') return starts((v) => v.streakStatus === 'down' || v.verdict === 'down')[0] ?? own;
  if (health === 'unknown') return now;
  return own;
}

/**
 * A vantage's result probed before the latest one already judged from it, by at most `windowMs`: it arrived out of
 * order (an agent sends the results that move a verdict ahead of its queue) and is history, not a step back in the
 * streak. Further back than the window it is judged (a clock stepped back must not silence a vantage for long).
 */
export function arrivedLate(state: DetectorState, vantage: string, at: number, windowMs: number): boolean {
  const latest = state.vantages[vantage];
  return latest !== undefined && at < latest.at && latest.at - at <= windowMs;
}

/** The last up/degraded/down the monitor was in, seen through a suspect phase. */
function settledHealth(state: DetectorState): Health {
  if (state.health !== 'suspect') return state.health;
  const verdicts = Object.values(state.vantages).map((v) => v.verdict);
  return verdicts.includes('down') ? 'down' : verdicts.includes('up') || verdicts.includes('degraded') ? 'up' : 'unknown';
}

/**
 * Whether two states of one monitor differ in more than their latest result (its time, latency and reason, the length
 * of the current run): health, flapping, or any vantage's verdict or run status. What does is written at the next flush.
 */
export function differsBeyondLatest(a: DetectorState, b: DetectorState): boolean {
  if (a.health !== b.health || a.flapping !== b.flapping) return true;
  for (const name in b.vantages) {
    const was = a.vantages[name];
    const now = b.vantages[name]!;
    if (!was || was.verdict !== now.verdict || was.streakStatus !== now.streakStatus) return true;
  }
  return false;
}
