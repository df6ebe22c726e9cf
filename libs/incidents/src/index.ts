export { IncidentsModule, IncidentsApiModule, INCIDENT_ENTITIES } from './incidents.module.js';
export { IncidentsService, type MonitorRef, type OutageContext, type IncidentFilter } from './incidents.service.js';
export { Incident, IncidentStatus } from './incident.entity.js';
export { IncidentEvent } from './incident-event.entity.js';
export { IncidentOutbox, outboxBackoffMs, type OutboxItem } from './incident-outbox.js';
export { type OutboxConsumerName, type OutboxKind } from './incident-outbox.entity.js';
export { OutboxWorker } from './outbox-worker.js';
export { IncidentHistory, PAUSED_REASON, type DeletedMonitorOutage, type OutageRow, type PagedIncidentRow } from './incident-history.js';
export { RUNBOOK_STATUS, type RunbookStatusSource } from './runbook-status.port.js';
