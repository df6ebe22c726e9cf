import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type FindOptionsWhere, IsNull, MoreThan, Repository } from 'typeorm';
import { CLOCK, type Clock, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { Sight } from '#lib/observability';
import type { NetworkTally } from '#lib/vantages';
import { ObservationLog } from './observation-log.js';
import { WatchdogInstance } from '../entities/watchdog-instance.entity.js';

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
  /** What the watchdog tallies for the vantages' network rule, sent with every beat (set by WatchdogService). */
  private tally?: () => Record<string, NetworkTally>;

  constructor(
    @InjectRepository(WatchdogInstance) private readonly instances: Repository<WatchdogInstance>,
    private readonly config: VigiaConfig,
    private readonly observation: ObservationLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly sight?: Sight,
  ) {
    // beat() reports its own failures (a missed beat is survivable).
    this.loop = new PeriodicWorker('heartbeat', () => this.beat(), { everyMs: config.watchdogHeartbeatMs, onError: (e) => this.logger.warn(`heartbeat: ${String(e)}`) });
  }

  async onApplicationBootstrap(): Promise<void> {
    const now = this.clock.now();
    await this.instances.insert({ id: this.instanceId, hostname: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, stoppedAt: null, vantage: this.config.vantage });
    await this.observation.record(now);
    this.logger.log(`watchdog ${this.instanceId} registered`);
    this.loop.start();
  }

  reportTally(tally: () => Record<string, NetworkTally>): void {
    this.tally = tally;
  }

  async beat(): Promise<void> {
    try {
      const now = this.clock.now();
      // Its own probes stalled travels with the beat: an API in another process puts it on its banner (WatchdogPresence).
      const stalled = this.sight?.status().reasons.find((r) => r.source === 'probes');
      await this.instances.update({ id: this.instanceId }, { heartbeatAt: now, blindSince: stalled?.since ?? null, blindReason: stalled?.reason ?? null, networkTally: this.tally?.() ?? null });
      // The same beat says "Vigia was watching until now"; a beat that cannot be written leaves a gap reports see.
      await this.observation.record(now);
    } catch (error) {
      // A missed beat is survivable (the next one may succeed); a crashed watchdog is not.
      this.logger.warn(`heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  liveInstances(): Promise<WatchdogInstance[]> {
    return this.instances.find({ where: liveWatchdogs(this.clock.now(), this.config.watchdogOwnershipMs), order: { startedAt: 'ASC' } });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.instances.update({ id: this.instanceId }, { stoppedAt: this.clock.now() }).catch(() => undefined);
  }
}
