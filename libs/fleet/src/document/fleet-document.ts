import type { z } from 'zod';
import type { channelSchema, resourceSchema, customerSchema, escalationSchema, FleetSection, hostSchema, maintenanceSchema, runbookSchema, serviceSchema, siteSchema } from './fleet-schema.js';

/**
 * A tenant's fleet in memory: what `readFleet` makes of a file, what an importer builds, what `export` returns and
 * `writeFleet` turns back into YAML. Pure data, every field filled in (defaults applied), objects named — never a
 * database id. Secrets appear only as references (`{ env }` / `{ file, key }`).
 */
export type FleetSite = z.output<typeof siteSchema>;
export type FleetHost = z.output<typeof hostSchema>;
export type FleetCustomer = z.output<typeof customerSchema>;
export type FleetService = z.output<typeof serviceSchema>;
/**
 * A maintenance window as read: `from`/`until` written one way (wall-clock in `timeZone` for a repeating window,
 * UTC `…Z` for a one-off, which keeps no zone, as the API stores it), the recurrence without `RRULE:`.
 */
export type FleetMaintenance = z.output<typeof maintenanceSchema>;
/**
 * A runbook: `source` inline, or `file` (read by the CLI, which sends `source`); exactly one of them in a file. Its
 * `schedule` (every N minutes, for a resource of the file by name): null none, undefined not managed by the file.
 */
export type FleetRunbook = z.output<typeof runbookSchema>;
/** An alert channel: its secret a reference only (`{ env }` / `{ file, key }`), null when it has none. */
export type FleetChannel = z.output<typeof channelSchema>;
/** An escalation policy: channels, customers and on-call schedules by name, people by their login e-mail. */
export type FleetEscalation = z.output<typeof escalationSchema>;
/**
 * A failover unit: members by host name (their monitors as `host/name` once read), runbooks by name (null: the kind's
 * built-in), secrets as references only; `primary` undefined: not managed by the file.
 */
export type FleetResource = z.output<typeof resourceSchema>;
export interface FleetMonitor {
  name: string;
  host: string;
  /** A service of the same host, or null for a host-level check. */
  service: string | null;
  /** A probe type of the registry (libs/probes probe-kinds.ts). */
  type: string;
  config: Record<string, unknown>;
  /** Durations as written in a file: `30s`, `1m`, `500ms`. */
  interval: string;
  timeout: string;
  enabled: boolean;
  severity: 'critical' | 'warning' | 'info';
  /** Its own vantage assignment (names); null: the tenant's default; undefined: not managed by the file. */
  vantages?: FleetVantages | null;
}

export interface FleetVantages {
  /** Vantage names; null: every platform vantage. */
  from: string[] | null;
  /** null: a majority. */
  quorum: number | null;
  /** null: all of them. */
  count: number | null;
}

/**
 * The tenant's own settings (a file's `tenant:` mapping; in the document a list of at most one, named `tenant`, so it
 * is planned, remembered and drifts as every object does).
 */
export interface FleetTenant {
  name: 'tenant';
  /** The default assignment of monitors without their own; null: none; undefined: not managed by the file. */
  vantages?: FleetVantages | null;
}

export interface FleetDocument {
  sites: FleetSite[];
  hosts: FleetHost[];
  customers: FleetCustomer[];
  services: FleetService[];
  monitors: FleetMonitor[];
  maintenance: FleetMaintenance[];
  runbooks: FleetRunbook[];
  channels: FleetChannel[];
  escalation: FleetEscalation[];
  resources: FleetResource[];
  tenant: FleetTenant[];
}

export type FleetObject = FleetSite | FleetHost | FleetCustomer | FleetService | FleetMonitor | FleetMaintenance | FleetRunbook | FleetChannel | FleetEscalation | FleetResource | FleetTenant;

export function emptyFleet(): FleetDocument {
  return { sites: [], hosts: [], customers: [], services: [], monitors: [], maintenance: [], runbooks: [], channels: [], escalation: [], resources: [], tenant: [] };
}

/**
 * The stable key of an object in its section: its name; a service's and a monitor's `host/name`, their names are
 * unique per host ("http" on every web server).
 */
export function fleetKey(section: FleetSection, item: FleetObject): string {
  return section === 'services' || section === 'monitors' ? `${(item as FleetService | FleetMonitor).host}/${item.name}` : item.name;
}

/** What an object is called in messages: `monitor web-1/http`, `service web-1/www`. */
export function fleetLabel(section: FleetSection, key: string): string {
  if (section === 'tenant') return 'tenant';
  const what = section === 'maintenance' ? 'maintenance window' : section === 'escalation' ? 'escalation policy' : section.replace(/s$/, '');
  return `${what} ${key}`;
}

/** A problem in a fleet file: where (path into the document) and what, in the field's words. */
export interface FleetProblem {
  /** e.g. ['monitors', 12, 'config', 'url']: the item's index in the file's list. */
  path: (string | number)[];
  message: string;
}
