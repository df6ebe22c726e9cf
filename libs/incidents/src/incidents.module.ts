import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutageSubjectsModule } from '#lib/inventory';
import { TenancyPortsModule } from '#lib/tenancy';
import { IncidentEvent } from './incident-event.entity.js';
import { IncidentOutbox } from './incident-outbox.js';
import { IncidentOutboxRow } from './incident-outbox.entity.js';
import { Incident } from './incident.entity.js';
import { IncidentsResolver } from './incidents.resolver.js';
import { IncidentsService } from './incidents.service.js';
import { IncidentHistory } from './incident-history.js';
import { incidentsPurge } from './incidents-purge.js';

export const INCIDENT_ENTITIES = [Incident, IncidentEvent, IncidentOutboxRow];

/** Incidents for the watchdog role (open/close) and the API role (read). */
@Module({
  imports: [TypeOrmModule.forFeature(INCIDENT_ENTITIES)],
  providers: [IncidentsService, IncidentOutbox, IncidentHistory],
  exports: [IncidentsService, IncidentOutbox, IncidentHistory],
})
export class IncidentsModule {}

/** Incidents over GraphQL: read, acknowledge, annotate (alerts react to acknowledgements through the outbox). */
@Module({
  imports: [IncidentsModule, TenancyPortsModule, OutageSubjectsModule],
  providers: [IncidentsResolver, incidentsPurge],
})
export class IncidentsApiModule {}
