export { IncidentsModule, IncidentsApiModule, INCIDENT_ENTITIES } from './incidents.module.js';
export { IncidentsService, type MonitorRef, type OutageContext, type IncidentFilter } from './incidents.service.js';
export { Incident, IncidentStatus } from './incident.entity.js';
export { IncidentEvent } from './incident-event.entity.js';
