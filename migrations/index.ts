import { AuditLog1796170000000 } from './1796170000000-audit-log.js';
import { StatusPageEmbedOrigins1796180000000 } from './1796180000000-status-page-embed-origins.js';
import { WatchdogNetworkTally1796190000000 } from './1796190000000-watchdog-network-tally.js';
import { VantageResultBatches1796200000000 } from './1796200000000-vantage-result-batches.js';
import { FleetChangeNotify1796210000000 } from './1796210000000-fleet-change-notify.js';
import { VantageSkippedShare1796220000000 } from './1796220000000-vantage-skipped-share.js';
import { VantageBlindMonitors1796230000000 } from './1796230000000-vantage-blind-monitors.js';
import { StatusPostIncidents1796349606028 } from './1796349606028-status-post-incidents.js';
import { SshCredentialChangeNotify1796360000000 } from './1796360000000-ssh-credential-change-notify.js';
import { MaintenanceNotices1796110648092 } from './1796110648092-maintenance-notices.js';
import { StatusPages1796109737297 } from './1796109737297-status-pages.js';
import { StatusSubscribers1796120000000 } from './1796120000000-status-subscribers.js';
import { MonitorNamesPerHost1796142694167 } from './1796142694167-monitor-names-per-host.js';
import { StatusSubscriberAccess1796150000000 } from './1796150000000-status-subscriber-access.js';
import { InventoryReadModel1796155617285 } from './1796155617285-inventory-read-model.js';
import { StatusSubscriberRate1796160000000 } from './1796160000000-status-subscriber-rate.js';
import { StatusThrottle1796160100000 } from './1796160100000-status-throttle.js';
import { StatusSubscriberComponents1796131700000 } from './1796131700000-status-subscriber-components.js';
import { FleetApplied1796095246484 } from './1796095246484-fleet-applied.js';
import { ImpairedVantages1796072731971 } from './1796072731971-impaired-vantages.js';
import { Vantages1796070110847 } from './1796070110847-vantages.js';
import { FailoverDecisions1796060000000 } from './1796060000000-failover-decisions.js';
import { IncidentOutbox1796054600000 } from './1796054600000-incident-outbox.js';
import { ObservationSpans1796054500000 } from './1796054500000-observation-spans.js';
import { SealMonitorCredentials1796048758060 } from './1796048758060-seal-monitor-credentials.js';
import { AuthCountersAndSessionAddress1796047579028 } from './1796047579028-auth-counters-and-session-address.js';
import { SoftDeleteAndLinkPeriods1796047538957 } from './1796047538957-soft-delete-and-link-periods.js';
import { CustomerReports1796047689193 } from './1796047689193-customer-reports.js';
import { RunStepOutputs1795381489551 } from './1795381489551-run-step-outputs.js';
import { Runbooks1795378045348 } from './1795378045348-runbooks.js';
import { MonitorSeverity1795374314538 } from './1795374314538-monitor-severity.js';
import { CustomerNotices1795374123387 } from './1795374123387-customer-notices.js';
import { EscalationRepeatQuiet1795373923446 } from './1795373923446-escalation-repeat-quiet.js';
import { AlertGrouping1795373639171 } from './1795373639171-alert-grouping.js';
import { EscalationAndAck1795373413881 } from './1795373413881-escalation-and-ack.js';
import { AlertChannels1795373111104 } from './1795373111104-alert-channels.js';
import { ReportIndexes1795372405554 } from './1795372405554-report-indexes.js';
import { ReportMailings1795372250538 } from './1795372250538-report-mailings.js';
import { SlaTargets1795372122486 } from './1795372122486-sla-targets.js';
import { SshAccess1795371393734 } from './1795371393734-ssh-access.js';
import { Detection1795369314152 } from './1795369314152-detection.js';
import { VantageResultsByVantage1796095500000 } from './1796095500000-vantage-results-by-vantage.js';
import { ChatChannels1796096100000 } from './1796096100000-chat-channels.js';
import { TenantMailSettings1796100000000 } from './1796100000000-tenant-mail-settings.js';
import { RecurringMaintenance1796100100000 } from './1796100100000-recurring-maintenance.js';
import { WatchdogVantage1796094900000 } from './1796094900000-watchdog-vantage.js';
import { DemoAndMailCatcher1796070000000 } from './1796070000000-demo-and-mail-catcher.js';
import { Initial1795367800756 } from './1795367800756-initial.js';
// Every migration, in order. Listed explicitly: a bundler or a glob cannot lose one.
import { OncallSchedulesAndPeople1796100200000 } from './1796100200000-oncall-schedules-and-people.js';
import { NotificationTargets1796100300000 } from './1796100300000-notification-targets.js';
export const allMigrations = [
  Initial1795367800756,
  Detection1795369314152,
  SshAccess1795371393734,
  SlaTargets1795372122486,
  ReportMailings1795372250538,
  ReportIndexes1795372405554,
  AlertChannels1795373111104,
  EscalationAndAck1795373413881,
  AlertGrouping1795373639171,
  EscalationRepeatQuiet1795373923446,
  CustomerNotices1795374123387,
  MonitorSeverity1795374314538,
  Runbooks1795378045348,
  RunStepOutputs1795381489551,
  SoftDeleteAndLinkPeriods1796047538957,
  AuthCountersAndSessionAddress1796047579028,
  CustomerReports1796047689193,
  SealMonitorCredentials1796048758060,
  ObservationSpans1796054500000,
  IncidentOutbox1796054600000,
  FailoverDecisions1796060000000,
  DemoAndMailCatcher1796070000000,
  Vantages1796070110847,
  ImpairedVantages1796072731971,
  WatchdogVantage1796094900000,
  FleetApplied1796095246484,
  VantageResultsByVantage1796095500000,
  ChatChannels1796096100000,
  TenantMailSettings1796100000000,
  RecurringMaintenance1796100100000,
  OncallSchedulesAndPeople1796100200000,
  NotificationTargets1796100300000,
  StatusPages1796109737297,
  MaintenanceNotices1796110648092,
  StatusSubscribers1796120000000,
  StatusSubscriberComponents1796131700000,
  MonitorNamesPerHost1796142694167,
  StatusSubscriberAccess1796150000000,
  InventoryReadModel1796155617285,
  StatusSubscriberRate1796160000000,
  StatusThrottle1796160100000,
  AuditLog1796170000000,
  StatusPageEmbedOrigins1796180000000,
  WatchdogNetworkTally1796190000000,
  VantageResultBatches1796200000000,
  FleetChangeNotify1796210000000,
  VantageSkippedShare1796220000000,
  VantageBlindMonitors1796230000000,
  StatusPostIncidents1796349606028,
  SshCredentialChangeNotify1796360000000,
];
export { lendMigrationSealer, type MigrationSealer } from './migration-secrets.js';
