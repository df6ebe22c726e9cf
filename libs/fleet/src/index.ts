export { type FleetCustomer, type FleetDocument, type FleetHost, type FleetMaintenance, type FleetMonitor, type FleetObject, type FleetProblem, type FleetService, type FleetSite, emptyFleet, fleetKey, fleetLabel } from './document/fleet-document.js';
export { DURATION, durationMs, durationText, FLEET_SECTIONS, fleetJsonSchema, type FleetSection, type SecretRef } from './document/fleet-schema.js';
export { isSecretRef, secretSlots } from './document/fleet-secrets.js';
export { DataSource as FleetDataSource, FleetSource, formatProblem, type LocatedProblem } from './document/fleet-source.js';
export { fieldWords, readFleet, readFleetData, type ReadFleet } from './document/read-fleet.js';
export { checkFleet } from './document/fleet-checks.js';
export { writeFleet } from './document/write-fleet.js';
export { FleetModule } from './fleet.module.js';
export { FLEET_ENTITIES, FleetApplied } from './fleet-applied.entity.js';
