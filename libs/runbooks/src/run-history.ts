import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RunbookRun } from './entities/run.entity.js';

/**
 * Runbooks' port for removing the record of runs (the audit of failovers) that belongs to something going away whole
 * — the live demo's failover unit and runbook. Runbooks own `runbook_runs` (their steps go with them by cascade);
 * the demo asks here instead of deleting them itself.
 */
@Injectable()
export class RunHistory {
  constructor(@InjectRepository(RunbookRun) private readonly runs: Repository<RunbookRun>) {}

  /** Deletes the tenant's runs of the failover unit and those of the runbook (either may be absent). */
  async removeRunsOf(tenantId: string, of: { resourceId?: string | null; runbookId?: string | null }): Promise<void> {
    if (of.resourceId) await this.runs.delete({ tenantId, resourceId: of.resourceId });
    if (of.runbookId) await this.runs.delete({ tenantId, runbookId: of.runbookId });
  }
}

/** The run-history port alone: no workers, no resolvers (the API's demo imports it). */
@Module({
  imports: [TypeOrmModule.forFeature([RunbookRun])],
  providers: [RunHistory],
  exports: [RunHistory],
})
export class RunHistoryModule {}
