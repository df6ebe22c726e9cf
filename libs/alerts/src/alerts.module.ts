import { MailCatcherResolver } from './mail-catcher.resolver.js';
import { ChannelDeliveryResolver, MailSettingsResolver, NotificationChannelResolver } from './mail-settings.resolver.js';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertChannel } from './alert-channel.entity.js';
import { AlertsResolver, IncidentNotificationsResolver } from './alerts.resolver.js';
import { ChannelTypesResolver } from './channel-types.resolver.js';
import { AlertsService } from './alerts.service.js';
import { AlertsOutboxConsumer } from './alerts-outbox.consumer.js';
import { DeliveryWorker } from './delivery.worker.js';
import { Notification, NotificationAttempt } from './notification.entity.js';
import { AckController } from './ack.controller.js';
import { AckLinks } from './ack-links.js';
import { EscalationPolicy } from './escalation-policy.entity.js';
import { EscalationPlanner } from './escalation.planner.js';
import { EscalationResolver } from './escalation.resolver.js';
import { MonitorHealthModule, StateHistory } from '#lib/detection';
import { PagingReportResolver } from './paging-report/paging-report.resolver.js';
import { IncidentsModule } from '#lib/incidents';
import { InventoryModule, OutageSubjectsModule } from '#lib/inventory';
import { EgressModule } from '#lib/egress';
import { TenancyPortsModule } from '#lib/tenancy';
import { ChatIdentity } from './chat/chat-identity.entity.js';
import { ChatListener } from './chat/chat-listener.entity.js';
import { ChatThread } from './chat/chat-thread.entity.js';
import { ChatIdentities } from './chat/chat-identities.service.js';
import { ChatIdentitiesResolver } from './chat/chat-identities.resolver.js';
import { ChatListeners } from './chat/chat-listeners.js';
import { ChatThreads } from './chat/chat-threads.js';
import { InboundController } from './chat/inbound.controller.js';
import { OnCallModule } from '#lib/oncall';
import { EscalationTargets } from './escalation-targets.js';

export const ALERT_ENTITIES = [AlertChannel, Notification, NotificationAttempt, EscalationPolicy, ChatThread, ChatIdentity, ChatListener];

/** Enqueueing and delivery: in the watchdog role, beside the detector that opens incidents. */
@Module({
  imports: [TypeOrmModule.forFeature(ALERT_ENTITIES), IncidentsModule, EgressModule, OutageSubjectsModule, TenancyPortsModule, MonitorHealthModule, OnCallModule],
  providers: [AlertsService, DeliveryWorker, AckLinks, EscalationPlanner, AlertsOutboxConsumer, EscalationTargets, ChatThreads, ChatIdentities, ChatListeners],
  exports: [AlertsService, DeliveryWorker, AlertsOutboxConsumer, ChatListeners],
})
export class AlertsModule {}

/** Channels and delivery logs over GraphQL. */
@Module({
  imports: [TypeOrmModule.forFeature(ALERT_ENTITIES), IncidentsModule, InventoryModule, OutageSubjectsModule, TenancyPortsModule, MonitorHealthModule, OnCallModule],
  controllers: [AckController, InboundController],
  providers: [ChannelTypesResolver, EscalationTargets, StateHistory, PagingReportResolver, AlertsService, AlertsResolver, IncidentNotificationsResolver, AckLinks, EscalationPlanner, EscalationResolver, MailCatcherResolver, MailSettingsResolver, ChannelDeliveryResolver, NotificationChannelResolver, ChatIdentities, ChatIdentitiesResolver, ChatThreads],
})
export class AlertsApiModule {}
