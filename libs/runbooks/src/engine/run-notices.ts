import { Injectable, Logger } from '@nestjs/common';
import { IncidentsService } from '#lib/incidents';
import { type RunbookRun, RunStatus } from '../entities/run.entity.js';

/** Tells people what a run did: a line on the incident's timeline, and an alert when the run needs someone. */
@Injectable()
export class RunNotices {
  private readonly logger = new Logger('Runbooks');

  constructor(
    private readonly incidents: IncidentsService,
  ) {}

  async runEnded(run: RunbookRun, status: RunStatus, reason: string | null): Promise<void> {
    const text = `runbook ${run.runbookName} (run ${run.id}, ${run.trigger}) ${status.replace('_', ' ')}${reason ? `: ${reason}` : ''}`;
    this.logger.log(text);
    if (!run.incidentId) return;
    try {
      // A run that needs a person is paged: the timeline line and the page go out together through the outbox.
      if (status === RunStatus.failed || status === RunStatus.needs_operator || status === RunStatus.waiting_approval) await this.incidents.attention(run.tenantId, run.incidentId, 'runbook', text);
      else await this.incidents.annotate(run.tenantId, run.incidentId, 'runbook', text);
    } catch (error) {
      this.logger.warn(`could not record the run on incident ${run.incidentId}: ${(error as Error).message}`);
    }
  }

  async note(tenantId: string, incidentId: string | null | undefined, text: string): Promise<void> {
    this.logger.log(text);
    if (incidentId) await this.incidents.annotate(tenantId, incidentId, 'runbook', text).catch(() => undefined);
  }
}
