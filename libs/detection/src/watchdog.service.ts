import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { VigiaConfig } from '#lib/config';
import { AlertsService } from '#lib/alerts';
import { IncidentsService, type MonitorRef } from '#lib/incidents';
import { RunbookTriggers } from '#lib/runbooks';
import { type ProbeResult, ProbeRunner } from '#lib/probes';
import { DEFAULT_POLICY, type DetectorPolicy, type DetectorState, type HealthChange, initialState, observe } from './detector.js';
import { ChangeWriter, type PendingChange } from './change-writer.js';
import { type IncidentContext, incidentAction } from './incident-policy.js';
import { MonitorCatalog, type WatchedMonitor } from './monitor-catalog.js';
import { ProbeScheduler } from './probe-scheduler.js';
import { ProbeTargets } from './probe-targets.js';
import { RollupAggregator } from './rollup-aggregator.js';
import { StateStore } from './state-store.js';
import { WatchdogHeartbeatService } from './watchdog-heartbeat.service.js';

const FULL_REFRESH_MS = 60_000;

type Pending = PendingChange & { previous: DetectorState };

interface Tracked {
  monitor: WatchedMonitor;
  state: DetectorState;
  last?: ProbeResult;
  dirty: boolean;
}

export interface WatchdogStats {
  monitors: number;
  probes: number;
  drift: number[];
}

/**
 * The watchdog role: owns a share of the monitors, probes them on schedule, feeds the detector, stores every
 * health change at once and the rest in batches, and opens/closes incidents. Probe result → detector → incident.
 */
@Injectable()
export class WatchdogService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Watchdog');
  private readonly tracked = new Map<string, Tracked>();
  private readonly rollups = new RollupAggregator();
  private readonly policy: DetectorPolicy;
  private scheduler?: ProbeScheduler<WatchedMonitor>;
  private timers: NodeJS.Timeout[] = [];
  private lastFingerprint = '';
  private lastFullRefresh = 0;
  /** Drift samples since the last `takeDrift()`, for the benchmark and metrics. */
  private drift: number[] = [];

  private readonly changes = new ChangeWriter<Pending>(
    (batch) => this.store.saveChanges(batch),
    (item) => this.applyToIncidents(item.dirty.monitor, item.change),
    (error, batch) => {
      this.warn(`recording ${batch.length} state change(s)`, error);
      // Not recorded: go back to the state before, so the next result produces the change again.
      for (const item of batch) {
        const tracked = this.tracked.get(item.dirty.monitor.id);
        if (tracked && tracked.state === item.dirty.state) tracked.state = item.previous;
      }
    },
  );

  constructor(
    private readonly config: VigiaConfig,
    private readonly catalog: MonitorCatalog,
    private readonly heartbeat: WatchdogHeartbeatService,
    private readonly store: StateStore,
    private readonly runner: ProbeRunner,
    private readonly incidents: IncidentsService,
    private readonly targets: ProbeTargets,
    private readonly alerts: AlertsService,
    private readonly runbooks: RunbookTriggers,
  ) {
    this.policy = { ...DEFAULT_POLICY, ...config.detection };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.scheduler = new ProbeScheduler<WatchedMonitor>(
      { run: (monitor) => this.probe(monitor), onDrift: (ms) => this.drift.push(ms) },
      this.config.watchdogConcurrency,
    );
    await this.refresh();
    this.timers.push(setInterval(() => void this.refresh().catch((e: unknown) => this.warn('refresh', e)), this.config.watchdogHeartbeatMs));
    this.timers.push(setInterval(() => void this.flush(false).catch((e: unknown) => this.warn('flush', e)), this.config.stateFlushMs));
    this.timers.push(setInterval(() => void this.prune().catch((e: unknown) => this.warn('prune', e)), 3_600_000));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.scheduler?.stop();
    await this.changes.drain();
    await this.flush(true).catch((e: unknown) => this.warn('final flush', e));
  }

  stats(): { monitors: number; started: number; skippedOverlap: number; running: number } {
    return { monitors: this.tracked.size, started: this.scheduler?.stats.started ?? 0, skippedOverlap: this.scheduler?.stats.skippedOverlap ?? 0, running: this.scheduler?.running ?? 0 };
  }

  takeDrift(): number[] {
    const samples = this.drift;
    this.drift = [];
    return samples;
  }

  /** Re-reads the monitors this watchdog owns (new, changed, removed, or moved from a dead replica). */
  async refresh(): Promise<void> {
    const live = (await this.heartbeat.liveInstances()).map((i) => i.id);
    const fingerprint = `${await this.catalog.fingerprint()}|${[...live].sort().join(',')}`;
    // Unchanged fleet and replicas: nothing to reload, except a full re-read now and then as a safety net.
    if (fingerprint === this.lastFingerprint && Date.now() - this.lastFullRefresh < FULL_REFRESH_MS) return;
    this.lastFingerprint = fingerprint;
    this.lastFullRefresh = Date.now();
    this.targets.forget();
    const owned = await this.catalog.owned(this.heartbeat.instanceId, live);
    const ids = new Set(owned.map((m) => m.id));
    const gone = [...this.tracked.values()].filter((t) => !ids.has(t.monitor.id));
    await this.store.saveStates(gone.filter((t) => t.dirty && t.last).map((t) => ({ monitor: t.monitor, state: t.state, last: t.last! })));
    for (const t of gone) this.tracked.delete(t.monitor.id);
    const fresh = owned.filter((m) => !this.tracked.has(m.id));
    const stored = fresh.length ? await this.store.load(fresh.map((m) => m.id)) : new Map<string, DetectorState>();
    const now = Date.now();
    for (const monitor of owned) {
      const existing = this.tracked.get(monitor.id);
      if (existing) existing.monitor = monitor;
      else this.tracked.set(monitor.id, { monitor, state: stored.get(monitor.id) ?? initialState(now), dirty: false });
    }
    this.scheduler?.setMonitors(owned);
  }

  private async probe(monitor: WatchedMonitor): Promise<number | undefined> {
    let result: ProbeResult;
    try {
      result = await this.runner.run(await this.targets.of(monitor));
    } catch (error) {
      result = { status: 'down', latencyMs: 0, at: Date.now(), reason: `cannot prepare the probe: ${error instanceof Error ? error.message : String(error)}` };
    }
    return this.handle(monitor, result);
  }

  /** Feeds one result to the detector; returns the re-probe delay the detector asks for. */
  async handle(monitor: WatchedMonitor, result: ProbeResult): Promise<number | undefined> {
    const tracked = this.tracked.get(monitor.id);
    if (!tracked) return undefined;
    const previous = tracked.state;
    const outcome = observe(previous, this.config.vantage, result, this.policy);
    tracked.state = outcome.state;
    tracked.last = result;
    tracked.dirty = true;
    this.rollups.add(monitor.id, monitor.tenantId, result);
    if (outcome.change) this.changes.push({ dirty: { monitor, state: outcome.state, last: result }, change: outcome.change, previous });
    return outcome.reprobeInMs;
  }

  private async applyToIncidents(monitor: WatchedMonitor, change: HealthChange): Promise<void> {
    const ref: MonitorRef = { id: monitor.id, tenantId: monitor.tenantId, hostId: monitor.hostId, serviceId: monitor.serviceId, name: monitor.name };
    // Only an outage needs to look around (maintenance, the host's state); the rest is decided by the change alone.
    const opening = change.to === 'down' && change.from !== 'down';
    const context: IncidentContext = {
      hostLevel: monitor.hostLevel,
      inMaintenance: opening && (await this.store.activeMaintenance(monitor, new Date(change.effectiveAt))),
      hostIncidentId: opening && !monitor.hostLevel ? (await this.incidents.openHostIncident(monitor.hostId))?.id : undefined,
    };
    const action = incidentAction(change, context);
    if (action.kind === 'open') {
      const incident = await this.incidents.open(ref, new Date(action.at), change.reason, { planned: action.planned, flapping: action.flapping, hostIncidentId: action.causeIncidentId, suppressed: action.suppressed });
      if (incident) {
        // Runbooks first: a failover should not wait for the alert queue.
        await this.runbooks.incidentOpened(incident).catch((e: unknown) => this.warn('starting runbooks', e));
        await this.alerts.incidentOpened(incident, monitor.name).catch((e: unknown) => this.warn('queueing alerts', e));
      }
    } else if (action.kind === 'resolve') {
      const incident = await this.incidents.resolve(ref, new Date(action.at), change.reason);
      if (incident) await this.alerts.incidentResolved(incident, monitor.name).catch((e: unknown) => this.warn('queueing alerts', e));
    } else if (action.kind === 'flapping') {
      await this.incidents.note(ref, new Date(action.at), 'flapping', action.flapping ? 'flapping: runbooks held until stable' : 'stable again', action.flapping);
    }
  }

  private async flush(all: boolean): Promise<void> {
    const dirty = [...this.tracked.values()].filter((t) => t.dirty && t.last);
    for (const t of dirty) t.dirty = false;
    await this.store.saveStates(dirty.map((t) => ({ monitor: t.monitor, state: t.state, last: t.last! })));
    await this.store.saveRollups(this.rollups.take(Date.now(), all));
  }

  private async prune(): Promise<void> {
    await this.store.pruneRollups(new Date(Date.now() - this.config.rollupRetentionDays * 86_400_000));
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
