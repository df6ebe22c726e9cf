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
    policy.steps.forEach((step, j) => step.channels.forEach((c, k) => reference(['escalation', i, 'steps', j, 'channels', k], c, 'channels', 'channel')));
  });
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
