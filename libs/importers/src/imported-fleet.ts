import { checkSettings, VigiaException } from '#lib/common';
import { probeKind, type ProbeType } from '#lib/probes';
import { dnsNameWhy, isIpLiteral } from './mapped-check.js';

/**
 * What an importer read from another tool, in Vigia's own terms: hosts, monitors with a probe type and a config that
 * the probe registry accepts, maintenance, channels without their tokens — and everything it could not map, with
 * why. Nothing is dropped silently: every source object ends up as a host, a monitor, a channel, a maintenance window
 * or an entry of `unmapped`. The fleet file writer turns this into YAML; importers know nothing of the file format.
 */
export interface ImportedFleet {
  /** Which tool it came from (`nagios`, `uptime-kuma`, …). */
  readonly source: string;
  readonly hosts: ImportedHost[];
  readonly monitors: ImportedMonitor[];
  readonly channels: ImportedChannel[];
  readonly maintenance: ImportedMaintenance[];
  readonly unmapped: Unmapped[];
}

export interface ImportedHost {
  name: string;
  /** IP addresses; empty when the source names the host by a DNS name only (said in `unmapped`). */
  addresses: string[];
  tags: string[];
  /** Hosts this one is reached through (Nagios `parents`): dependencies. */
  parents: string[];
  /** Where it was defined, `file:line`, for the report. */
  origin: string;
}

export interface ImportedMonitor {
  name: string;
  host: string;
  type: ProbeType;
  /** Settings of the probe type, checked against the probe registry; credentials never included. */
  config: Record<string, unknown>;
  intervalMs: number;
  timeoutMs: number;
  enabled: boolean;
  tags: string[];
  /** Channels (by imported name) that alert for it. */
  channels: string[];
  /** Credentials the source had that must be given again as secret references (`password`). */
  secretsNeeded: string[];
  origin: string;
}

export interface ImportedChannel {
  name: string;
  /** Vigia's channel kind (`email`, `webhook`, `pagerduty`, `opsgenie`, …), or the source's own name when unknown. */
  type: string;
  /** Settings without secrets. */
  config: Record<string, unknown>;
  /** Secret settings the source had: given again by reference, never copied. */
  secretsNeeded: string[];
  origin: string;
}

export interface ImportedMaintenance {
  name: string;
  /** Monitors it covers, as `host/name` (a fleet file's window names them so); hosts when `monitors` is empty. */
  monitors: string[];
  hosts: string[];
  startsAt?: string;
  endsAt?: string;
  /** A recurring window in the source's own words (cron, weekdays) when it cannot be a one-off. */
  recurrence?: string;
  timeZone?: string;
  origin: string;
}

export interface Unmapped {
  /** `file:line`, or `monitor 12 "name"` for a database row. */
  origin: string;
  what: string;
  why: string;
}

/** Collects an import as it goes: unique names, probe configs checked against the registry, everything else reported. */
export class FleetCollector {
  readonly hosts: ImportedHost[] = [];
  readonly monitors: ImportedMonitor[] = [];
  readonly channels: ImportedChannel[] = [];
  readonly maintenance: ImportedMaintenance[] = [];
  readonly unmapped: Unmapped[] = [];
  private readonly hostNames = new Map<string, ImportedHost>();
  /** `host/name` of every monitor added. */
  private readonly monitorNames = new Set<string>();

  constructor(private readonly source: string) {}

  skip(origin: string, what: string, why: string): void {
    this.unmapped.push({ origin, what, why });
  }

  host(host: Omit<ImportedHost, 'tags' | 'parents'> & Partial<Pick<ImportedHost, 'tags' | 'parents'>>): ImportedHost {
    const existing = this.hostNames.get(host.name);
    if (existing) {
      for (const a of host.addresses) if (!existing.addresses.includes(a)) existing.addresses.push(a);
      for (const t of host.tags ?? []) if (!existing.tags.includes(t)) existing.tags.push(t);
      return existing;
    }
    const made: ImportedHost = { tags: [], parents: [], ...host, name: host.name };
    made.tags = uniqueTags(made.tags);
    this.hosts.push(made);
    this.hostNames.set(made.name, made);
    return made;
  }

  /**
   * The host a target (an IP address or a DNS name) belongs to, added the first time it is seen; a DNS name gets no
   * address, and the report says so once.
   */
  hostFor(target: string, origin: string): string {
    const name = hostNameOf(target);
    if (this.hostNames.has(name)) return name;
    const ip = isIpLiteral(target);
    if (!ip) this.skip(origin, `host ${name}`, dnsNameWhy(target));
    this.host({ name, addresses: ip ? [target] : [], origin });
    return name;
  }

  /**
   * Adds a monitor when its config is one the probe registry accepts; otherwise reports why. A name its host already
   * has gets a number: monitor names are unique per host.
   */
  monitor(monitor: Omit<ImportedMonitor, 'channels' | 'secretsNeeded' | 'enabled' | 'tags'> & Partial<ImportedMonitor>): ImportedMonitor | undefined {
    const kind = probeKind(monitor.type);
    const config = dropUndefined(monitor.config);
    try {
      if (!kind) throw VigiaException.invalid('type', `is not a probe type of Vigia`);
      checkSettings(kind.config, config, { path: 'config', unknown: () => 'is not a setting of this probe', required: () => 'is required' });
    } catch (error) {
      this.skip(monitor.origin, `monitor "${monitor.name}"`, `its check does not make a valid ${monitor.type} monitor: ${describe(error)}`);
      return undefined;
    }
    const timeoutMs = Math.min(monitor.timeoutMs, monitor.intervalMs - 1);
    const made: ImportedMonitor = {
      enabled: true, tags: [], channels: [], secretsNeeded: [], ...monitor, config,
      name: this.uniqueMonitorName(monitor.host, monitor.name), timeoutMs, intervalMs: Math.max(1000, monitor.intervalMs),
    };
    made.tags = uniqueTags(made.tags);
    this.monitors.push(made);
    return made;
  }

  result(): ImportedFleet {
    return { source: this.source, hosts: this.hosts, monitors: this.monitors, channels: this.channels, maintenance: this.maintenance, unmapped: this.unmapped };
  }

  private uniqueMonitorName(host: string, name: string): string {
    const base = name.slice(0, 100);
    let candidate = base;
    for (let i = 2; this.monitorNames.has(`${host}/${candidate}`); i++) candidate = `${base.slice(0, 94)} (${i})`;
    this.monitorNames.add(`${host}/${candidate}`);
    return candidate;
  }
}

const TAG = /^[a-z0-9][a-z0-9_.:=-]{0,62}$/i;

/** Tags as a fleet file takes them: lower case, other characters become `-`, too long ones cut, duplicates dropped. */
export function uniqueTags(tags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim().toLowerCase().replace(/[^a-z0-9_.:=-]+/gi, '-').replace(/^[^a-z0-9]+/i, '').slice(0, 63);
    if (TAG.test(tag)) out.add(tag);
  }
  return [...out];
}

/** A host name Vigia accepts (RFC 1123): other characters become `-`. */
export function hostNameOf(raw: string): string {
  const name = raw.trim().toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 253);
  return name || 'host';
}

function dropUndefined(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
}

function describe(error: unknown): string {
  // VigiaException.invalid() words its message as `<field>: <reason>` already.
  return error instanceof Error ? error.message : String(error);
}
