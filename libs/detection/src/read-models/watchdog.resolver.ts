import { Query, Resolver } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { WatchdogInstance } from '../entities/watchdog-instance.entity.js';

/** Watchdogs are shared infrastructure, not tenant data: every signed-in user may see which are alive. */
@Resolver(() => WatchdogInstance)
export class WatchdogResolver {
  constructor(@InjectRepository(WatchdogInstance) private readonly instances: Repository<WatchdogInstance>) {}

  @Query(() => [WatchdogInstance], { description: 'Watchdog processes that beat within the last minute' })
  watchdogs(): Promise<WatchdogInstance[]> {
    const cutoff = new Date(Date.now() - 60_000);
    return this.instances.find({ where: { heartbeatAt: MoreThan(cutoff), stoppedAt: IsNull() }, order: { startedAt: 'ASC' } });
  }
}
