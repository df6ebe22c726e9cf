import { MailCatcherResolver } from './mail-catcher.resolver.js';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertChannel } from './alert-channel.entity.js';
import { AlertsResolver, IncidentNotificationsResolver } from './alerts.resolver.js';
import { AlertsService } from './alerts.service.js';
import { AlertsOutboxConsumer } from './alerts-outbox.consumer.js';
import { DeliveryWorker } from './delivery.worker.js';
import { Notification, NotificationAttempt } from './notification.entity.js';
import { AckController } from './ack.controller.js';
import { AckLinks } from './ack-links.js';
import { EscalationPolicy } from './escalation-policy.entity.js';
import { EscalationPlanner } from './escalation.planner.js';
import { EscalationResolver } from './escalation.resolver.js';
import { MonitorHealthModule } from '#lib/detection';
import { Incident, IncidentsModule } from '#lib/incidents';
import { InventoryModule, OutageSubjectsModule } from '#lib/inventory';
import { EgressModule } from '#lib/egress';
import { TenancyPortsModule } from '#lib/tenancy';

export const ALERT_ENTITIES = [AlertChannel, Notification, NotificationAttempt, EscalationPolicy];

/** Enqueueing and delivery: in the watchdog role, beside the detector that opens incidents. */
@Module({
  imports: [TypeOrmModule.forFeature([...ALERT_ENTITIES, Incident]), IncidentsModule, EgressModule, OutageSubjectsModule, TenancyPortsModule, MonitorHealthModule],
  providers: [AlertsService, DeliveryWorker, AckLinks, EscalationPlanner, AlertsOutboxConsumer],
  exports: [AlertsService, DeliveryWorker, AlertsOutboxConsumer],
})
export class AlertsModule {}

/** Channels and delivery logs over GraphQL. */
@Module({
  imports: [TypeOrmModule.forFeature(ALERT_ENTITIES), IncidentsModule, InventoryModule, OutageSubjectsModule, TenancyPortsModule, MonitorHealthModule],
  controllers: [AckController],
  providers: [AlertsService, AlertsResolver, IncidentNotificationsResolver, AckLinks, EscalationPlanner, EscalationResolver, MailCatcherResolver],
})
export class AlertsApiModule {}
