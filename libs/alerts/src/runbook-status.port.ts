import type { Incident } from '#lib/incidents';

/**
 * What the runbooks did about an incident, for the "runbook" line of its alerts. Alerts may not depend on runbooks
 * (the flow goes incidents ⇢ alerts / runbooks), so runbooks provide this under the token, and alerts read it.
 */
export interface RunbookStatusSource {
  /** One line: "none" when no run was started for it, else the run, its state and its reason. */
  forIncident(incident: Incident): Promise<string>;
}

export const RUNBOOK_STATUS = Symbol('RUNBOOK_STATUS');
