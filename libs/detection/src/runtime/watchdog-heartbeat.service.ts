import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type FindOptionsWhere, IsNull, MoreThan, Repository } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Sight } from '#lib/observability';
import { HeldConnection } from '#lib/persistence';
import type { NetworkTally } from '#lib/vantages';
import { ObservationLog } from './observation-log.js';
import { WatchdogInstance } from '../entities/watchdog-instance.entity.js';

/** Where a beat's time went (ms): other watchdogs judge this one silent when `gapMs` passes the silence bound. */
export interface BeatTimes {
  /** Between two written beats. */
  gapMs: number;
  /** From the beat's start to its row written on the heartbeat's own connection (reopening it after a failure included). */
  writeMs: number;
  /** How much later than due the beat started: the event loop busy. */
  lateMs: number;
}

/**
 * The rule of a live watchdog, in one place: a heartbeat within the ownership bound, not stopped. The watchdogs split
 * the monitors among these, and the agents' gateway routes results to them: both must agree.
 */
export function liveWatchdogs(now: Date, ownershipMs: number): FindOptionsWhere<WatchdogInstance> {
  return { heartbeatAt: MoreThan(new Date(now.getTime() - ownershipMs)), stoppedAt: IsNull() };
}

/**
 * Registers this watchdog and beats every few seconds (a `PeriodicWorker`: a slow beat never overlaps the next).
 * The monitor catalog uses `liveInstances()` to split monitors among replicas; a replica is dead after three missed beats.
 */
@Injectable()
export class WatchdogHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('Watchdog');
  private readonly loop: PeriodicWorker;
  /** The beat's own connection: a beat never waits for the pool to open one (see HeldConnection). */
  private readonly connection: HeldConnection;
  /** What the watchdog tallies for the vantages' network rule, sent with every beat (set by WatchdogService). */
  private tally?: () => Record<string, NetworkTally>;
  /** When the last beat was written (ms, performance clock), and the worst of each part since `takeBeatTimes()`. */
  private lastWritten = performance.now();
  private lastEnded = performance.now();
  private times: BeatTimes = { gapMs: 0, writeMs: 0, lateMs: 0 };

  constructor(
    @InjectRepository(WatchdogInstance) private readonly instances: Repository<WatchdogInstance>,
    private readonly config: VigiaConfig,
    private readonly observation: ObservationLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly sight?: Sight,
  ) {
    // The deadline only frees a beat from a path that lost packets without a reset. It is generous: in a stalled event
    // loop a timer fires before the answer waiting is read, and a deadline as short as the ownership bound (3 s) made
    // a saturated watchdog (loop delays of 2 s, 20,000 monitors × 3 on 2 cores) drop good connections and open new ones.
    this.connection = new HeldConnection(config.databaseUrl, 2 * config.watchdogSilenceMs, 'vigia-heartbeat');
    // beat() reports its own failures (a missed beat is survivable).
    this.loop = new PeriodicWorker('heartbeat', () => this.beat(), { everyMs: config.watchdogHeartbeatMs, onError: (e) => this.logger.warn(`heartbeat: ${String(e)}`) });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Opened before registering: opening a connection on a machine busy starting everything took up to 8 s (bench:
    // vantages at 6,000 × 3), and a first beat that waited for it made the others judge this watchdog silent.
    await this.connection.query('SELECT 1');
    const now = this.clock.now();
    await this.instances.insert({ id: this.instanceId, hostname: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, stoppedAt: null, vantage: this.config.vantage });
    // The registration is the first beat: the gaps are measured from here.
    this.lastWritten = this.lastEnded = performance.now();
    await this.observation.record(now);
    this.logger.log(`watchdog ${this.instanceId} registered`);
    this.loop.start();
  }

  reportTally(tally: () => Record<string, NetworkTally>): void {
    this.tally = tally;
  }

  async beat(): Promise<void> {
    const started = performance.now();
    // A beat is due everyMs after the previous one ended; starting later than that is this process's event loop.
    this.times.lateMs = Math.max(this.times.lateMs, started - this.lastEnded - this.config.watchdogHeartbeatMs);
    try {
      const now = this.clock.now();
      // Its own probes stalled travels with the beat: an API in another process puts it on its banner (WatchdogPresence).
      const stalled = this.sight?.status().reasons.find((r) => r.source === 'probes');
      const tally = this.tally?.() ?? null;
      await this.connection.query(
        'UPDATE watchdog_instances SET heartbeat_at = $2, blind_since = $3, blind_reason = $4, network_tally = $5 WHERE id = $1',
        [this.instanceId, now, stalled?.since ?? null, stalled?.reason ?? null, tally === null ? null : JSON.stringify(tally)],
      );
      const written = performance.now();
      this.times.writeMs = Math.max(this.times.writeMs, written - started);
      this.times.gapMs = Math.max(this.times.gapMs, written - this.lastWritten);
      this.lastWritten = written;
      // The same beat says "Vigia was watching until now"; a beat that cannot be written leaves a gap reports see.
      await this.observation.record(now, this.connection);
    } catch (error) {
      // A missed beat is survivable (the next one may succeed); a crashed watchdog is not.
      this.logger.warn(`heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.lastEnded = performance.now();
    }
  }

  /** The worst beat since the last call: the gap between two written beats, one write's time, and a start's lateness. */
  takeBeatTimes(): BeatTimes {
    const times = this.times;
    this.times = { gapMs: 0, writeMs: 0, lateMs: 0 };
    return times;
  }

  liveInstances(): Promise<WatchdogInstance[]> {
    return this.instances.find({ where: liveWatchdogs(this.clock.now(), this.config.watchdogOwnershipMs), order: { startedAt: 'ASC' } });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.connection.close();
    await this.instances.update({ id: this.instanceId }, { stoppedAt: this.clock.now() }).catch(() => undefined);
  }
}
