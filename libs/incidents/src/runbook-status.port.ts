import type { Incident } from './incident.entity.js';

/**
 * What the runbooks did about an incident, for the "runbook" line of its alerts. Alerts and runbooks are siblings
 * downstream of incidents (incidents ⇢ alerts / runbooks) and never import each other: the port lives here, runbooks
 * provide it under the token, alerts read it.
 */
export interface RunbookStatusSource {
  /** One line: "none" when no run was started for it, else the run, its state and its reason. */
  forIncident(incident: Pick<Incident, 'id' | 'tenantId'>): Promise<string>;
  /** Whether a run for it executed a step that acts (not an approval, not skipped): the fleet may have changed. */
  acted(incident: Pick<Incident, 'id' | 'tenantId'>): Promise<boolean>;
}

export const RUNBOOK_STATUS = Symbol('RUNBOOK_STATUS');
