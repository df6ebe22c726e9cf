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
  | { kind: 'note'; at: number; what: string; message: string }
  | { kind: 'none' };

/**
 * What a confirmed health change does to incidents, as data: outages open at their first failure and close at the
 * first success of the recovery; maintenance makes them planned, a down host makes a service's outage a consequence,
 * flapping holds runbooks. Suspect and unknown never open or close anything: an outage held open while unknown (the
 * voters see it back, too few to confirm) is noted on its incident, and closes when a quorum confirms recovery.
 */
export function incidentAction(change: HealthChange, context: IncidentContext): IncidentAction {
  const wasOpen = change.from === 'down' || change.outageWasOpen === true;
  // (A change of the flapping flag alone, unknown → unknown, is the flapping branch's below: it releases held pages.)
  if (wasOpen && change.to === 'unknown' && change.from !== 'unknown') return { kind: 'note', at: change.effectiveAt, what: 'unobserved', message: change.reason };
  // Seen down again while held open: the same outage (opening is idempotent: an incident still open is kept).
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
  if (wasOpen && (change.to === 'up' || change.to === 'degraded')) return { kind: 'resolve', at: change.effectiveAt };
  if (change.from === change.to) return { kind: 'flapping', at: change.at, flapping: change.flapping };
  return { kind: 'none' };
}
