// Vantages: places probes run from (central watchdogs and remote agents), their tokens, per-monitor assignment and
// quorum, and the inbox through which agents' results reach the detector.
export { VANTAGE_ENTITIES, Vantage, VantageKind, MonitorVantages, TenantVantageDefaults, VantageResult } from './entities/index.js';
export { VantagesService, hashVantageToken, type NewVantage, type VantageHealth } from './vantages.service.js';
export { VantageAssignments, majority, resolveAssignment, type ResolvedAssignment, type AssignmentInputData } from './assignments.service.js';
export { ResultInbox, type ClaimedResult, type InboundResult } from './result-inbox.js';
export { VantagesModule, VantagesApiModule } from './vantages.module.js';
