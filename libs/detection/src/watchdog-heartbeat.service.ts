import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { ObservationLog } from './observation-log.js';
import { WatchdogInstance } from './watchdog-instance.entity.js';

/**
 * Registers this watchdog and beats every few seconds. The scheduler (probes issue) will use `liveInstances()` to
 * split monitors among replicas; a replica is considered dead after three missed beats.
 */
@Injectable()
export class WatchdogHeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('Watchdog');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(WatchdogInstance) private readonly instances: Repository<WatchdogInstance>,
    private readonly config: VigiaConfig,
    private readonly observation: ObservationLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = this.clock.now();
    await this.instances.insert({ id: this.instanceId, hostname: hostname(), pid: process.pid, startedAt: now, heartbeatAt: now, stoppedAt: null });
    await this.observation.record(now);
    this.logger.log(`watchdog ${this.instanceId} registered`);
    this.timer = setInterval(() => void this.beat(), this.config.watchdogHeartbeatMs);
  }

  async beat(): Promise<void> {
    try {
      const now = this.clock.now();
      await this.instances.update({ id: this.instanceId }, { heartbeatAt: now });
      // The same beat says "Vigia was watching until now"; a beat that cannot be written leaves a gap reports see.
      await this.observation.record(now);
    } catch (error) {
      // A missed beat is survivable (the next one may succeed); a crashed watchdog is not.
      this.logger.warn(`heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  liveInstances(): Promise<WatchdogInstance[]> {
    const cutoff = new Date(this.clock.now().getTime() - 3 * this.config.watchdogHeartbeatMs);
    return this.instances.find({ where: { heartbeatAt: MoreThan(cutoff), stoppedAt: IsNull() }, order: { startedAt: 'ASC' } });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.instances.update({ id: this.instanceId }, { stoppedAt: this.clock.now() }).catch(() => undefined);
  }
}
