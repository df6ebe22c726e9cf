import { BUILTIN_RUNBOOKS, fleetResourceKind, RESOURCE_TYPES } from '#lib/runbooks';
import { FLEET_SECTIONS, type FleetSection } from './fleet-schema.js';
import { type FleetDocument, type FleetObject, type FleetProblem, fleetKey } from './fleet-document.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ID_MESSAGE = 'is a database id: a fleet file names its objects (ids belong to one tenant\'s database and do not travel)';

/**
 * The checks across objects, all at once: duplicate names, references to objects the file does not define, cycles
 * of jump hosts, database ids where names belong. (The schema has checked each object alone.) A maintenance window's
 * monitors are left written as their keys (`host/name`), a bare name read as the one monitor of that name.
 */
export function checkFleet(doc: FleetDocument): FleetProblem[] {
  const problems: FleetProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });

  const names = {} as Record<FleetSection, Set<string>>;
  for (const section of FLEET_SECTIONS) {
    const seen = new Map<string, number>();
    (doc[section] as FleetObject[]).forEach((item, i) => {
      const key = fleetKey(section, item);
      if (UUID.test(item.name)) add([section, i, 'name'], ID_MESSAGE);
      const first = seen.get(key);
      if (first !== undefined) add([section, i, 'name'], `${key} is defined twice (first as item ${first + 1} of ${section})`);
      else seen.set(key, i);
    });
    names[section] = new Set(seen.keys());
  }

  const monitorHosts = new Map<string, string[]>();
  for (const m of doc.monitors) monitorHosts.set(m.name, [...monitorHosts.get(m.name) ?? [], m.host]);
  const reference = (path: (string | number)[], value: string | null, section: FleetSection, what: string) => {
    if (value === null) return;
    if (UUID.test(value)) add(path, ID_MESSAGE);
    else if (!names[section].has(value)) add(path, `${what} ${value} is not defined in this file`);
  };

  doc.hosts.forEach((host, i) => {
    reference(['hosts', i, 'site'], host.site, 'sites', 'site');
    reference(['hosts', i, 'ssh', 'jumpHost'], host.ssh.jumpHost, 'hosts', 'host');
    if (host.ssh.credential && UUID.test(host.ssh.credential)) add(['hosts', i, 'ssh', 'credential'], ID_MESSAGE);
  });
  problems.push(...jumpHostCycles(doc));
  doc.services.forEach((service, i) => {
    reference(['services', i, 'host'], service.host, 'hosts', 'host');
    service.customers.forEach((c, j) => reference(['services', i, 'customers', j], c, 'customers', 'customer'));
  });
  doc.monitors.forEach((monitor, i) => {
    reference(['monitors', i, 'host'], monitor.host, 'hosts', 'host');
    if (monitor.service !== null && names.hosts.has(monitor.host) && !names.services.has(`${monitor.host}/${monitor.service}`)) {
      add(['monitors', i, 'service'], UUID.test(monitor.service) ? ID_MESSAGE : `service ${monitor.service} is not defined on host ${monitor.host} in this file`);
    }
  });
  doc.maintenance.forEach((window, i) => {
    // Names of this file only: a name of another tenant's host is "not defined", never looked up elsewhere.
    window.hosts.forEach((h, j) => reference(['maintenance', i, 'hosts', j], h, 'hosts', 'host'));
    window.services.forEach((s, j) => reference(['maintenance', i, 'services', j], s, 'services', 'service'));
    window.monitors = window.monitors.map((m, j) => {
      const found = monitorReference(m, names.monitors, monitorHosts);
      if (typeof found === 'string') return found;
      add(['maintenance', i, 'monitors', j], UUID.test(m) ? ID_MESSAGE : found.problem);
      return m;
    });
  });
  doc.escalation.forEach((policy, i) => {
    policy.match.customers.forEach((c, j) => reference(['escalation', i, 'match', 'customers', j], c, 'customers', 'customer'));
    policy.steps.forEach((step, j) => {
      step.channels.forEach((c, k) => reference(['escalation', i, 'steps', j, 'channels', k], c, 'channels', 'channel'));
      // Schedules and people are the tenant's (not the file's): looked up on the server; an id is refused here.
      step.schedules.forEach((s, k) => UUID.test(s) && add(['escalation', i, 'steps', j, 'schedules', k], ID_MESSAGE));
    });
  });
  doc.resources.forEach((resource, i) => problems.push(...resourceProblems(resource, i, names, UUID)));
  doc.runbooks.forEach((runbook, i) => reference(['runbooks', i, 'schedule', 'resource'], runbook.schedule?.resource ?? null, 'resources', 'resource'));
  return problems;
}

const BUILTIN_NAMES = new Set(BUILTIN_RUNBOOKS.map((b) => b.name));

/**
 * A resource's references, in the file only: its kind, its members' hosts and monitors (each written `host/name` once
 * read), its primary among them, the runbooks it names (of the file, or built-in), the settings naming hosts, what a
 * member of its kind may carry (weight, value) and the names of its secrets.
 */
function resourceProblems(resource: FleetDocument['resources'][number], i: number, names: Record<FleetSection, Set<string>>, uuid: RegExp): FleetProblem[] {
  const problems: FleetProblem[] = [];
  const add = (path: (string | number)[], message: string) => problems.push({ path: ['resources', i, ...path], message });
  const kind = fleetResourceKind(resource.kind);
  if (!kind) add(['kind'], `must be one of ${RESOURCE_TYPES.join(', ')}`);
  const seen = new Set<string>();
  resource.members.forEach((member, j) => {
    if (uuid.test(member.host)) return add(['members', j, 'host'], ID_MESSAGE);
    if (!names.hosts.has(member.host)) return add(['members', j, 'host'], `host ${member.host} is not defined in this file`);
    if (seen.has(member.host)) add(['members', j, 'host'], `${member.host} is listed twice`);
    seen.add(member.host);
    member.monitors = member.monitors.map((m, k) => {
      const key = m.includes('/') ? m : `${member.host}/${m}`;
      if (uuid.test(m)) add(['members', j, 'monitors', k], ID_MESSAGE);
      else if (!key.startsWith(`${member.host}/`)) add(['members', j, 'monitors', k], `monitor ${m} does not watch ${member.host} (a member's monitors are those of its host)`);
      else if (!names.monitors.has(key)) add(['members', j, 'monitors', k], `monitor ${key} is not defined in this file`);
      return key;
    });
    if (kind && member.weight !== null && !kind.memberWeight) add(['members', j, 'weight'], `a ${resource.kind} resource's members have no weight`);
    if (kind && member.value !== null && !kind.memberValue) add(['members', j, 'value'], `a ${resource.kind} resource's members have no value`);
  });
  if (resource.primary !== undefined && !resource.members.some((m) => m.host === resource.primary)) add(['primary'], 'must be one of the members');
  for (const field of ['runbook', 'recoveryRunbook'] as const) {
    const runbook = resource[field];
    if (runbook === null) continue;
    if (uuid.test(runbook)) add([field], ID_MESSAGE);
    else if (!names.runbooks.has(runbook) && !BUILTIN_NAMES.has(runbook)) add([field], `runbook ${runbook} is not defined in this file (nor a built-in one)`);
  }
  for (const key of kind?.hostFields ?? []) {
    const host = resource.config[key];
    if (typeof host !== 'string') continue;
    if (uuid.test(host)) add(['config', key], ID_MESSAGE);
    else if (!names.hosts.has(host)) add(['config', key], `host ${host} is not defined in this file`);
  }
  for (const secret of Object.keys(resource.secrets)) {
    if (kind && !kind.secrets.includes(secret)) add(['secrets', secret], kind.secrets.length ? `is not a secret of a ${resource.kind} resource (known: ${kind.secrets.join(', ')})` : `${resource.kind} resources have no secrets`);
  }
  return problems;
}

/**
 * A maintenance window's monitor: `host/name` as services are named, or — as files written before names were per host
 * did — a bare name, when exactly one monitor of the file has it. Its key, or why it names none.
 */
export function monitorReference(value: string, keys: Set<string>, hostsByName: Map<string, string[]>): string | { problem: string } {
  if (keys.has(value)) return value;
  const hosts = hostsByName.get(value) ?? [];
  if (hosts.length === 1) return `${hosts[0]}/${value}`;
  if (hosts.length > 1) {
    const sorted = [...hosts].sort();
    const listed = sorted.length > 5 ? `${sorted.slice(0, 5).join(', ')}, …` : sorted.join(', ');
    return { problem: `monitor ${value} is on ${sorted.length} hosts (${listed}): write which one as host/monitor, e.g. ${sorted[0]}/${value}` };
  }
  return { problem: `monitor ${value} is not defined in this file${value.includes('/') ? '' : ' (write host/monitor)'}` };
}

/** A host reached through a jump host that is reached through … itself: every host on such a loop is named once. */
function jumpHostCycles(doc: FleetDocument): FleetProblem[] {
  const jump = new Map(doc.hosts.map((h) => [h.name, h.ssh.jumpHost]));
  const index = new Map(doc.hosts.map((h, i) => [h.name, i]));
  const reported = new Set<string>();
  const problems: FleetProblem[] = [];
  for (const start of jump.keys()) {
    const path: string[] = [];
    let at: string | null | undefined = start;
    while (at && !path.includes(at) && jump.has(at)) {
      path.push(at);
      at = jump.get(at);
    }
    if (!at || !path.includes(at) || reported.has(at)) continue;
    const loop = path.slice(path.indexOf(at));
    loop.forEach((h) => reported.add(h));
    problems.push({ path: ['hosts', index.get(at)!, 'ssh', 'jumpHost'], message: `jump hosts form a cycle: ${[...loop, at].join(' → ')}` });
  }
  return problems;
}
