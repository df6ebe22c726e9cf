import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AlertsService } from '#lib/alerts';
import { Incident, IncidentsService } from '#lib/incidents';
import { type RunbookRun, RunStatus } from '../entities/run.entity.js';

/** Tells people what a run did: a line on the incident's timeline, and an alert when the run needs someone. */
@Injectable()
export class RunNotices {
  private readonly logger = new Logger('Runbooks');

  constructor(
    private readonly incidents: IncidentsService,
    private readonly alerts: AlertsService,
    private readonly dataSource: DataSource,
  ) {}

  async runEnded(run: RunbookRun, status: RunStatus, reason: string | null): Promise<void> {
    const text = `runbook ${run.runbookName} (run ${run.id}, ${run.trigger}) ${status.replace('_', ' ')}${reason ? `: ${reason}` : ''}`;
    this.logger.log(text);
    if (!run.incidentId) return;
    try {
      await this.incidents.annotate(run.tenantId, run.incidentId, 'runbook', text);
      if (status === RunStatus.failed || status === RunStatus.needs_operator || status === RunStatus.waiting_approval) {
        const incident = await this.dataSource.getRepository(Incident).findOne({ where: { id: run.incidentId } });
        if (incident) await this.alerts.runbookAttention(incident, text);
      }
    } catch (error) {
      this.logger.warn(`could not record the run on incident ${run.incidentId}: ${(error as Error).message}`);
    }
  }

  async note(tenantId: string, incidentId: string | null | undefined, text: string): Promise<void> {
    this.logger.log(text);
    if (incidentId) await this.incidents.annotate(tenantId, incidentId, 'runbook', text).catch(() => undefined);
  }
}
