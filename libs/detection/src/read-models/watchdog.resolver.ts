import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { WatchdogInstance } from '../entities/watchdog-instance.entity.js';

/** Watchdogs are shared infrastructure, not tenant data: every signed-in user may see which are alive. */
@Resolver(() => WatchdogInstance)
export class WatchdogResolver {
  constructor(
    @InjectRepository(WatchdogInstance) private readonly instances: Repository<WatchdogInstance>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => [WatchdogInstance], { description: 'Watchdog processes that beat within the last minute' })
  watchdogs(): Promise<WatchdogInstance[]> {
    const cutoff = new Date(this.clock.now().getTime() - 60_000);
    return this.instances.find({ where: { heartbeatAt: MoreThan(cutoff), stoppedAt: IsNull() }, order: { startedAt: 'ASC' } });
  }
}
