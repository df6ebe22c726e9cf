import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { IncidentOutbox, IncidentsService, type OutboxItem, OutboxWorker } from '#lib/incidents';
import { FailoverReconciler } from './failover-reconciler.js';

/**
 * The runbooks library's entry point from incidents: an incident that opened or was released from flap damping (read
 * from the outbox, so a watchdog dying right after the incident committed still gets its failover, late) is handed
 * to the failover reconciler, which starts a run at most once per outage and resource — and the sweep re-evaluates
 * it until the service is whole.
 */
@Injectable()
export class RunbooksOutboxConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly worker: OutboxWorker;

  constructor(
    outbox: IncidentOutbox,
    private readonly failovers: FailoverReconciler,
    private readonly incidents: IncidentsService,
  ) {
    this.worker = new OutboxWorker(outbox, 'runbooks', (item) => this.handle(item), new Logger('RunbooksOutbox'));
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.worker.stop();
  }

  async handle(item: OutboxItem): Promise<void> {
    if (item.kind !== 'opened' && item.kind !== 'released') return;
    const incident = await this.incidents.of(item.tenantId, item.incidentId);
    if (incident) await this.failovers.incidentChanged(incident, item.kind === 'opened');
  }
}
