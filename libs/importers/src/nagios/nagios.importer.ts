import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FleetCollector, hostNameOf, type ImportedFleet } from '../imported-fleet.js';
import { dnsNameWhy, isIpLiteral, isMapped } from '../mapped-check.js';
import { shellWords } from '../shell-words.js';
import { displayPath, filesUnder } from '../yaml-source.js';
import { mapPluginCommand } from './nagios-checks.js';
import { parseObjectFile, resolveTemplates, splitList, type NagiosObject, type ParseProblem } from './nagios-objects.js';

/** Object types Vigia has its own model for, and what an operator does instead. */
const NOT_IMPORTED: Record<string, string> = {
  contact: 'people are not imported: Vigia pages through escalation policies and channels; add the person as a user',
  contactgroup: 'contact groups are not imported: make an escalation policy with the group\'s channels',
  timeperiod: 'time periods are not imported: use maintenance windows or escalation policy hours',
  hostescalation: 'escalations are not imported: Vigia escalates by escalation policy',
  serviceescalation: 'escalations are not imported: Vigia escalates by escalation policy',
  hostdependency: 'host dependencies are imported only as parents (the host\'s parents directive)',
  servicedependency: 'service dependencies are not imported: Vigia suppresses by host parents',
  hostextinfo: 'extended host information is display-only',
  serviceextinfo: 'extended service information is display-only',
};

const KNOWN = new Set(['host', 'service', 'command', 'hostgroup', 'servicegroup', ...Object.keys(NOT_IMPORTED)]);

/** Reads a Nagios/Naemon tree: a `nagios.cfg` (following cfg_file/cfg_dir), a folder of `.cfg` files, or one file. */
export function importNagios(source: string): ImportedFleet {
  const out = new FleetCollector('nagios');
  const problems: ParseProblem[] = [];
  const { files, intervalLength } = objectFiles(source, problems);
  const objects: NagiosObject[] = [];
  for (const file of files) {
    const parsed = parseObjectFile(displayPath(file), readFileSync(file, 'utf8'));
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  const resolved = resolveTemplates(objects, problems);
  for (const p of problems) out.skip(p.origin, 'configuration', p.why);
  new NagiosMapping(out, resolved, intervalLength).run();
  return out.result();
}

function objectFiles(source: string, problems: ParseProblem[]): { files: string[]; intervalLength: number } {
  if (statSync(source).isDirectory()) return { files: filesUnder(source, '.cfg'), intervalLength: 60 };
  const text = readFileSync(source, 'utf8');
  if (!/^\s*cfg_(file|dir)\s*=/m.test(text)) return { files: [source], intervalLength: 60 };
  // The main configuration: object files are the ones it names; interval_length is its unit of check_interval.
  const files: string[] = [];
  let intervalLength = 60;
  const base = path.dirname(source);
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const m = /^\s*(cfg_file|cfg_dir|interval_length)\s*=\s*(.+?)\s*$/.exec(raw);
    if (!m) continue;
    const where = path.resolve(base, m[2]!);
    if (m[1] === 'interval_length') intervalLength = Number(m[2]) || 60;
    else {
      try {
        files.push(...(m[1] === 'cfg_dir' ? filesUnder(where, '.cfg') : statSync(where).isFile() ? [where] : []));
      } catch {
        problems.push({ origin: `${source}:${i + 1}`, why: `${m[1]} ${m[2]} cannot be read` });
      }
    }
  }
  return { files, intervalLength };
}


interface HostInfo {
  readonly name: string;
  readonly address: string;
  readonly vars: Map<string, string>;
  readonly groups: Set<string>;
  readonly object: NagiosObject;
}

class NagiosMapping {
  private readonly commands = new Map<string, string>();
  private readonly hosts = new Map<string, HostInfo>();
  private readonly groupMembers = new Map<string, Set<string>>();

  constructor(
    private readonly out: FleetCollector,
    private readonly objects: readonly NagiosObject[],
    private readonly intervalLength: number,
  ) {}

  run(): void {
    for (const o of this.objects) {
      if (!KNOWN.has(o.type)) this.out.skip(o.origin, `define ${o.type}`, 'not a Nagios object type Vigia knows');
      else if (NOT_IMPORTED[o.type]) this.out.skip(o.origin, `${o.type} ${this.nameOf(o)}`, NOT_IMPORTED[o.type]!);
      else if (o.type === 'command') this.commands.set(o.directives.get('command_name') ?? '', o.directives.get('command_line') ?? '');
    }
    this.collectHosts();
    this.collectGroups();
    for (const host of this.hosts.values()) this.addHost(host);
    for (const o of this.objects.filter((x) => x.type === 'service')) this.addService(o);
  }

  private nameOf(o: NagiosObject): string {
    const d = o.directives;
    return d.get(`${o.type}_name`) ?? d.get('service_description') ?? d.get('host_name') ?? '(unnamed)';
  }

  private collectHosts(): void {
    for (const o of this.objects.filter((x) => x.type === 'host')) {
      const raw = o.directives.get('host_name');
      if (!raw) {
        this.out.skip(o.origin, 'host', 'a host without host_name');
        continue;
      }
      const vars = new Map([...o.directives].filter(([k]) => k.startsWith('_')).map(([k, v]) => [k.slice(1).toUpperCase(), v]));
      this.hosts.set(raw, { name: raw, address: o.directives.get('address') ?? raw, vars, groups: new Set(splitList(o.directives.get('hostgroups') ?? '')), object: o });
    }
  }

  private collectGroups(): void {
    const groups = this.objects.filter((x) => x.type === 'hostgroup');
    const membersOf = (group: string): Set<string> => {
      if (!this.groupMembers.has(group)) this.groupMembers.set(group, new Set());
      return this.groupMembers.get(group)!;
    };
    // A host's own hostgroups and a group's members list both make membership.
    for (const host of this.hosts.values()) for (const group of host.groups) membersOf(group).add(host.name);
    for (const g of groups) {
      const members = membersOf(g.directives.get('hostgroup_name') ?? '');
      for (const m of this.matchHosts(g.directives.get('members') ?? '')) members.add(m);
    }
    // hostgroup_members nests groups; resolved to a fixed point (a cycle just stops growing).
    for (let changed = true, rounds = 0; changed && rounds <= groups.length; rounds++) {
      changed = false;
      for (const g of groups) {
        const members = membersOf(g.directives.get('hostgroup_name') ?? '');
        for (const sub of splitList(g.directives.get('hostgroup_members') ?? '')) {
          for (const m of this.groupMembers.get(sub) ?? []) {
            if (members.has(m)) continue;
            members.add(m);
            changed = true;
          }
        }
      }
    }
    for (const [group, members] of this.groupMembers) for (const m of members) this.hosts.get(m)?.groups.add(group);
  }

  /** Host names from a list with `*` (all) and `!name` (exclusion). */
  private matchHosts(list: string): string[] {
    const items = splitList(list);
    const excluded = new Set(items.filter((i) => i.startsWith('!')).map((i) => i.slice(1)));
    const included = items.some((i) => i === '*') ? [...this.hosts.keys()] : items.filter((i) => !i.startsWith('!'));
    return included.filter((h) => !excluded.has(h));
  }

  private addHost(host: HostInfo): void {
    const d = host.object.directives;
    const ip = isIpLiteral(host.address);
    if (!ip) this.out.skip(host.object.origin, `host ${host.name}`, `its address ${dnsNameWhy(host.address)}`);
    this.out.host({
      name: hostNameOf(host.name), addresses: ip ? [host.address] : [], tags: [...host.groups],
      parents: splitList(d.get('parents') ?? '').map(hostNameOf), origin: host.object.origin,
    });
    const check = d.get('check_command');
    if (check) this.addCheck(host, check, `${host.name} host check`, d, host.object.origin, []);
  }

  private addService(o: NagiosObject): void {
    const d = o.directives;
    const description = d.get('service_description');
    if (!description) {
      this.out.skip(o.origin, 'service', 'a service without service_description');
      return;
    }
    const groups = splitList(d.get('hostgroup_name') ?? '');
    // `!host` and `!group` exclude from the union of both lists, as Nagios does.
    const excluded = new Set([
      ...groups.filter((g) => g.startsWith('!')).flatMap((g) => [...(this.groupMembers.get(g.slice(1)) ?? [])]),
      ...splitList(d.get('host_name') ?? '').filter((h) => h.startsWith('!')).map((h) => h.slice(1)),
    ]);
    const hosts = new Set(this.matchHosts(d.get('host_name') ?? ''));
    for (const g of groups.filter((x) => !x.startsWith('!'))) {
      const members = this.groupMembers.get(g);
      if (!members) this.out.skip(o.origin, `service ${description}`, `hostgroup ${g} is not defined`);
      for (const m of members ?? []) hosts.add(m);
    }
    for (const name of [...hosts].filter((h) => !excluded.has(h))) {
      const host = this.hosts.get(name);
      if (!host) {
        this.out.skip(o.origin, `service ${description} on ${name}`, `host ${name} is not defined`);
        continue;
      }
      const check = d.get('check_command');
      if (!check) this.out.skip(o.origin, `service ${description} on ${name}`, 'no check_command');
      else this.addCheck(host, check, `${host.name} ${description}`, d, o.origin, splitList(d.get('servicegroups') ?? ''));
    }
  }

  private addCheck(host: HostInfo, check: string, name: string, d: Map<string, string>, origin: string, tags: string[]): void {
    const what = `${name} (${check.split('!')[0]})`;
    const [commandName, ...args] = splitBang(check);
    const line = this.commands.get(commandName!);
    if (line === undefined) {
      this.out.skip(origin, what, `command ${commandName} is not defined`);
      return;
    }
    const expanded = expandMacros(line, args, host);
    const mapped = mapPluginCommand(shellWords(expanded), host.address);
    if (!isMapped(mapped)) {
      this.out.skip(origin, what, mapped.why);
      return;
    }
    const intervalMs = (Number.parseFloat(d.get('check_interval') ?? d.get('normal_check_interval') ?? '5') || 5) * this.intervalLength * 1000;
    const monitor = this.out.monitor({
      name, host: hostNameOf(host.name), type: mapped.type, config: mapped.config, intervalMs,
      timeoutMs: mapped.timeoutMs ?? 10_000, enabled: d.get('active_checks_enabled') !== '0', tags,
      secretsNeeded: mapped.secretsNeeded ?? [], origin,
    });
    if (monitor) for (const note of mapped.notes ?? []) this.out.skip(origin, `monitor "${monitor.name}"`, note);
  }
}

/** `check_http!-u /x!y` → command and arguments; `\!` is a literal `!`. */
function splitBang(check: string): string[] {
  return check.split(/(?<!\\)!/).map((p) => p.replace(/\\!/g, '!'));
}

/** Replaces the macros a check needs: $ARGn$, the host's, its custom variables ($_HOSTNAME$); $USERn$ stays. */
function expandMacros(line: string, args: readonly string[], host: HostInfo): string {
  return line.replace(/\$([A-Z0-9_]+)\$/g, (whole, macro: string) => {
    const arg = /^ARG(\d+)$/.exec(macro);
    if (arg) return args[Number(arg[1]) - 1] ?? '';
    if (macro === 'HOSTADDRESS') return host.address;
    if (macro === 'HOSTNAME' || macro === 'HOSTALIAS') return host.name;
    if (macro.startsWith('_HOST')) return host.vars.get(macro.slice(5)) ?? whole;
    return whole;
  });
}
