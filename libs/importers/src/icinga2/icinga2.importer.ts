import { readFileSync, statSync } from 'node:fs';
import { FleetCollector, hostNameOf, type ImportedFleet } from '../imported-fleet.js';
import { dnsNameWhy, isIpLiteral, isMapped } from '../mapped-check.js';
import { displayPath, filesUnder } from '../yaml-source.js';
import { mapItlCommand } from './icinga-commands.js';
import { parseConfig, type Block } from './icinga-dsl.js';
import { applyStatements, clone, evaluate, truthy, Unresolvable, type Attrs, type Scope } from './icinga-eval.js';

/** Object types Vigia models differently, and what an operator does instead. */
const NOT_IMPORTED: Record<string, string> = {
  User: 'people are not imported: add them as users and page them through escalation policies',
  UserGroup: 'user groups are not imported: make an escalation policy',
  Notification: 'notifications are not imported: Vigia pages through escalation policies and channels',
  NotificationCommand: 'notification commands are not imported: use a channel (e-mail, webhook, PagerDuty, Opsgenie)',
  TimePeriod: 'time periods are not imported: use maintenance windows or escalation policy hours',
  ScheduledDowntime: 'scheduled downtimes are not imported yet: add them as maintenance windows',
  Dependency: 'dependencies are not imported: Vigia suppresses by host parents',
  CheckCommand: 'custom check commands are not imported: only the Icinga Template Library commands map to probes',
  Zone: 'zones are part of Icinga\'s own cluster',
  Endpoint: 'endpoints are part of Icinga\'s own cluster',
  ApiUser: 'API users are Icinga\'s own',
  EventCommand: 'event handlers are not imported: use a runbook',
};

interface Defined {
  block: Block;
  name: string;
  origin: string;
}

interface HostInfo {
  name: string;
  attrs: Attrs;
  origin: string;
}

/** Reads Icinga 2 configuration: one `.conf` file or a folder of them (conf.d, zones.d), objects resolved statically. */
export function importIcinga2(source: string): ImportedFleet {
  const out = new FleetCollector('icinga2');
  const defined: Defined[] = [];
  for (const file of confFiles(source)) {
    const shown = displayPath(file);
    const parsed = parseConfig(readFileSync(file, 'utf8'));
    for (const p of parsed.problems) out.skip(`${shown}:${p.line}`, 'configuration', p.why);
    for (const block of parsed.blocks) {
      const origin = `${shown}:${block.line}`;
      for (const s of block.body.filter((x) => x.k === 'unsupported')) out.skip(`${shown}:${s.line}`, `${block.type} ${nameOf(block)}`, `"${s.k === 'unsupported' ? s.what : ''}" inside a definition is not evaluated when importing`);
      defined.push({ block, name: nameOf(block), origin });
    }
  }
  new IcingaMapping(out, defined).run();
  return out.result();
}

function nameOf(block: Block): string {
  try {
    return String(evaluate(block.name, {}));
  } catch {
    return '(computed name)';
  }
}

function confFiles(source: string): string[] {
  return statSync(source).isDirectory() ? filesUnder(source, '.conf') : [source];
}

class IcingaMapping {
  private readonly templates = new Map<string, Block>();
  private readonly hosts: HostInfo[] = [];

  constructor(
    private readonly out: FleetCollector,
    private readonly defined: Defined[],
  ) {}

  run(): void {
    for (const d of this.defined) if (d.block.kind === 'template') this.templates.set(`${d.block.type}/${d.name}`, d.block);
    for (const d of this.defined.filter((x) => x.block.kind !== 'template')) {
      const reason = NOT_IMPORTED[d.block.type];
      if (reason) this.out.skip(d.origin, `${d.block.kind} ${d.block.type} "${d.name}"`, reason);
      else if (!['Host', 'Service', 'HostGroup', 'ServiceGroup'].includes(d.block.type)) this.out.skip(d.origin, `${d.block.type} "${d.name}"`, 'not an object type Vigia imports');
    }
    for (const d of this.defined.filter((x) => x.block.kind === 'object' && x.block.type === 'Host')) this.addHost(d);
    this.assignHostGroups();
    for (const host of this.hosts) this.registerHost(host);
    for (const d of this.defined.filter((x) => x.block.type === 'Service' && x.block.kind !== 'template')) {
      if (d.block.kind === 'object') this.objectService(d);
      else this.applyService(d);
    }
  }

  /** A block's attributes: imports and assignments in their order, templates resolved in the same scope. */
  private attrsOf(block: Block, scope: Scope, origin: string, attrs: Attrs = {}, seen = new Set<Block>()): Attrs {
    if (seen.has(block)) throw new Unresolvable(`templates imported in a cycle at ${origin}`);
    seen.add(block);
    for (const s of block.body) {
      if (s.k === 'import') {
        const template = this.templates.get(`${block.type}/${s.name}`);
        if (!template) throw new Unresolvable(`imports template "${s.name}", which no ${block.type} template defines`);
        this.attrsOf(template, scope, origin, attrs, seen);
      } else if (s.k === 'set') applyStatements(attrs, [s], scope);
    }
    seen.delete(block);
    return attrs;
  }

  private addHost(d: Defined): void {
    try {
      const attrs = this.attrsOf(d.block, { name: d.name }, d.origin, { name: d.name, vars: {}, groups: [] });
      this.hosts.push({ name: d.name, attrs, origin: d.origin });
    } catch (error) {
      this.out.skip(d.origin, `Host "${d.name}"`, (error as Error).message);
    }
  }

  private assignHostGroups(): void {
    for (const d of this.defined.filter((x) => x.block.kind === 'object' && x.block.type === 'HostGroup')) {
      for (const host of this.hosts) {
        try {
          if (this.assigned(d.block, { host: host.attrs })) (host.attrs.groups as string[]).push(d.name);
        } catch (error) {
          this.out.skip(d.origin, `HostGroup "${d.name}" for ${host.name}`, (error as Error).message);
        }
      }
    }
  }

  /** `assign where` any true and no `ignore where` true; no assign rule means not assigned. */
  private assigned(block: Block, scope: Scope): boolean {
    const assigns = block.body.filter((s) => s.k === 'assign');
    const ignores = block.body.filter((s) => s.k === 'ignore');
    const holds = (e: (typeof block.body)[number]) => (e.k === 'assign' || e.k === 'ignore' ? truthy(evaluate(e.expr, scope)) : false);
    // An apply-for rule needs no assign rule: its loop says where it applies.
    const applies = block.forLoop && !assigns.length ? true : assigns.some(holds);
    return applies && !ignores.some(holds);
  }

  private registerHost(host: HostInfo): void {
    const address = String(host.attrs.address ?? host.attrs.address6 ?? '');
    const ip = isIpLiteral(address);
    if (!ip) this.out.skip(host.origin, `host ${host.name}`, address ? `its address ${dnsNameWhy(address)}` : 'no address: add its IP addresses in the file');
    const addresses = [host.attrs.address, host.attrs.address6].map((a) => String(a ?? '')).filter(isIpLiteral);
    this.out.host({ name: hostNameOf(host.name), addresses, tags: groupsOf(host.attrs), origin: host.origin });
    const check = host.attrs.check_command;
    const why = typeof check === 'string' ? this.addCheck(host, `${host.name} host check`, check, { vars: {} }, host.origin) : undefined;
    if (why) this.out.skip(host.origin, `host check of ${host.name}`, why);
  }

  private objectService(d: Defined): void {
    try {
      const attrs = this.attrsOf(d.block, { name: d.name }, d.origin, { name: d.name, vars: {}, groups: [] });
      const host = this.hosts.find((h) => h.name === attrs.host_name);
      if (!host) {
        this.out.skip(d.origin, `Service "${d.name}"`, `host_name ${String(attrs.host_name)} is not a defined host`);
        return;
      }
      const why = this.service(host, d.name, attrs, d.origin);
      if (why) this.out.skip(d.origin, `Service "${d.name}" on ${host.name}`, why);
    } catch (error) {
      this.out.skip(d.origin, `Service "${d.name}"`, (error as Error).message);
    }
  }

  private applyService(d: Defined): void {
    let failed = false;
    // A rule whose check has no probe is reported once, with the hosts it applies to, not once per host.
    const unmappable = new Map<string, string[]>();
    for (const host of this.hosts) {
      try {
        for (const { name, scope } of this.instances(d, host)) {
          if (!this.assigned(d.block, scope)) continue;
          const attrs = this.attrsOf(d.block, scope, d.origin, { name, vars: {}, groups: [] });
          const why = this.service(host, name, attrs, d.origin);
          if (why) unmappable.set(why, [...(unmappable.get(why) ?? []), host.name]);
        }
      } catch (error) {
        if (!failed) this.out.skip(d.origin, `apply Service "${d.name}"`, `${(error as Error).message}: the rule cannot be resolved statically`);
        failed = true;
      }
    }
    for (const [why, hosts] of unmappable) {
      const on = hosts.length > 3 ? `${hosts.slice(0, 3).join(', ')} and ${hosts.length - 3} more` : hosts.join(', ');
      this.out.skip(d.origin, `apply Service "${d.name}" on ${on}`, why);
    }
  }

  /** An apply rule's instances on one host: one, or one per entry of its `for` loop (the name prefixed). */
  private *instances(d: Defined, host: HostInfo): Generator<{ name: string; scope: Scope }> {
    const base: Scope = { host: host.attrs };
    const loop = d.block.forLoop;
    if (!loop) {
      yield { name: d.name, scope: base };
      return;
    }
    const over = evaluate(loop.expr, base);
    const entries: [unknown, unknown][] = Array.isArray(over) ? over.map((v) => [v, v]) : over && typeof over === 'object' ? Object.entries(over) : [];
    const prefix = d.name === '(computed name)' ? '' : d.name;
    for (const [k, v] of entries) {
      const scope: Scope = { ...base, [loop.key]: Array.isArray(over) ? v : k, ...(loop.value ? { [loop.value]: clone(v) } : {}) };
      yield { name: `${prefix}${String(Array.isArray(over) ? v : k)}`, scope };
    }
  }

  /** Adds a service's monitor; returns why not when its check has no probe (the caller reports it). */
  private service(host: HostInfo, name: string, attrs: Attrs, origin: string): string | undefined {
    const check = attrs.check_command;
    if (typeof check !== 'string') return 'no check_command';
    return this.addCheck(host, `${host.name} ${name}`, check, attrs, origin);
  }

  private addCheck(host: HostInfo, name: string, command: string, service: Attrs, origin: string): string | undefined {
    const hostAddress = String(host.attrs.address ?? host.attrs.address6 ?? host.name);
    const serviceVars = (service.vars ?? {}) as Attrs;
    const hostVars = (host.attrs.vars ?? {}) as Attrs;
    const lookup = (v: string): unknown => resolveMacros(v in serviceVars ? serviceVars[v] : hostVars[v], host, service, hostAddress);
    const mapped = mapItlCommand(command, lookup, hostAddress);
    if (!isMapped(mapped)) return mapped.why;
    const interval = Number(service.check_interval ?? host.attrs.check_interval ?? 300);
    const monitor = this.out.monitor({
      name, host: hostNameOf(host.name), type: mapped.type, config: mapped.config, origin,
      intervalMs: interval * 1000, timeoutMs: mapped.timeoutMs ?? Math.min(10_000, Number(service.check_timeout ?? 10) * 1000),
      enabled: service.enable_active_checks !== false, tags: groupsOf(service), secretsNeeded: mapped.secretsNeeded ?? [],
    });
    if (monitor) for (const note of mapped.notes ?? []) this.out.skip(origin, `monitor "${monitor.name}"`, note);
    return undefined;
  }
}

function groupsOf(attrs: Attrs): string[] {
  return Array.isArray(attrs.groups) ? attrs.groups.map(String) : [];
}

/** `$address$`, `$host.name$`, `$host.vars.x$`, `$service.vars.x$`, `$x$` (a custom variable) inside a string. */
function resolveMacros(value: unknown, host: HostInfo, service: Attrs, hostAddress: string): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\$([\w.]+)\$/g, (whole, macro: string) => {
    if (macro === 'address' || macro === 'check_address' || macro === 'host.address') return hostAddress;
    if (macro === 'host.name' || macro === 'host.display_name') return host.name;
    const path = macro.split('.');
    const root = path[0] === 'host' ? host.attrs : path[0] === 'service' ? service : undefined;
    let v: unknown = root ?? (((service.vars ?? {}) as Attrs)[macro] ?? ((host.attrs.vars ?? {}) as Attrs)[macro]);
    for (const key of root ? path.slice(1) : []) v = v && typeof v === 'object' ? (v as Attrs)[key] : undefined;
    return v === undefined || typeof v === 'object' ? whole : String(v);
  });
}
