export { AlertsModule, AlertsApiModule, ALERT_ENTITIES } from './alerts.module.js';
export { AlertsService } from './alerts.service.js';
export { DeliveryWorker, backoffMs } from './delivery.worker.js';
export { AlertChannel, ChannelType } from './alert-channel.entity.js';
export { Notification } from './notification.entity.js';
export { AckLinks } from './ack-links.js';
export { EscalationPolicy } from './escalation-policy.entity.js';
export { afterQuietHours, expandSteps, matches as routeMatches } from './escalation.planner.js';
export { AlertsOutboxConsumer } from './alerts-outbox.consumer.js';
