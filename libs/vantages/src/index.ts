// Vantages: places probes run from (central watchdogs and remote agents), their tokens, per-monitor assignment and
// quorum, the inbox through which agents' results reach the detector, and their health (impaired or not, and why).
export { VANTAGE_ENTITIES, Vantage, VantageKind, MonitorVantages, TenantVantageDefaults, VantageResultBatch } from './entities/index.js';
export { VantagesService, hashVantageToken, type NewVantage, type VantageHealth } from './vantages.service.js';
export { VantageAssignments, majority, resolveAssignment, impairmentsOf, NO_IMPAIRMENTS, type ResolvedAssignment, type RevokedVantage, revokedReason, type AssignmentInputData, type VantageImpairments } from './assignments.service.js';
export { INBOX_CHANNEL, MAX_HOPS, ResultInbox, VANTAGES_VIEWS, type ClaimedResult, type InboundResult, type OwnerOf } from './result-inbox.js';
export { chooseK, rendezvousRank } from './rendezvous.js';
export { ClockOffset } from './health/clock-offset.js';
export { ResultsCap } from './health/results-cap.js';
export { IMPAIRMENT_BOUNDS, addTally, emptyTally, judgeNetwork, judgeVantage, stopsVoting, tally, tallyFor, tallyKey, tallyMonitor, tenantTallies, type ImpairmentBounds, type ImpairmentKind, type Judgement, type NetworkTally, type TargetEvidence, type VantageEvidence, type VantageSighting } from './health/impairment.js';
export { VantageSubjects, VANTAGE_SUBJECT_TAG, type VantageSubject } from './health/vantage-subjects.js';
export { VantageHealthRecords, type VantageHealthRow } from './health/vantage-records.js';
export { VantagesModule, VantagesApiModule } from './vantages.module.js';
export { type StoredAssignment, VantageFleetModule, VantageFleetPort } from './vantage-fleet.port.js';
