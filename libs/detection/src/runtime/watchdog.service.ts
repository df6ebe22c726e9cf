import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { IncidentHistory, IncidentsService, type MonitorRef, PAUSED_REASON } from '#lib/incidents';
import { MetricsService, Sight } from '#lib/observability';
import { type ProbeResult, ProbeRunner } from '#lib/probes';
import { type ClaimedResult, MAX_HOPS, type NetworkTally, ResultInbox, type ResolvedAssignment, revokedReason, tallyMonitor, VantageAssignments, VantagesService, type VantageSighting } from '#lib/vantages';
import { arrivedLate, DEFAULT_POLICY, type DetectorPolicy, type DetectorState, differsBeyondLatest, type HealthChange, initialState, judgeNow, observe, quorumOutOfReach, reassess } from './detector.js';
import { ChangeWriter, type PendingChange } from './change-writer.js';
import { statesToWrite } from './state-write-budget.js';
import { type IncidentContext, incidentAction } from './incident-policy.js';
import { FleetChanges } from './fleet-changes.js';
import { MonitorCatalog, ownedIds, OwnerRouter, type WatchedMonitor } from './monitor-catalog.js';
import { ProbeRate } from './probe-rate.js';
import { ProbeScheduler } from './probe-scheduler.js';
import { ProbeTargets } from './probe-targets.js';
import { ReplayHistory } from './replay-history.js';
import { RollupAggregator } from './rollup-aggregator.js';
import { StateStore } from './state-store.js';
import { VantageHealthEvaluator } from './vantage-health.evaluator.js';
import { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';

/** How often the watchdog checks that its probes still complete, and the least silence that counts as stalled. */
const PROBE_LIVENESS_CHECK_MS = 5_000;
/** How often monitors are looked at for silence (no voter's result within the freshness bound). */
const SILENT_CHECK_MS = 5_000;
const PROBE_STALL_MIN_MS = 30_000;
/**
 * How often agents' results are claimed without being told: while the inbox's notifications are heard they wake the
 * owner at once and the poll only catches what no notification reached it (rows of a watchdog that died); while
 * not heard, at the rhythm that bounds a verdict's wait.
 */
const INBOX_POLL_NOTIFIED_MS = 2_000;
const INBOX_POLL_MS = 200;
/** A vantage's detector entry older than this says nothing about its network now (probes run every 1–60 s). */
const IMPAIRMENT_FRESH_MS = 60_000;
/** Drift samples kept between two `takeDrift()` calls at most (8 MB; a benchmark window of 5 min at 3,000 probes/s). */
const MAX_DRIFT_SAMPLES = 1_000_000;
/** The resolve reason of an outage closed because its monitor was deleted (reports read it as cut, not repaired). */
export const DELETED_REASON = 'the monitor was deleted: outage closed without a repair';
/** A paused monitor's state: nobody probes it, so nothing is known of it (reports count the time unobserved). */
export const PAUSED_STATE_REASON = 'paused: not probed until it is resumed';

type Pending = PendingChange & { previous: DetectorState };

interface Tracked {
  monitor: WatchedMonitor;
  state: DetectorState;
  last?: ProbeResult;
  dirty: boolean;
  /** Something beyond the latest result changed since it was last written (health, a vantage's verdict or run). */
  significant: boolean;
  /** When the periodic flush last wrote it (0: never). */
  writtenAt: number;
  /** When this process took it on: results stored before (by another replica, or before a restart) may be old. */
  loadedAt?: number;
}

export interface WatchdogStats {
  monitors: number;
  probes: number;
  drift: number[];
}

/** The assignment of a monitor none names (no monitor set, no tenant default): this watchdog's tier alone, quorum 1. */
const CENTRAL_ONLY: ResolvedAssignment = { central: true, centralImpaired: null, agents: [], observers: [], revoked: [], count: null, quorum: 1, configuredQuorum: 1, configuredVantageIds: null, inherited: true };

/**
 * The watchdog role: owns a share of the monitors, probes them on schedule, feeds the detector, stores every
 * health change at once and the rest in batches, and opens/closes incidents. Probe result → detector → incident.
 */
@Injectable()
export class WatchdogService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Watchdog');
  private readonly tracked = new Map<string, Tracked>();
  private readonly rollups = new RollupAggregator();
  /** Agents' replayed results, run through the detector per vantage to complete the history (never incidents). */
  private readonly replays = new ReplayHistory();
  private readonly policy: DetectorPolicy;
  private scheduler?: ProbeScheduler<WatchedMonitor>;
  private loops: PeriodicWorker[] = [];
  /** Agents' results claimed when told (the inbox's NOTIFY), again at once when a claim's bounds may have cut it, and on a poll. */
  private readonly agentResults = new PeriodicWorker('agent results', async () => {
    if ((await this.takeAgentResults()).more) this.agentResults.kick();
  }, {
    everyMs: () => (this.fleetChanges.isListening ? INBOX_POLL_NOTIFIED_MS : INBOX_POLL_MS),
    onError: (e) => this.warn('taking agent results', e),
  });
  private stopInboxWake?: () => void;
  /** The catalog's token (or fingerprint) and the live watchdogs, as of the last time the owned monitors were settled. */
  private lastCatalog = '';
  private lastLive = '';
  /** Every enabled monitor's id as of the last full read: a change of the live set alone is settled from it. */
  private fleetIds: string[] = [];
  /** Who votes (the assignments' token or fingerprint) as of the last time the assignments were resolved. */
  private lastVoters = '';
  private lastFullRefresh = 0;
  /** When a probe last completed (any monitor): probes that stop completing make the watchdog blind. */
  private lastProbeAt = this.now();
  /**
   * Drift samples since the last `takeDrift()`, for the benchmarks. Kept only once someone has taken them (before,
   * every probe's sample was kept for ever in a process nobody measured: 2,000 numbers a second, ~1.4 GB a day at
   * 20,000 monitors, with the array's regrowth copies), and at most MAX_DRIFT_SAMPLES between two takes.
   */
  private drift?: number[];
  /** Monitors with an assignment to vantages: who votes, the quorum, the detector policy it gives. */
  private assigned = new Map<string, { assignment: ResolvedAssignment; policy: DetectorPolicy }>();
  /** Per monitor, the agents whose own egress policy refuses its target (why, since when, latest): named as not voting. */
  private readonly refusals = new Map<string, Map<string, { reason: string; since: number; at: number }>>();
  /** The live watchdogs as of the last refresh (this one included): agents' results not owned here are routed by it. */
  private readonly router = new OwnerRouter();
  /** Agents' results handed back or dropped because no live watchdog owned their monitor (MAX_HOPS), since start. */
  private droppedAgentResults = 0;
  /** This watchdog as a vantage: its row id and its own probes over the last minute (for its health). */
  private vantageId?: string;
  /** Monotonic: a step of the wall clock must not make the rate absurd. */
  private readonly probeRate = new ProbeRate(performance.now());

  /** State changes are retried until written (in order), then turned into incidents; see ChangeWriter. */
  private readonly changes = new ChangeWriter<Pending>(
    (batch) => this.store.saveChanges(batch),
    (item) => this.applyToIncidents(item.dirty.monitor, item.change),
    (error, batch, attempt, final, phase) => {
      const what = phase === 'apply' ? 'applying a state change' : `recording ${batch.length} state change(s)`;
      if (final) this.logger.error(`${what} failed for good after ${attempt} attempts: ${error instanceof Error ? error.message : String(error)}`);
      else this.warn(`${what} (attempt ${attempt}, retrying)`, error);
    },
  );

  constructor(
    private readonly config: VigiaConfig,
    private readonly catalog: MonitorCatalog,
    private readonly heartbeat: WatchdogHeartbeatService,
    private readonly store: StateStore,
    private readonly runner: ProbeRunner,
    private readonly incidents: IncidentsService,
    private readonly incidentHistory: IncidentHistory,
    private readonly targets: ProbeTargets,
    private readonly vantages: VantagesService,
    private readonly assignments: VantageAssignments,
    private readonly inbox: ResultInbox,
    private readonly vantageHealth: VantageHealthEvaluator,
    private readonly fleetChanges: FleetChanges,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() metrics?: MetricsService,
    @Optional() private readonly sight?: Sight,
  ) {
    this.policy = { ...DEFAULT_POLICY, ...config.detection };
    metrics?.gauge('vigia_state_changes_pending', 'Health changes waiting to be written or to open and close incidents (retried while the database is away)', () => this.changes.pending);
    metrics?.gauge('vigia_agent_results_unowned', 'Agent results dropped by this watchdog since start: no live watchdog owned their monitor after several hand-backs', () => this.droppedAgentResults);
    // An overloaded watchdog probes less often than asked: the slots it skips are counted here (and the loop's lag is
    // vigia_nodejs_eventloop_lag_seconds), so "probing every 10 s" is never claimed silently.
    metrics?.gauge('vigia_probe_slots_skipped', 'Probe slots this watchdog skipped since start: the monitor\'s previous run still under way, or the process too busy to start it within its interval', () => this.scheduler?.stats.skippedOverlap ?? 0);
    metrics?.gauge('vigia_probe_slots_shed', 'Probe slots this watchdog dropped since start because they waited too long for a free slot (saturated: half the interval, at most 5 s)', () => this.scheduler?.stats.shed ?? 0);
    metrics?.gauge('vigia_probes_started', 'Probes this watchdog started since start', () => this.scheduler?.stats.started ?? 0);
    metrics?.gauge('vigia_state_change_failures', 'Failed attempts at writing or applying health changes since start (each retried)', () => this.changes.failures);
    // Where Vigia cannot decide, a scrape says so (an alert rule on these catches what pages nobody by design).
    metrics?.gauge('vigia_monitors_unknown', 'Monitors this watchdog holds whose health is unknown: silent voters, a quorum out of reach with every healthy vantage failing, or an open outage the vantages voting see back but too few to confirm recovery', () => this.countTracked((t) => t.state.health === 'unknown'));
    metrics?.gauge('vigia_monitors_quorum_unreachable', 'Monitors this watchdog holds with fewer voting vantages than their quorum (impaired, refusing or revoked vantages): no outage can be confirmed on them', () => this.quorumUnreachable());
    metrics?.gauge('vigia_vantages_impaired', 'Vantages impaired, fleet-wide, as this watchdog last read them (every watchdog reports the same count: alert on max, not sum)', () => this.vantageHealth.impaired);
  }

  private countTracked(match: (t: Tracked) => boolean): number {
    let n = 0;
    for (const t of this.tracked.values()) if (match(t)) n++;
    return n;
  }

  private quorumUnreachable(): number {
    let n = 0;
    for (const id of this.tracked.keys()) {
      const policy = this.assigned.get(id)?.policy;
      if (policy && quorumOutOfReach(policy)) n++;
    }
    return n;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.scheduler = new ProbeScheduler<WatchedMonitor>(
      { run: (monitor) => this.probe(monitor), onDrift: (ms) => this.recordDrift(ms) },
      this.config.watchdogConcurrency,
      Date.now,
      this.config.probeBatchMs,
    );
    // A central watchdog is a vantage too: registered under its VIGIA_VANTAGE name, with its health on every beat.
    this.vantageId = await this.vantages.registerCentral(this.config.vantage);
    this.heartbeat.reportTally(() => this.networkTally());
    await this.refresh();
    // Each on its own non-overlapping loop: a slow database never stacks refreshes or flushes on top of each other.
    this.loops = [
      new PeriodicWorker('watchdog refresh', () => this.refresh(), { everyMs: this.config.watchdogHeartbeatMs, onError: (e) => this.warn('refresh', e) }),
      new PeriodicWorker('state flush', () => this.flush(false), { everyMs: this.config.stateFlushMs, onError: (e) => this.warn('flush', e) }),
      new PeriodicWorker('prune', () => this.prune(), { everyMs: 3_600_000, onError: (e) => this.warn('prune', e) }),
      new PeriodicWorker('probe liveness', async () => this.checkProbing(), { everyMs: PROBE_LIVENESS_CHECK_MS, onError: (e) => this.warn('probe liveness', e) }),
      new PeriodicWorker('silent monitors', async () => this.reassessSilent(), { everyMs: SILENT_CHECK_MS, onError: (e) => this.warn('silent monitors', e) }),
      this.agentResults,
      new PeriodicWorker('vantage beat', () => this.beatAsVantage(), { everyMs: this.config.watchdogHeartbeatMs, onError: (e) => this.warn('vantage beat', e) }),
      // Every second: an agent gone for 5 s is judged within 6 s, and its k-of-N monitors move at the next refresh.
      new PeriodicWorker('vantage health', () => this.vantageHealth.evaluate(), { everyMs: 1000, onError: (e) => this.warn('vantage health', e) }),
    ];
    for (const loop of this.loops) loop.start();
    this.stopInboxWake = this.fleetChanges.onInbox((owner) => {
      if (owner === this.heartbeat.instanceId || owner === '-' || !this.router.live.includes(owner)) this.agentResults.kick();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopInboxWake?.();
    await Promise.all(this.loops.map((loop) => loop.stop()));
    this.scheduler?.stop();
    // Give the queue a moment to land; a database that is gone cannot be waited for without end.
    await Promise.race([this.changes.drain(), new Promise((r) => setTimeout(r, 5_000).unref())]);
    await this.changes.stop();
    if (this.changes.pending) this.logger.error(`${this.changes.pending} state change(s) not written at shutdown`);
    await this.flush(true).catch((e: unknown) => this.warn('final flush', e));
  }

  stats(): { monitors: number; started: number; skippedOverlap: number; shed: number; running: number } {
    const s = this.scheduler?.stats;
    return { monitors: this.tracked.size, started: s?.started ?? 0, skippedOverlap: s?.skippedOverlap ?? 0, shed: s?.shed ?? 0, running: this.scheduler?.running ?? 0 };
  }

  /** The drift samples since the last call (none before the first: that call starts the recording). */
  takeDrift(): number[] {
    const samples = this.drift ?? [];
    this.drift = [];
    return samples;
  }

  private recordDrift(ms: number): void {
    if (this.drift && this.drift.length < MAX_DRIFT_SAMPLES) this.drift.push(ms);
  }

  /**
   * Settles the monitors this watchdog owns: new, changed or removed ones (a catalog change, or the safety re-read,
   * `FleetChanges.rereadMs`: the whole fleet read), or moved between replicas (only the live set changed: the ids known from the last
   * full read say which are its own now, and only the monitors it did not hold are read — at 20,000 monitors a flap of
   * the live set had every watchdog read all 20,000 rows again, on a machine already too busy to beat in time).
   */
  async refresh(): Promise<void> {
    // Before the early return: deleting a disabled monitor changes no fingerprint, yet its outage must close.
    await this.closeDeleted();
    await this.reload();
    // After the reload: a monitor paused just now leaves this watchdog there, its last state saved; this ends it.
    await this.closePaused();
  }

  private async reload(): Promise<void> {
    // Read before the fleet is: a change committed while it is read bumps the token again (one more reload, none missed).
    const notified = this.fleetChanges.tokens();
    const live = (await this.heartbeat.liveInstances()).map((i) => i.id);
    const voters = notified?.voters ?? (await this.assignments.fingerprint());
    const catalog = notified?.catalog ?? (await this.catalog.fingerprint());
    const liveKey = [...live].sort().join(',');
    const fullRead = catalog !== this.lastCatalog || this.now() - this.lastFullRefresh >= this.fleetChanges.rereadMs();
    // Unchanged fleet and replicas: nothing to reload — and when only who votes changed (an assignment edited, a
    // vantage impaired or healthy again), the assignments alone.
    if (!fullRead && liveKey === this.lastLive) {
      if (voters !== this.lastVoters) await this.reassign(voters);
      return;
    }
    this.router.setLive([...live, this.heartbeat.instanceId]);
    let owned: WatchedMonitor[];
    let fleetIds = this.fleetIds;
    if (fullRead) {
      this.targets.forget();
      const read = await this.catalog.owned(this.heartbeat.instanceId, live);
      owned = read.monitors;
      fleetIds = read.fleetIds;
    } else {
      const mine = ownedIds(this.fleetIds, this.heartbeat.instanceId, live);
      const held = mine.map((id) => this.tracked.get(id)?.monitor).filter((m): m is WatchedMonitor => m !== undefined);
      owned = [...held, ...(await this.catalog.byIds(mine.filter((id) => !this.tracked.has(id))))];
    }
    const ids = new Set(owned.map((m) => m.id));
    const gone = [...this.tracked.values()].filter((t) => !ids.has(t.monitor.id));
    await this.store.saveStates(gone.filter((t) => t.dirty).map((t) => ({ monitor: t.monitor, state: t.state, last: t.last })));
    for (const t of gone) {
      this.tracked.delete(t.monitor.id);
      this.refusals.delete(t.monitor.id);
    }
    this.replays.keepOnly(ids);
    const fresh = owned.filter((m) => !this.tracked.has(m.id));
    const stored = fresh.length ? await this.store.load(fresh.map((m) => m.id)) : new Map<string, DetectorState>();
    const now = this.now();
    for (const monitor of owned) {
      const existing = this.tracked.get(monitor.id);
      if (existing) existing.monitor = monitor;
      else this.tracked.set(monitor.id, { monitor, state: stored.get(monitor.id) ?? initialState(now), dirty: false, significant: false, writtenAt: 0, loadedAt: now });
    }
    this.assign(await this.assignments.resolve(owned.map((m) => m.id), this.config.vantage));
    // A monitor assigned to agents only is not probed here; its detector still lives here (results come from the inbox).
    this.scheduler?.setMonitors(owned.filter((m) => this.assigned.get(m.id)?.assignment.central ?? true));
    // Recorded only once settled: a read that fails half-way is tried again at the next beat, not left until the
    // safety re-read (during a takeover, the dead replica's monitors unprobed meanwhile).
    this.lastVoters = voters;
    this.lastCatalog = catalog;
    // A watchdog gone (or back): rows stored for it meanwhile are claimed now, not at the next poll.
    if (liveKey !== this.lastLive) this.agentResults.kick();
    this.lastLive = liveKey;
    this.fleetIds = fleetIds;
    if (fullRead) this.lastFullRefresh = this.now();
  }

  /** Only who votes changed: the assignments of the monitors held resolved again, the schedule kept (what is probed here may change). */
  private async reassign(voters: string): Promise<void> {
    const owned = [...this.tracked.values()].map((t) => t.monitor);
    this.assign(await this.assignments.resolve(owned.map((m) => m.id), this.config.vantage));
    this.lastVoters = voters;
    this.scheduler?.setMonitors(owned.filter((m) => this.assigned.get(m.id)?.assignment.central ?? true));
  }

  /**
   * Per-monitor detector policies from the assignments: the voters (this watchdog's name for the central tier), the
   * quorum, and the impaired vantages that still probe it but do not vote (named, with why, in every verdict).
   */
  private assign(assignments: Map<string, ResolvedAssignment>): void {
    this.assigned = new Map();
    for (const [id, assignment] of assignments) this.assigned.set(id, { assignment, policy: this.policyOf(id, assignment) });
    // A monitor no assignment names is this watchdog's alone; while it does not probe its address, its policy says so.
    for (const id of this.refusals.keys()) if (!this.assigned.has(id) && this.tracked.has(id)) this.assigned.set(id, { assignment: CENTRAL_ONLY, policy: this.policyOf(id, CENTRAL_ONLY) });
  }

  private policyOf(monitorId: string, assignment: ResolvedAssignment): DetectorPolicy {
    const agents = new Set(assignment.agents.map((a) => a.name));
    // Only agents still assigned (and this watchdog while it probes the monitor): a refusal of one unassigned since is
    // forgotten, not named for ever.
    const refusing = this.refusals.get(monitorId);
    for (const name of refusing?.keys() ?? []) if (!agents.has(name) && !(name === this.config.vantage && assignment.central)) refusing!.delete(name);
    if (refusing && !refusing.size) this.refusals.delete(monitorId);
    const voters = [...(assignment.central && !assignment.centralImpaired ? [this.config.vantage] : []), ...agents].filter((name) => !refusing?.has(name));
    const excluded: Record<string, string> = Object.fromEntries(assignment.observers.map((o) => [o.name, `impaired (${o.reason})`]));
    if (assignment.centralImpaired) excluded[this.config.vantage] = `impaired (${assignment.centralImpaired})`;
    // An impaired vantage is named by its impairment (the wider cause); one that only refuses this target, by that.
    for (const [name, refusal] of refusing ?? []) {
      excluded[name] ??= name === this.config.vantage
        ? `not probing this target (the platform's egress policy does not allow the address configured — ${refusal.reason}; an operator of Vigia allows it with VIGIA_EGRESS_ALLOW on the watchdogs, or the monitor names an address that is allowed)`
        : `refusing this target (its egress policy does not allow it, so it does not probe it — ${refusal.reason}; allow the address on the agent: VIGIA_EGRESS_ALLOW, and not in VIGIA_EGRESS_DENY)`;
    }
    // Named, then revoked: still counted among the assigned, so the quorum the operator set is not lowered behind
    // their back (by its name: a revoked vantage's name is never reused).
    for (const gone of assignment.revoked) excluded[gone.name] = revokedReason(gone);
    const monitor = this.tracked.get(monitorId)?.monitor;
    const vantageStaleMs = monitor ? this.freshFor(monitor) : this.policy.vantageStaleMs;
    return { ...this.policy, quorum: assignment.quorum, voters, excluded, vantageStaleMs };
  }

  /** A monitor's results are fresh within three of its intervals when that is longer than the bound: one rule for every judgement. */
  private freshFor(monitor: WatchedMonitor): number {
    return Math.max(this.policy.vantageStaleMs, 3 * monitor.intervalMs + monitor.timeoutMs);
  }

  /**
   * Records that an agent refuses (or, with `refusal` undefined, no longer refuses) to probe a monitor; when that
   * starts or ends, the monitor's voters are settled again: a refusing agent is named among those not voting, with why.
   * Its entry in the detector is dropped then, so that its next real result starts a fresh run (no old verdict votes).
   */
  private noteRefusal(tracked: Tracked, vantage: string, refusal: { reason: string; at: number } | undefined): void {
    const monitorId = tracked.monitor.id;
    const refusing = this.refusals.get(monitorId);
    const known = refusing?.get(vantage);
    if (refusal && known) {
      // Still refusing: the latest reason and time (round-robin DNS may name another address), nothing to settle.
      known.reason = refusal.reason;
      known.at = refusal.at;
      return;
    }
    if (!refusal && !known) return;
    if (refusal) {
      if (!refusing) this.refusals.set(monitorId, new Map([[vantage, { ...refusal, since: refusal.at }]]));
      else refusing.set(vantage, { ...refusal, since: refusal.at });
      this.logger.warn(`vantage ${vantage} does not probe monitor ${monitorId}: ${refusal.reason}`);
    } else {
      refusing!.delete(vantage);
      if (!refusing!.size) this.refusals.delete(monitorId);
      this.logger.log(`vantage ${vantage} probes monitor ${monitorId} again`);
    }
    if (tracked.state.vantages[vantage]) {
      const { [vantage]: _dropped, ...rest } = tracked.state.vantages;
      tracked.state = { ...tracked.state, vantages: rest };
      tracked.dirty = true;
      tracked.significant = true;
    }
    let assigned = this.assigned.get(monitorId);
    if (!assigned && vantage === this.config.vantage) this.assigned.set(monitorId, (assigned = { assignment: CENTRAL_ONLY, policy: this.policy }));
    if (assigned) assigned.policy = this.policyOf(monitorId, assigned.assignment);
    // This watchdog stops probing it: a verdict that rested on it alone is unknown now (a change recorded, the time
    // unobserved), not a freshness bound later. Unknown already ("not probed yet"): it says who does not probe it, why.
    if (refusal && vantage === this.config.vantage && assigned) this.judgeSilent(tracked, assigned.policy, this.now());
    if (tracked.state.health === 'unknown' && assigned) {
      const { health, reason } = judgeNow(tracked.state, this.now(), assigned.policy);
      if (health === 'unknown' && reason !== tracked.state.reason) {
        tracked.state = { ...tracked.state, reason };
        tracked.dirty = true;
        tracked.significant = true;
      }
    }
  }

  /**
   * Agents' results, from the inbox the API fills (routed to this watchdog, or to one no longer live): live ones vote
   * like this watchdog's own; replayed ones (buffered while the agent was cut off, or too old to be fresh) only
   * complete the history — rollups, and the state changes the vantage's own detector confirms over them at their
   * original times (`ReplayHistory`) — never an incident. Results of monitors it does not own go back, routed again.
   */
  async takeAgentResults(): Promise<{ taken: number; more: boolean }> {
    if (!this.router.live.length) return { taken: 0, more: false };
    const { results, more } = await this.inbox.claim(this.heartbeat.instanceId, this.router.live);
    const history: { monitor: WatchedMonitor; change: HealthChange }[] = [];
    const notMine: ClaimedResult[] = [];
    const now = this.now();
    for (const r of results) {
      const tracked = this.tracked.get(r.monitorId);
      if (!tracked) {
        notMine.push(r);
        continue;
      }
      const result: ProbeResult = { status: r.status, latencyMs: r.latencyMs, reason: r.reason, at: r.at };
      // The agent's own egress policy refused the target: its setting, not the target's health — never a vote (an
      // agent started without VIGIA_EGRESS_ALLOW voted "down" on a healthy loopback web host and a real failover ran).
      this.noteRefusal(tracked, r.vantageName, r.refused ? { reason: r.reason, at: r.at } : undefined);
      // Never observed (no verdict of it is stored: after a restart, or once the agent allows the address, it must not
      // come back as a "down" vote), never rolled up (nothing was probed); counted only by the network rule (networkTally).
      if (r.refused) continue;
      if (r.replayed || now - r.at > this.policy.vantageStaleMs) {
        this.rollups.add(r.monitorId, r.tenantId, result);
        const change = this.replays.observe(r.monitorId, r.vantageName, result, this.assigned.get(r.monitorId)?.policy ?? this.policy, tracked.state, now);
        if (change) history.push({ monitor: tracked.monitor, change });
      } else this.handle(tracked.monitor, result, r.vantageName);
    }
    // Claimed rows are gone: a failed write loses this part of the history (logged), never a live verdict.
    if (history.length) await this.store.saveHistory(history).catch((e: unknown) => this.warn(`recording ${history.length} replayed state change(s)`, e));
    if (notMine.length) {
      const dropped = await this.inbox.handBack(notMine, this.router.ownerOf);
      this.droppedAgentResults += dropped;
      if (dropped) this.logger.warn(`${dropped} agent result(s) dropped: no live watchdog owns their monitor after ${MAX_HOPS} hand-backs (deleted, disabled, or not loaded yet)`);
    }
    // Claimed again at once when the claim's bounds may have cut it — unless some went back: handed back to this
    // watchdog (a monitor it is still loading) they would come straight back, and all MAX_HOPS hand-backs pass in milliseconds.
    return { taken: results.length, more: more && notMine.length === 0 };
  }

  /**
   * The vantages' network rule, counted over the monitors this watchdog owns from their detectors in memory: each
   * vantage's fresh sightings, how many fail, and whether another vantage sees those up. Sent with the heartbeat; the
   * evaluator sums the live watchdogs' counts (it read every monitor's stored state before, 45 µs of PostgreSQL per probe).
   */
  networkTally(now = this.now()): Record<string, NetworkTally> {
    const tallies = new Map<string, NetworkTally>();
    const fresh: VantageSighting[] = [];
    for (const t of this.tracked.values()) {
      fresh.length = 0;
      const refusing = this.refusals.get(t.monitor.id);
      for (const vantage in t.state.vantages) {
        const v = t.state.vantages[vantage]!;
        if (v.at > now - IMPAIRMENT_FRESH_MS && !refusing?.has(vantage)) fresh.push({ vantage, status: v.streakStatus, at: v.at, since: v.streakSince });
      }
      // An agent that refuses its targets fails them from its own side: an agent refusing everything is impaired. Not
      // this watchdog's refusals: they are the platform's setting on one address, not its network failing.
      for (const [vantage, r] of refusing ?? []) if (vantage !== this.config.vantage && r.at > now - IMPAIRMENT_FRESH_MS) fresh.push({ vantage, status: 'down', at: r.at, since: r.since });
      if (fresh.length) tallyMonitor(t.monitor.tenantId, fresh, tallies);
    }
    return Object.fromEntries(tallies);
  }

  private async beatAsVantage(): Promise<void> {
    if (!this.vantageId) return;
    await this.vantages.reportHealth(this.vantageId, { clockOffsetMs: 0, ...this.probeRate.read(performance.now(), this.scheduler?.notStarted ?? 0) });
  }

  /**
   * A deleted monitor's open outage is closed at the instant of deletion — ended, not repaired (reports count it as
   * cut, and the pagers hear "resolved" so their incident does not stay open for ever). Idempotent across replicas.
   */
  private async closeDeleted(): Promise<void> {
    for (const m of await this.incidentHistory.openOfDeletedMonitors()) {
      await this.incidents.resolve(m, new Date(m.deletedAt), DELETED_REASON);
    }
  }

  /**
   * A paused monitor is watched by nobody: from the instant it is seen paused its time is unobserved (state unknown,
   * "paused"), and its open outage is closed there — ended, not repaired, as a deleted monitor's. Before, its last
   * verdict held for as long as it stayed paused: an outage paused counted downtime without end, a monitor paused
   * while up counted uptime nobody saw. Resumed, it starts afresh (a first verdict, a new incident if still down).
   * The outage is closed first, the state marked after: a crash between leaves the monitor to be found again next
   * round (an outage left open under a state already "paused" would never be found). Idempotent across replicas.
   */
  private async closePaused(): Promise<void> {
    const paused = await this.store.pausedUnmarked();
    const at = new Date(this.now());
    for (const m of paused) await this.incidents.resolve(m, at, PAUSED_REASON);
    await this.store.pause(paused.map((m) => m.id), at, PAUSED_STATE_REASON);
  }

  private async probe(monitor: WatchedMonitor): Promise<number | undefined> {
    let result: ProbeResult;
    try {
      result = await this.runner.run(await this.targets.of(monitor));
    } catch (error) {
      result = { status: 'down', latencyMs: 0, at: this.now(), reason: `cannot prepare the probe: ${error instanceof Error ? error.message : String(error)}` };
    }
    this.lastProbeAt = this.now();
    // The platform's egress policy refuses the configured address itself (a tenant's exception that does not cover
    // this port, a policy tightened since the monitor was saved): a setting, not the target's health. Not probed here,
    // so not a vote — the monitor is unknown and says why, never a page or downtime — as an agent's own refusal is.
    // (Looked up only then, or while a refusal is noted: not on every probe's path.)
    if (result.configuredRefusal || this.refusals.has(monitor.id)) {
      const tracked = this.tracked.get(monitor.id);
      if (tracked) this.noteRefusal(tracked, this.config.vantage, result.configuredRefusal ? { reason: result.reason, at: result.at } : undefined);
      if (result.configuredRefusal) return undefined;
    }
    this.probeRate.count(result.status === 'down');
    return this.handle(monitor, result);
  }

  /**
   * Probes that stop completing (a stuck event loop, a scheduler bug, every probe hanging past its deadline) blind
   * this watchdog as surely as a lost database: after three of its shortest intervals (at least 30 s) without one
   * completed probe it says so (`Sight`: /healthz fails, the banner shows, the dead man's switch goes quiet).
   */
  private checkProbing(now = this.now()): void {
    if (!this.sight) return;
    // Only what this watchdog probes itself: a monitor only remote agents probe completes no probe here.
    const probedHere = [...this.tracked.values()].filter((t) => this.assigned.get(t.monitor.id)?.assignment.central ?? true);
    if (probedHere.length === 0) {
      // Nothing to probe is not blindness; the clock starts again when monitors arrive.
      this.lastProbeAt = now;
      return this.sight.sees('probes');
    }
    const shortest = Math.min(...probedHere.map((t) => t.monitor.intervalMs));
    const silentMs = now - this.lastProbeAt;
    if (silentMs > Math.max(PROBE_STALL_MIN_MS, 3 * shortest)) {
      this.sight.blind('probes', 'a watchdog\'s probes have stopped completing', new Date(this.lastProbeAt));
      this.logger.warn(`no probe has completed for ${Math.round(silentMs / 1000)} s (${probedHere.length} monitors probed by this watchdog)`);
    } else this.sight.sees('probes');
  }

  /** Feeds one result from one vantage (this watchdog's own by default) to the detector; returns the re-probe delay it asks for. */
  // Not async: it never waits (changes go to the ChangeWriter), and a promise per result was pure cost. Callers may await it.
  handle(monitor: WatchedMonitor, result: ProbeResult, vantage = this.config.vantage): number | undefined {
    const tracked = this.tracked.get(monitor.id);
    if (!tracked) return undefined;
    const previous = tracked.state;
    // An agent's results are judged in the order they were probed. It sends the results that move a verdict ahead of
    // its queue, so an older steady result of the same monitor may arrive after a newer one: history (its rollup),
    // never a step back in the streak. Bounded by the freshness bound (a result older than that is history anyway), so
    // that an agent's clock stepped back is not ignored for long (the gateway applies its measured offset, and an
    // offset over 2 s makes it impaired); this watchdog's own results come in order.
    if (vantage !== this.config.vantage && arrivedLate(previous, vantage, result.at, this.policy.vantageStaleMs)) {
      this.rollups.add(monitor.id, monitor.tenantId, result);
      return undefined;
    }
    const outcome = observe(previous, vantage, result, this.assigned.get(monitor.id)?.policy ?? this.policy);
    tracked.state = outcome.state;
    tracked.last = result;
    tracked.dirty = true;
    if (!tracked.significant && differsBeyondLatest(previous, outcome.state)) tracked.significant = true;
    this.rollups.add(monitor.id, monitor.tenantId, result);
    if (outcome.change && !this.changes.push({ dirty: { monitor, state: outcome.state, last: result }, change: outcome.change, previous })) {
      // The queue is full (the database has been away long): keep the state before, so the change is produced again.
      tracked.state = previous;
    }
    return outcome.reprobeInMs;
  }

  /**
   * Monitors no vantage has reported on within the freshness bound (their agent never connected or stopped, every
   * voter impaired, probing stalled) are judged again without a result: unknown, saying who went quiet since when —
   * never "up" on old results (an operator stopped a server and the page kept saying up). Outages stay held.
   */
  reassessSilent(now = this.now()): number {
    let changed = 0;
    for (const tracked of this.tracked.values()) {
      const policy = this.assigned.get(tracked.monitor.id)?.policy ?? this.policy;
      // A monitor probed every 5 minutes is not silent 61 s after its last result: three of its intervals pass first.
      const bound = this.freshFor(tracked.monitor);
      // Taken on (a restart, a takeover) within the bound: its stored results may be old, its voters not silent.
      if (tracked.loadedAt !== undefined && now - tracked.loadedAt < bound) continue;
      if (this.judgeSilent(tracked, policy, now)) changed++;
    }
    return changed;
  }

  /** `reassess` of one monitor, its change recorded; true when it changed. */
  private judgeSilent(tracked: Tracked, policy: DetectorPolicy, now: number): boolean {
    const outcome = reassess(tracked.state, now, { ...policy, vantageStaleMs: this.freshFor(tracked.monitor) });
    if (!outcome?.change) return false;
    const previous = tracked.state;
    tracked.state = outcome.state;
    tracked.dirty = true;
    tracked.significant = true;
    if (this.changes.push({ dirty: { monitor: tracked.monitor, state: outcome.state, last: tracked.last }, change: outcome.change, previous })) return true;
    tracked.state = previous;
    return false;
  }

  private async applyToIncidents(monitor: WatchedMonitor, change: HealthChange): Promise<void> {
    const ref: MonitorRef = { id: monitor.id, tenantId: monitor.tenantId, hostId: monitor.hostId, serviceId: monitor.serviceId, name: monitor.name };
    // Only an outage needs to look around (maintenance, the host's state); the rest is decided by the change alone.
    const opening = change.to === 'down' && change.from !== 'down';
    const recovering = (change.to === 'up' || change.to === 'degraded') && (change.from === 'down' || change.outageWasOpen === true);
    const inMaintenance = (opening || recovering) && (await this.store.activeMaintenance(monitor, new Date(change.effectiveAt)));
    // A planned restart is no flap: swings inside maintenance are not counted toward flap damping (three restarts
    // of a database in its window made the real failure right after it "flapping", and paged nobody for 9 minutes).
    if (inMaintenance) this.forgetSwing(monitor.id, change.at);
    const context: IncidentContext = {
      hostLevel: monitor.hostLevel,
      inMaintenance: opening && inMaintenance,
      hostIncidentId: opening && !monitor.hostLevel ? (await this.incidents.openHostIncident(monitor.hostId))?.id : undefined,
    };
    const action = incidentAction(change, context);
    // Incidents write their outbox in the same transaction: alerts and runbooks take it from there (durably).
    if (action.kind === 'open') {
      const opened = await this.incidents.open(ref, new Date(action.at), change.reason, { planned: action.planned, flapping: action.flapping, hostIncidentId: action.causeIncidentId, suppressed: action.suppressed });
      // Seen down again while held open: the same incident goes on — said on its timeline, its flapping flag kept true.
      if (!opened && change.outageWasOpen) await this.incidents.note(ref, new Date(action.at), 'down again', `${monitor.name} down again: ${change.reason.replace(/^down: /, '')}`, change.flapping);
    } else if (action.kind === 'resolve') {
      await this.incidents.resolve(ref, new Date(action.at), change.reason);
    } else if (action.kind === 'note') {
      await this.incidents.note(ref, new Date(action.at), action.what, `${monitor.name}: ${action.message}`);
    } else if (action.kind === 'flapping') {
      await this.incidents.note(ref, new Date(action.at), 'flapping', action.flapping ? 'flapping: alerts held; a primary\'s failover waits until it stays down' : 'stable again', action.flapping);
    }
  }

  /** Takes one up⇄down swing out of the monitor's flap count (the detector recounts its flag at the next result). */
  private forgetSwing(monitorId: string, at: number): void {
    const tracked = this.tracked.get(monitorId);
    if (!tracked || !tracked.state.changes.includes(at)) return;
    tracked.state = { ...tracked.state, changes: tracked.state.changes.filter((t) => t !== at) };
    tracked.dirty = true;
  }

  /**
   * Writes the states that changed since the last flush. A state whose only news is its latest result (a steady
   * monitor: same health, same verdicts) is rewritten at most VIGIA_STATE_WRITES_PER_SECOND per second, oldest first:
   * up to 1,000 monitors per watchdog that is every flush, as before; at 6,667 every ~67 s instead of 667 rows
   * a second (at 6,000 × 3 PostgreSQL's costliest statement, in a burst every 10 s; docs/performance.md). The stored "last result" of a steady monitor is then older,
   * never wrong; any change of health, verdict or run is written at the next flush, health changes at once.
   */
  private async flush(all: boolean): Promise<void> {
    const now = this.now();
    const room = Math.ceil((this.config.stateWritesPerSecond * this.config.stateFlushMs) / 1000);
    const batch = statesToWrite(this.tracked.values(), all, room);
    for (const t of batch) {
      t.dirty = false;
      t.significant = false;
      t.writtenAt = now;
    }
    await this.store.saveStates(batch.map((t) => ({ monitor: t.monitor, state: t.state, last: t.last })));
    await this.store.saveRollups(this.rollups.take(now, all));
  }

  private async prune(): Promise<void> {
    await this.store.pruneRollups(new Date(this.now() - this.config.rollupRetentionDays * 86_400_000));
    await this.inbox.prune(new Date(this.now() - 3_600_000));
  }

  /** The injected clock's now, in ms: probe times, staleness, prune cut-offs and liveness all count on it. */
  private now(): number {
    return this.clock.now().getTime();
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
