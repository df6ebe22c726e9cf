import { type FleetDocument, type FleetObject, fleetKey } from '../document/fleet-document.js';
import { FLEET_SECTIONS, type FleetSection } from '../document/fleet-schema.js';
import { createHash } from 'node:crypto';
import { canonical, diffFields, type FieldChange, stableJson } from './canonical.js';
import { appliedKey, type CurrentFleet } from './current-fleet.js';

export type FleetAction = 'create' | 'update' | 'delete' | 'detach';

export interface FleetChange {
  action: FleetAction;
  kind: FleetSection;
  key: string;
  /** For an update: each field that changes; for a create, every field. */
  fields: FieldChange[];
  /** The object was changed outside the file since the last apply: applying overwrites that change. */
  drift: boolean;
}

export interface FleetDrift {
  kind: FleetSection;
  key: string;
  /** When the object last changed (not by an apply). */
  changedAt: Date | null;
  /** Who changed it (a user's e-mail, an API token's name); null: not recorded for this kind of object ("an unknown user"). */
  changedBy: string | null;
  /** What changed since the last apply: before = as applied, after = now. */
  fields: FieldChange[];
}

export interface FleetPlan {
  changes: FleetChange[];
  drift: FleetDrift[];
  /** Objects in the tenant no file manages and this file does not name: left alone. */
  unmanaged: number;
}

export interface AppliedRecord {
  digest: string;
  spec: Record<string, unknown>;
  /** When the apply that wrote it committed: a change recorded before it is not what drifted. */
  appliedAt?: Date;
}

/**
 * Fields a file may leave out to leave them alone: compared only where the file (for drift: the last apply) writes
 * them. A customer's SLA target (reports') and a monitor's vantages (vantages') are often set in the dashboard: a
 * file that says nothing of them keeps them.
 */
const KEPT_WHEN_OMITTED: Partial<Record<FleetSection, string[]>> = { customers: ['sla'], monitors: ['vantages'], resources: ['primary'], runbooks: ['schedule'], tenant: ['vantages'] };

/** The existing object as `reference` (a file's object, or the spec last applied) sees it. */
function seenBy(kind: FleetSection, existing: FleetObject, reference: Record<string, unknown> | undefined): Record<string, unknown> {
  const copy = canonical(kind, existing);
  for (const field of KEPT_WHEN_OMITTED[kind] ?? []) if (reference?.[field] === undefined) delete copy[field];
  return copy;
}
const digest = (value: Record<string, unknown>) => createHash('sha256').update(stableJson(value)).digest('hex');

/**
 * The plan, as `terraform plan` prints it: what the file creates, changes (field by field) and — for objects a file
 * applied before and this one no longer names — deletes (`prune`) or detaches. Objects no file ever applied are
 * adopted when the file names them, else left alone. Drift: objects whose state differs from what was last applied.
 */
export function planFleet(desired: FleetDocument, current: CurrentFleet, applied: Map<string, AppliedRecord>, prune: boolean): FleetPlan {
  const changes: FleetChange[] = [];
  const drift: FleetDrift[] = [];
  let unmanaged = current.shadowed;
  for (const kind of FLEET_SECTIONS) {
    const now = new Map<string, FleetObject>(current.doc[kind].map((o) => [fleetKey(kind, o), o]));
    const wanted = new Set<string>();
    for (const item of desired[kind] as FleetObject[]) {
      const key = fleetKey(kind, item);
      wanted.add(key);
      const existing = now.get(key);
      const record = applied.get(appliedKey(kind, key));
      const drifted = !!existing && !!record && digest(seenBy(kind, existing, record.spec)) !== record.digest;
      if (drifted) {
        const fields = diffFields(record.spec, seenBy(kind, existing, record.spec));
        // The recorded actor only when the change it made is among those that drifted (a runbook's source, not its schedule).
        const by = current.changedBy[kind]?.get(key);
        const changedBy = by && fields.some((f) => by.fields.some((covered) => f.field === covered || f.field.startsWith(`${covered}.`))) ? by.by : null;
        drift.push({ kind, key, changedAt: current.changedAt[kind].get(key) ?? null, changedBy, fields });
      }
      const wantedItem = canonical(kind, item);
      if (!existing) changes.push({ action: 'create', kind, key, fields: diffFields(undefined, wantedItem), drift: false });
      else {
        const fields = diffFields(seenBy(kind, existing, wantedItem), wantedItem);
        if (fields.length) changes.push({ action: 'update', kind, key, fields, drift: drifted });
      }
    }
    for (const [key, existing] of now) {
      // The tenant's settings always exist: a file without `tenant:` leaves them alone (and no longer manages them).
      if (wanted.has(key) || kind === 'tenant') continue;
      const record = applied.get(appliedKey(kind, key));
      if (!record) unmanaged++;
      else changes.push({ action: prune ? 'delete' : 'detach', kind, key, fields: [], drift: digest(seenBy(kind, existing, record.spec)) !== record.digest });
    }
  }
  return { changes, drift, unmanaged };
}
