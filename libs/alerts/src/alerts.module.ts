import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertChannel } from './alert-channel.entity.js';
import { AlertsResolver, IncidentNotificationsResolver } from './alerts.resolver.js';
import { AlertsService } from './alerts.service.js';
import { DeliveryWorker } from './delivery.worker.js';
import { Notification, NotificationAttempt } from './notification.entity.js';

export const ALERT_ENTITIES = [AlertChannel, Notification, NotificationAttempt];

/** Enqueueing and delivery: in the watchdog role, beside the detector that opens incidents. */
@Module({
  imports: [TypeOrmModule.forFeature(ALERT_ENTITIES)],
  providers: [AlertsService, DeliveryWorker],
  exports: [AlertsService, DeliveryWorker],
})
export class AlertsModule {}

/** Channels and delivery logs over GraphQL. */
@Module({
  imports: [TypeOrmModule.forFeature(ALERT_ENTITIES)],
  providers: [AlertsService, AlertsResolver, IncidentNotificationsResolver],
})
export class AlertsApiModule {}
