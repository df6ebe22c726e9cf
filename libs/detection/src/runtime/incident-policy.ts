import type { HealthChange } from './detector.js';

export interface IncidentContext {
  /** A maintenance window covers the monitor, its service or its host at the change's effective time. */
  inMaintenance: boolean;
  /** The open incident of a host-level monitor of the same host, for a service monitor. */
  hostIncidentId?: string;
  hostLevel: boolean;
}

export type IncidentAction =
  | { kind: 'open'; at: number; planned: boolean; causeIncidentId?: string; flapping: boolean; suppressed: boolean }
  | { kind: 'resolve'; at: number }
  | { kind: 'flapping'; at: number; flapping: boolean }
  | { kind: 'none' };

/**
 * What a confirmed health change does to incidents, as data: outages open at their first failure and close at the
 * first success of the recovery; maintenance makes them planned, a down host makes a service's outage a consequence,
 * flapping holds runbooks. Suspect and unknown never open or close anything.
 */
export function incidentAction(change: HealthChange, context: IncidentContext): IncidentAction {
  if (change.to === 'down' && change.from !== 'down') {
    const causeIncidentId = context.hostLevel ? undefined : context.hostIncidentId;
    return {
      kind: 'open',
      at: change.effectiveAt,
      planned: context.inMaintenance,
      causeIncidentId,
      flapping: change.flapping,
      suppressed: context.inMaintenance || change.flapping || Boolean(causeIncidentId),
    };
  }
  if (change.from === 'down' && (change.to === 'up' || change.to === 'degraded')) return { kind: 'resolve', at: change.effectiveAt };
  if (change.from === change.to) return { kind: 'flapping', at: change.at, flapping: change.flapping };
  return { kind: 'none' };
}
