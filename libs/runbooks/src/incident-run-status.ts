import { Global, Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Incident, RUNBOOK_STATUS, type RunbookStatusSource } from '#lib/incidents';
import { ACTIVE_RUN_STATUSES, RunbookRun } from './entities/run.entity.js';

/**
 * The runbook line of an incident's alerts: the runs still going (pending, running, waiting for approval or an
 * operator), then the latest that ended. A fixed "none running" told a pager nothing while a
 * failover waited for their approval, and "step move vip failed" hid why.
 */
@Injectable()
export class IncidentRunStatus implements RunbookStatusSource {
  constructor(@InjectRepository(RunbookRun) private readonly runs: Repository<RunbookRun>) {}

  async forIncident(incident: Pick<Incident, 'id' | 'tenantId'>): Promise<string> {
    const runs = await this.runs
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenant AND r.incident_id = :incident', { tenant: incident.tenantId, incident: incident.id })
      .orderBy('r.created_at', 'DESC')
      .take(20)
      .getMany();
    if (!runs.length) return 'none started';
    // Every run still going (the pager may have to act on it), then the latest that ended (what happened last).
    const active = runs.filter((r) => ACTIVE_RUN_STATUSES.includes(r.status));
    const ended = runs.find((r) => !ACTIVE_RUN_STATUSES.includes(r.status));
    return [...active.slice(0, 3), ...(ended ? [ended] : [])]
      .map((run) => `${run.runbookName} (run ${run.id}, ${run.trigger}) ${run.status.replace('_', ' ')}${run.statusReason ? `: ${run.statusReason}` : ''}`)
      .join('; ');
  }

  /** A step that did something (not an approval waiting, not skipped) ran in a run for it: the fleet may have changed. */
  async acted(incident: Pick<Incident, 'id' | 'tenantId'>): Promise<boolean> {
    const [row]: { acted: boolean }[] = await this.runs.query(
      `SELECT EXISTS (SELECT 1 FROM runbook_runs r JOIN runbook_run_steps s ON s.run_id = r.id
                       WHERE r.tenant_id = $1 AND r.incident_id = $2 AND s.type <> 'approval' AND s.status IN ('running', 'succeeded', 'failed', 'unknown')) AS acted`,
      [incident.tenantId, incident.id],
    );
    return row?.acted ?? false;
  }
}

/** Global, so the alerts library finds it under the incidents library's token without importing runbooks. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RunbookRun])],
  providers: [{ provide: RUNBOOK_STATUS, useClass: IncidentRunStatus }],
  exports: [RUNBOOK_STATUS],
})
export class IncidentRunStatusModule {}
