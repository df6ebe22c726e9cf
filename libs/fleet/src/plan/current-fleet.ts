import type { FleetChannelRow, FleetPolicyRow } from '#lib/alerts';
import type { MaintenanceWindow } from '#lib/detection';
import type { InventorySnapshot, Monitor } from '#lib/inventory';
import { type FleetResourceRow, fleetResourceKind } from '#lib/runbooks';
import { windowTimeText } from '../document/fleet-maintenance.js';
import type { FleetChannel, FleetResource, FleetCustomer, FleetDocument, FleetMaintenance, FleetMonitor } from '../document/fleet-document.js';
import { durationText, FLEET_SECTIONS, type FleetSection } from '../document/fleet-schema.js';
import { secretSlots } from '../document/fleet-secrets.js';

/** What the file said last time for an object: its secret references come from here. */
export type AppliedSpecs = Map<string, Record<string, unknown>>;
export const appliedKey = (section: FleetSection, key: string): string => `${section}:${key}`;

/** The tenant's inventory as a fleet document, with each object's id and last change, by its key. */
export interface CurrentFleet {
  doc: FleetDocument;
  ids: Record<FleetSection, Map<string, string>>;
  changedAt: Record<FleetSection, Map<string, Date>>;
  /**
   * Who made the last change outside a file, where its owner records it (a runbook's current version: the user's
   * e-mail or the API token's name), with the fields that change covers. Absent: not recorded for that kind.
   */
  changedBy: Partial<Record<FleetSection, Map<string, { by: string; fields: string[] }>>>;
  credentialIds: Map<string, string>;
  /** The stored monitors by key (`host/name`): their sealed credentials are kept when a file does not send new ones. */
  monitorRows: Map<string, Monitor>;
  /** Objects a file cannot name because an older one has their name (maintenance windows): left alone. */
  shadowed: number;
}

/** Alerts' channels and escalation policies as stored, and the names of the schedules and people their steps page. */
export interface StoredAlerts {
  channels: FleetChannelRow[];
  policies: FleetPolicyRow[];
  /** On-call schedules' names by id (oncall's). */
  scheduleNames?: Map<string, string>;
  /** Enabled users' login e-mails by id (tenancy's). */
  personEmails?: Map<string, string>;
}

const SEALED = '<sealed>';

/**
 * Reads a snapshot as the file would write it: ids become names, a stored credential becomes the reference the last
 * apply used (or `{ env: VIGIA_SECRET_<HOST>_<MONITOR>_<FIELD> }` when none did): the value never leaves the server.
 */
/** A customer's SLA target as reports stores it (its policy with defaults filled in). */
export interface StoredSlaTarget {
  customerId: string;
  targetPercent: number;
  policy: { degradedCountsAsDown: boolean; suspectCountsAsDown: boolean; unobserved: 'exclude' | 'up' | 'down'; customerCombination: 'any-down' | 'weighted' };
}

/** Monitors' own vantage assignments, the tenant's default, and the names of the vantages the tenant may use by id. */
export interface StoredVantages {
  assignments: { monitorId: string; vantageIds: string[] | null; quorum: number | null; count: number | null }[];
  names: Map<string, string>;
  /** The tenant's default assignment and when it last changed; undefined: none. */
  defaults?: { vantageIds: string[] | null; quorum: number | null; count: number | null; updatedAt: Date };
}

export function currentFleet(
  s: InventorySnapshot, specs: AppliedSpecs, windows: MaintenanceWindow[] = [], targets: StoredSlaTarget[] = [], vantages: StoredVantages = { assignments: [], names: new Map() },
  runbooks: { id: string; name: string; source: string; updatedAt: Date; savedBy?: string | null; schedule?: { everyMinutes: number; resourceId: string | null } | null }[] = [], alerts: StoredAlerts = { channels: [], policies: [] }, resources: FleetResourceRow[] = [],
): CurrentFleet {
  const ids = Object.fromEntries(FLEET_SECTIONS.map((k) => [k, new Map<string, string>()])) as CurrentFleet['ids'];
  const changedAt = Object.fromEntries(FLEET_SECTIONS.map((k) => [k, new Map<string, Date>()])) as CurrentFleet['changedAt'];
  const name = <T extends { id: string; name: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r.name]));
  const siteNames = name(s.sites);
  const hostNames = name(s.hosts);
  const customerNames = name(s.customers);
  const credentialNames = name(s.credentials);
  const serviceNames = name(s.services);
  const slaTargets = new Map(targets.map((t) => [t.customerId, t]));
  const assignments = new Map(vantages.assignments.map((a) => [a.monitorId, a]));
  // A monitor is named on its host, as a service is (`web-1/http`).
  const monitorKeys = new Map(s.monitors.filter((r) => hostNames.has(r.hostId)).map((r) => [r.id, `${hostNames.get(r.hostId)}/${r.name}`]));
  const note = (section: FleetSection, key: string, row: { id: string; updatedAt: Date | null }) => {
    ids[section].set(key, row.id);
    if (row.updatedAt) changedAt[section].set(key, row.updatedAt);
  };

  const doc: FleetDocument = {
    sites: s.sites.map((r) => (note('sites', r.name, r), { name: r.name, location: r.location })),
    hosts: s.hosts.map((r) => (note('hosts', r.name, r), {
      name: r.name, site: r.siteId ? siteNames.get(r.siteId) ?? null : null, kind: r.kind, addresses: r.addresses, tags: r.tags,
      ssh: { user: r.sshUser, port: r.sshPort, hostKey: r.sshHostKey, credential: r.sshCredentialId ? credentialNames.get(r.sshCredentialId) ?? null : null, jumpHost: r.sshJumpHostId ? hostNames.get(r.sshJumpHostId) ?? null : null },
    })),
    customers: s.customers.map((r) => (note('customers', r.name, r), { name: r.name, email: r.email, externalRef: r.externalRef, language: r.language as never, monthlyReports: r.monthlyReports, sla: slaOf(slaTargets.get(r.id)) })),
    services: s.services.filter((r) => hostNames.has(r.hostId)).map((r) => {
      const host = hostNames.get(r.hostId)!;
      note('services', `${host}/${r.name}`, r);
      return { name: r.name, host, type: r.type, port: r.port, customerFacingName: r.customerFacingName, customers: r.customerIds.map((c) => customerNames.get(c)).filter((c): c is string => !!c).sort() };
    }),
    monitors: s.monitors.filter((r) => hostNames.has(r.hostId)).map((r) => {
      const key = monitorKeys.get(r.id)!;
      note('monitors', key, r);
      const monitor: FleetMonitor = {
        name: r.name, host: hostNames.get(r.hostId)!, service: r.serviceId ? serviceNames.get(r.serviceId) ?? null : null, type: r.type,
        config: withReferences(key, r.type, r.config, specs.get(appliedKey('monitors', key))), interval: durationText(r.intervalMs), timeout: durationText(r.timeoutMs), enabled: r.enabled, severity: r.severity,
        vantages: vantagesOf(assignments.get(r.id), vantages.names),
      };
      return monitor;
    }),
    maintenance: [],
    // A runbook as its current version's source: a file that applied it by `file:` is compared by that file's text.
    runbooks: runbooks.map((r) => (note('runbooks', r.name, r), { name: r.name, source: r.source, schedule: null })),
    // Channels and policies record no change time: their drift has none. A sealed secret is the reference last applied.
    channels: alerts.channels.map((c) => (note('channels', c.name, { id: c.id, updatedAt: null }), {
      name: c.name, type: c.type, config: c.config, enabled: c.enabled,
      secret: c.hasSecret ? (specs.get(appliedKey('channels', c.name))?.secret as FleetChannel['secret'] | undefined) ?? { env: `VIGIA_SECRET_CHANNEL_${c.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}` } : null,
    })),
    escalation: [],
    resources: [],
    tenant: [{ name: 'tenant', vantages: vantagesOf(vantages.defaults && { monitorId: '', ...vantages.defaults }, vantages.names) }],
  };
  if (vantages.defaults) changedAt.tenant.set('tenant', vantages.defaults.updatedAt);
  const channelNames = name(alerts.channels);
  // A schedule deleted or a person disabled since has no name: left out (as a revoked vantage is).
  const scheduleNames = alerts.scheduleNames ?? new Map<string, string>();
  const personEmails = alerts.personEmails ?? new Map<string, string>();
  for (const p of alerts.policies) {
    note('escalation', p.name, { id: p.id, updatedAt: null });
    doc.escalation.push({
      name: p.name, priority: p.priority,
      match: { severities: p.match.severities ?? [], serviceTypes: p.match.serviceTypes ?? [], customers: (p.match.customerIds ?? []).map((id) => customerNames.get(id)).filter((n): n is string => !!n), hostTags: p.match.hostTags ?? [] },
      steps: p.steps.map((step) => ({
        delayMinutes: step.delayMinutes, channels: step.channelIds.map((id) => channelNames.get(id)).filter((n): n is string => !!n),
        schedules: (step.scheduleIds ?? []).map((id) => scheduleNames.get(id)).filter((n): n is string => !!n).sort(),
        people: (step.userIds ?? []).map((id) => personEmails.get(id)).filter((n): n is string => !!n).sort(),
      })),
      repeatMinutes: p.repeatMinutes, quietHours: p.quietHours ? { start: p.quietHours.start, end: p.quietHours.end } : null,
    });
  }
  const serviceKeys = new Map(s.services.filter((r) => hostNames.has(r.hostId)).map((r) => [r.id, `${hostNames.get(r.hostId)}/${r.name}`]));
  const named = (ids: string[], names: Map<string, string>) => ids.map((id) => names.get(id)).filter((n): n is string => !!n);
  let shadowed = 0;
  for (const w of windows) {
    // Window names are not unique in the database: the oldest of a name is the one a file manages, any later one is
    // left alone (counted as unmanaged). A window records no change time: its drift has none.
    if (ids.maintenance.has(w.name)) {
      shadowed++;
      continue;
    }
    note('maintenance', w.name, { id: w.id, updatedAt: null });
    const window: FleetMaintenance = {
      name: w.name, from: windowTimeText(w.startsAt, w.timeZone), until: windowTimeText(w.endsAt, w.timeZone), timeZone: w.timeZone, recurrence: w.recurrence,
      hosts: named(w.hostIds, hostNames), services: named(w.serviceIds, serviceKeys), monitors: named(w.monitorIds, monitorKeys),
    };
    doc.maintenance.push(window);
  }
  const runbookNames = name(runbooks);
  for (const r of resources) {
    note('resources', r.name, r);
    doc.resources.push(resourceOf(r, hostNames, monitorKeys, runbookNames, specs.get(appliedKey('resources', r.name))));
  }
  // A runbook's versions record who saved each (its source); a version a file applied is not a change outside one.
  const changedBy: CurrentFleet['changedBy'] = { runbooks: new Map() };
  for (const r of runbooks) if (r.savedBy && !r.savedBy.startsWith('fleet apply')) changedBy.runbooks!.set(r.name, { by: r.savedBy, fields: ['source'] });
  // A runbook's schedule names its resource (null: none); a resource deleted since leaves the schedule without one.
  const resourceNames = name(resources);
  runbooks.forEach((r, i) => {
    if (r.schedule) doc.runbooks[i]!.schedule = { everyMinutes: r.schedule.everyMinutes, resource: r.schedule.resourceId ? resourceNames.get(r.schedule.resourceId) ?? null : null };
  });
  return { doc, ids, changedAt, changedBy, credentialIds: new Map(s.credentials.map((c) => [c.name, c.id])), monitorRows: new Map(s.monitors.filter((m) => monitorKeys.has(m.id)).map((m) => [monitorKeys.get(m.id)!, m])), shadowed };
}

/**
 * A stored resource as a file writes it: ids as names (a runbook that is the kind's built-in as null), each stored
 * secret as the reference last applied or `{ env: VIGIA_SECRET_RESOURCE_<NAME>_<SECRET> }`, never its value.
 */
function resourceOf(r: FleetResourceRow, hostNames: Map<string, string>, monitorKeys: Map<string, string>, runbookNames: Map<string, string>, spec: Record<string, unknown> | undefined): FleetResource {
  const kind = fleetResourceKind(r.kind);
  const config = structuredClone(r.config);
  for (const key of kind?.hostFields ?? []) if (typeof config[key] === 'string') config[key] = hostNames.get(config[key]) ?? config[key];
  const runbook = (id: string | null, builtin: string | null | undefined) => {
    const named = id ? runbookNames.get(id) ?? null : null;
    return named === builtin ? null : named;
  };
  const applied = (spec?.secrets ?? {}) as FleetResource['secrets'];
  return {
    name: r.name, kind: r.kind, config,
    members: r.members.map((m) => ({ host: hostNames.get(m.hostId) ?? m.hostId, monitors: m.monitorIds.map((id) => monitorKeys.get(id)).filter((k): k is string => !!k), weight: m.weight, value: m.value })),
    primary: r.primaryHostId ? hostNames.get(r.primaryHostId) : undefined,
    approvalRequired: r.approvalRequired, cooldownMinutes: r.cooldownMinutes, failback: r.failback, failbackHoldSeconds: r.failbackHoldSeconds, requireFencing: r.requireFencing,
    runbook: runbook(r.runbookId, kind?.builtinFailure), recoveryRunbook: runbook(r.recoveryRunbookId, kind?.builtinRecovery),
    secrets: Object.fromEntries(r.secretNames.map((n) => [n, applied[n] ?? { env: `VIGIA_SECRET_RESOURCE_${`${r.name}_${n}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}` }])),
  };
}

/** `monitor`: its key (`web-1/mysql`), so two hosts' "mysql" monitors get two variables. */
function withReferences(monitor: string, type: string, stored: Record<string, unknown>, spec: Record<string, unknown> | undefined): Record<string, unknown> {
  const config = structuredClone(stored);
  for (const slot of secretSlots(type, config)) {
    if (slot.value !== SEALED) continue;
    const ref = dig(spec?.config, slot.path) ?? { env: `VIGIA_SECRET_${`${monitor}_${slot.path.join('_')}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}` };
    place(config, slot.path, ref);
  }
  return config;
}

function vantagesOf(assignment: StoredVantages['assignments'][number] | undefined, names: Map<string, string>): FleetMonitor['vantages'] {
  if (!assignment) return null;
  // A vantage revoked since has no usable name: left out (the file that names it is then refused with its line).
  const from = assignment.vantageIds ? assignment.vantageIds.map((id) => names.get(id)).filter((n): n is string => !!n).sort() : null;
  return { from, quorum: assignment.quorum, count: assignment.count };
}

function slaOf(target: StoredSlaTarget | undefined): FleetCustomer['sla'] {
  if (!target) return null;
  const { degradedCountsAsDown, suspectCountsAsDown, unobserved, customerCombination } = target.policy;
  return { target: target.targetPercent, degradedCountsAsDown, suspectCountsAsDown, unobserved, customerCombination };
}

export function dig(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((at, step) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[step] : undefined), value);
}

export function place(config: Record<string, unknown>, path: string[], value: unknown): void {
  if (path.length === 1) config[path[0]!] = value;
  else (config[path[0]!] as Record<string, unknown>)[path[1]!] = value;
}
