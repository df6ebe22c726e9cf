export { type ImportedFleet, type ImportedHost, type ImportedMonitor, type ImportedChannel, type ImportedMaintenance, type Unmapped } from './imported-fleet.js';
export { IMPORTER_KINDS, importerKind, type ImporterKind } from './importer-kinds.js';
export { toFleet, formatImportReport, type FleetImport } from './to-fleet.js';
