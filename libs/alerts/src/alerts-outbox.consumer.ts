import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock } from '#lib/common';
import { IncidentOutbox, IncidentsService, type OutboxItem, OutboxWorker } from '#lib/incidents';
import { AlertsService } from './alerts.service.js';

/**
 * The alerts library's one entry point from incidents: it reads the incident outbox (opened, released from flap
 * damping, acknowledged, resolved, a run or a standing decision that needs a person) and queues notifications. Queueing is idempotent (unique per channel, incident, kind and step),
 * so a row handled again after a crash pages nobody twice.
 */
@Injectable()
export class AlertsOutboxConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly worker: OutboxWorker;

  constructor(
    outbox: IncidentOutbox,
    private readonly alerts: AlertsService,
    private readonly incidents: IncidentsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.worker = new OutboxWorker(outbox, 'alerts', (item) => this.handle(item), new Logger('AlertsOutbox'));
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.worker.stop();
  }

  async handle(item: OutboxItem): Promise<void> {
    const incident = await this.incidents.of(item.tenantId, item.incidentId);
    if (!incident) return;
    if (item.kind === 'opened') await this.alerts.incidentOpened(incident, item.payload.monitorName ?? 'monitor');
    else if (item.kind === 'released') await this.alerts.incidentOpened(incident, item.payload.monitorName ?? 'monitor', this.clock.now());
    else if (item.kind === 'acknowledged') await this.alerts.incidentAcknowledged(incident, item.payload.by ?? 'someone');
    else if (item.kind === 'resolved') await this.alerts.incidentResolved(incident, item.payload.monitorName ?? 'monitor');
    else await this.alerts.runbookAttention(incident, item.payload.summary ?? 'a runbook needs attention', Number(item.id));
  }
}
