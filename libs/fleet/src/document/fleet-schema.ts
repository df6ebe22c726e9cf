import { z } from 'zod';
import { HOST_NAME, metaOf, VISIBLE_TEXT, visibleTextProblem } from '#lib/common';
import { PROBE_KINDS } from '#lib/probes';
import { RESOURCE_TYPES } from '#lib/runbooks';

/**
 * The fleet file's schema, defined once: validation (`readFleet`), the in-memory model (`FleetDocument`, its output
 * type) and docs/fleet.schema.json (generated from it, `fleetJsonSchema()`) all come from here. Objects are named,
 * never identified by database ids. A probe kind's config is the probes registry's own shape (libs/probes).
 */

// The API's rule for names (visible text, no control characters or bidirectional overrides), in the API's words.
const name = (max = 100) =>
  z
    .string({ error: 'must be a name' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(VISIBLE_TEXT, { error: (issue) => (typeof issue.input === 'string' && visibleTextProblem(issue.input)) || 'must be visible text' });
const ADDRESS_ERROR = 'must be an IPv4 or IPv6 address, without a port (ports belong to services and monitors)';
const hostName = z.string({ error: 'must be a host name' }).regex(HOST_NAME, { error: 'must be a host name (letters, digits, dashes, dots)' }).regex(/^[^A-Z]*$/, { error: 'must be lower case (host names are stored in lower case)' });
const optionalText = (max: number) => z.string({ error: 'must be a string' }).max(max, { error: `must be at most ${max} characters` }).nullable().default(null);

/** `30s`, `1m`, `500ms`, `2h`: how a file writes a duration. */
export const DURATION = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
export function durationMs(text: string): number {
  const [, amount, unit] = DURATION.exec(text)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}
/** The shortest exact way to write `ms`. */
export function durationText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
const duration = z.string({ error: 'must be a duration such as 30s, 1m or 500ms' }).regex(DURATION, { error: 'must be a duration such as 30s, 1m or 500ms' });

/** A secret is never written in the file: the environment variable or the secrets file that holds it. */
export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' }) }),
  z.strictObject({ file: z.string().min(1), key: z.string().min(1) }),
]).meta({ description: 'A secret by reference: { env: NAME } or { file: path, key: name } (a JSON or YAML secrets file)' });
export type SecretRef = z.infer<typeof secretRefSchema>;

export const siteSchema = z.strictObject({
  name: name(),
  location: optionalText(200),
});

export const hostSchema = z.strictObject({
  name: hostName,
  site: name().nullable().default(null).meta({ description: 'Name of a site of this file' }),
  kind: z.enum(['physical', 'vm', 'hypervisor'], { error: 'must be physical, vm or hypervisor' }).default('physical'),
  addresses: z.array(z.ipv4({ error: ADDRESS_ERROR }).or(z.ipv6({ error: ADDRESS_ERROR })), { error: 'must be a list of addresses' })
    .min(1, { error: 'must hold at least one address' }).max(16, { error: 'must hold at most 16 addresses' }),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_.:=-]{0,62}$/, { error: 'each tag must be 1-63 lower-case letters, digits or _.:=-' })).max(32).default([]),
  ssh: z.strictObject({
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'must be a Unix user name' }).default('root'),
    port: z.int({ error: 'must be a port from 1 to 65535' }).min(1, { error: 'must be a port from 1 to 65535' }).max(65535, { error: 'must be a port from 1 to 65535' }).default(22),
    hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { error: 'must be an OpenSSH SHA256 fingerprint (SHA256:…)' }).nullable().default(null)
      .meta({ description: 'Pinned host key: a host presenting another key is refused' }),
    credential: name().nullable().default(null).meta({ description: 'Name of an SSH credential of the tenant (created in the dashboard: its private key never travels in a file)' }),
    jumpHost: hostName.nullable().default(null).meta({ description: 'Name of a host of this file runbooks reach this one through (ssh -J)' }),
  }).prefault({}),
});

export const customerSchema = z.strictObject({
  name: name(),
  email: z.email({ error: 'must be an e-mail address' }).max(254).nullable().default(null),
  externalRef: optionalText(100),
  language: z.enum(['en', 'es', 'pt', 'de', 'fr'], { error: 'must be one of en, es, pt, de, fr' }).nullable().default(null),
  monthlyReports: z.boolean({ error: 'must be true or false' }).default(false),
  sla: z.strictObject({
    target: z.number({ error: 'must be a percentage such as 99.9' }).meta({ description: 'Promised availability in percent (above 0, at most 100, up to four decimals)' }),
    degradedCountsAsDown: z.boolean({ error: 'must be true or false' }).default(false),
    suspectCountsAsDown: z.boolean({ error: 'must be true or false' }).default(false),
    unobserved: z.enum(['exclude', 'up', 'down'], { error: 'must be exclude, up or down' }).default('exclude'),
    customerCombination: z.enum(['any-down', 'weighted'], { error: 'must be any-down or weighted' }).default('any-down'),
  }).nullable().optional()
    .meta({ description: 'The customer\'s SLA target and how its time is counted (reports\' accounting policy); null: none; omitted: left as it is (not managed by the file)' }),
});

export const serviceSchema = z.strictObject({
  name: name(),
  host: hostName.meta({ description: 'Name of the host of this file that offers the service' }),
  type: z.enum(['web', 'mail', 'mysql', 'dns', 'other'], { error: 'must be one of web, mail, mysql, dns, other' }),
  port: z.int({ error: 'must be a port from 1 to 65535' }).min(1, { error: 'must be a port from 1 to 65535' }).max(65535, { error: 'must be a port from 1 to 65535' }).nullable().default(null),
  customerFacingName: name(120).nullable().default(null).meta({ description: 'What a customer sees instead of the internal name' }),
  customers: z.array(name(), { error: 'must be a list of customer names' }).default([]).meta({ description: 'Names of customers of this file the service serves' }),
});

/** A probe kind's settings as the file writes them: its registry shape, a secret field by reference only. */
function probeConfigSchema(shape: Record<string, z.ZodType>): z.ZodType {
  const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, metaOf(field).secret ? (field.isOptional() ? secretRefSchema.optional() : secretRefSchema) : field]));
  return z.strictObject(fields);
}

/** A vantage assignment by vantage names: a monitor's own, or the tenant's default. */
const vantagesSchema = (omitted: string) => z.strictObject({
  from: z.array(z.string({ error: 'must be a vantage name' }).regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be a vantage name (1-64 letters, digits, dots, dashes or underscores)' }), { error: 'must be a list of vantage names' })
    .min(1, { error: 'must name at least one vantage (or leave it out for every platform vantage)' }).nullable().default(null)
    .meta({ description: 'Names of the vantages that probe it (the platform\'s and the tenant\'s own); omitted: every platform vantage' }),
  quorum: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).nullable().default(null).meta({ description: 'How many must agree on down; omitted: a majority' }),
  count: z.int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).nullable().default(null).meta({ description: 'k of them, chosen per monitor among the healthy ones; omitted: all' }),
}).nullable().optional().meta({ description: omitted });

const monitorBase = {
  name: name(),
  host: hostName.meta({ description: 'Name of the host of this file the monitor belongs to' }),
  service: name().nullable().default(null).meta({ description: 'Name of a service of the same host; omitted for a host-level check' }),
  interval: duration.default('60s'),
  timeout: duration.default('10s'),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  severity: z.enum(['critical', 'warning', 'info'], { error: 'must be critical, warning or info' }).default('critical'),
  vantages: vantagesSchema('Which vantages probe the monitor and the quorum (setMonitorVantages); null: the tenant\'s default; omitted: left as it is'),
};

/** One object per probe kind of the registry (`type` tells which config applies). */
export const monitorSchemas = PROBE_KINDS.map((kind) =>
  z.strictObject({ ...monitorBase, type: z.literal(kind.type), config: probeConfigSchema(kind.config).meta({ description: kind.description }) }));

/** For the JSON Schema only: readFleet checks a monitor's config itself, to report every problem with its line. */
export const monitorSchema = z.discriminatedUnion('type', monitorSchemas as unknown as [typeof monitorSchemas[number]]);

/** `2026-12-01T02:00` (wall-clock time in the window's timeZone) or `2026-12-01T01:00Z` / `…+01:00` (an instant). */
export const WINDOW_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/;
const windowTime = z.string({ error: 'must be a date and time such as 2026-12-01T02:00' }).regex(WINDOW_TIME, { error: 'must be a date and time such as 2026-12-01T02:00 (in timeZone) or 2026-12-01T01:00Z' });

/**
 * Planned downtime (detection's maintenance windows): incidents inside it are planned (no alerts, no runbooks, out
 * of the SLA). One-off, or repeating by an RRULE in a zone; the same rules as `createMaintenanceWindow`.
 */
export const maintenanceSchema = z.strictObject({
  name: name(200),
  from: windowTime.meta({ description: 'Start of the (first) occurrence: wall-clock time in timeZone, or an instant with Z or an offset' }),
  until: windowTime.meta({ description: 'End of the (first) occurrence: every occurrence lasts as long' }),
  timeZone: z.string({ error: 'must be a time zone name such as Europe/Madrid' }).max(64, { error: 'must be at most 64 characters' }).nullable().default(null)
    .meta({ description: 'The IANA zone from/until are in and the window repeats in (required to repeat)' }),
  recurrence: z.string({ error: 'must be an RRULE such as FREQ=WEEKLY;BYDAY=TU' }).max(500, { error: 'must be at most 500 characters' }).nullable().default(null)
    .meta({ description: 'How it repeats, an RRULE body (FREQ=WEEKLY;BYDAY=TU), at most daily; omitted: once' }),
  hosts: z.array(hostName, { error: 'must be a list of host names' }).max(1000).default([]).meta({ description: 'Names of hosts of this file' }),
  services: z.array(z.string({ error: 'must be host/service' }).regex(/^[^/\s]+\/[^/]+$/, { error: 'must be host/service (a service is named on its host)' }), { error: 'must be a list of host/service names' }).max(1000).default([])
    .meta({ description: 'Services of this file, as host/service' }),
  monitors: z.array(name(360), { error: 'must be a list of host/monitor names' }).max(1000).default([])
    .meta({ description: 'Monitors of this file, as host/monitor (monitor names are unique per host); a bare monitor name is read as the one monitor of the file with that name' }),
});

/**
 * A runbook (libs/runbooks' document, docs/runbooks.md): its source inline, or a file beside the fleet file that the
 * CLI reads and sends inline. Its `name` is the one its source gives it.
 */
export const runbookSchema = z.strictObject({
  name: name(),
  source: z.string({ error: 'must be the runbook document (YAML or JSON) as text' }).min(1, { error: 'must not be empty' }).max(65_536, { error: 'must be at most 64 KiB' }).optional()
    .meta({ description: 'The runbook document, inline (a YAML block: source: |)' }),
  file: z.string({ error: 'must be a path' }).min(1, { error: 'must not be empty' }).max(500).optional()
    .meta({ description: 'A file beside the fleet file holding the runbook document (the CLI reads it and sends its text)' }),
  schedule: z.strictObject({
    everyMinutes: z.int({ error: 'must be 1 to 44640 minutes' }).min(1, { error: 'must be 1 to 44640 minutes' }).max(44_640, { error: 'must be 1 to 44640 minutes' })
      .meta({ description: 'Run every this many minutes (1 to 44640, 31 days); the first run one period after the apply' }),
    resource: name().nullable().default(null).meta({ description: 'A resource of this file the scheduled run is for; omitted: none' }),
  }).nullable().optional()
    .meta({ description: 'Run on a schedule (setRunbookSchedule); null: not scheduled; omitted: left as it is' }),
});

/**
 * Where alerts go (alerts' channels): a kind of the channel registry with its settings, checked on the server by the
 * API's own rules (each kind's config, the egress policy). Its secret (routing key, token, webhook URL) by reference.
 */
export const channelSchema = z.strictObject({
  name: name(),
  type: z.string({ error: 'must be a channel type such as email, slack or pagerduty' }).regex(/^[a-z][a-z0-9-]{0,40}$/, { error: 'must be a channel type such as email, slack or pagerduty' }),
  config: z.record(z.string(), z.unknown(), { error: 'must be a mapping of the channel kind\'s settings' }).default({})
    .meta({ description: 'The channel kind\'s settings (docs/alerts.md): e.g. to for email, url for webhook' }),
  secret: secretRefSchema.nullable().default(null).meta({ description: 'The kind\'s secret (routing key, token, webhook URL) by reference, never its value; omitted: none' }),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
});

const whole = z.int({ error: 'must be a whole number' });
const names = (what: string) => z.array(name(), { error: `must be a list of ${what} names` });

/**
 * A route and its escalation (alerts' escalation policies): which incidents it matches and which channels (named in
 * this file), on-call schedules (by name) and people (by e-mail) each step pages when. The same rules as
 * `createEscalationPolicy`, checked on the server.
 */
export const escalationSchema = z.strictObject({
  name: name(),
  priority: whole.default(100).meta({ description: 'Lower is tried first' }),
  match: z.strictObject({
    severities: z.array(z.string({ error: 'must be critical, warning or info' }), { error: 'must be a list of severities' }).default([]),
    serviceTypes: z.array(z.string({ error: 'must be a service type' }), { error: 'must be a list of service types' }).default([]),
    customers: names('customer').default([]).meta({ description: 'Names of customers of this file' }),
    hostTags: z.array(z.string({ error: 'must be a tag' }), { error: 'must be a list of host tags' }).default([]),
  }).prefault({}).meta({ description: 'Which incidents the policy takes (empty lists match all)' }),
  steps: z.array(z.strictObject({
    delayMinutes: whole.meta({ description: 'Minutes after the incident opened; later steps go out only while unacknowledged' }),
    channels: names('channel').default([]).meta({ description: 'Names of channels of this file the step pages' }),
    schedules: names('schedule').max(10, { error: 'must name at most 10 schedules' }).default([])
      .meta({ description: 'Names of on-call schedules of the tenant (made in the dashboard): whoever is on call when the step fires, by their own rules' }),
    people: z.array(z.string({ error: 'must be a user\'s e-mail' }).regex(/^[^\s@]+@[^\s@]+$/, { error: 'must be a user\'s e-mail (their login address)' }), { error: 'must be a list of users\' e-mails' })
      .max(20, { error: 'must name at most 20 people' }).default([])
      .meta({ description: 'People of the tenant by their login e-mail, each paged by their own notification rules' }),
  }), { error: 'must be a list of steps' }),
  repeatMinutes: whole.nullable().default(null).meta({ description: 'Repeat the last step every N minutes while unacknowledged (3 times at most)' }),
  quietHours: z.strictObject({ start: z.string({ error: 'must be HH:MM' }), end: z.string({ error: 'must be HH:MM' }) }).nullable().default(null)
    .meta({ description: 'In the tenant\'s time zone: e-mail and webhook steps wait until it ends; pagers still page' }),
});

/**
 * A failover unit (runbooks' resources): a kind of the resource registry with its own settings (checked on the server
 * by the API's rules), its members in preference order by host name, its policy, the runbooks it runs (by name; null:
 * the kind's built-in) and its secrets by reference.
 */
export const resourceSchema = z.strictObject({
  name: z.string({ error: 'must be a name' }).regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, { error: 'must be 1-63 lower-case letters, digits, . _ -' }),
  kind: z.string({ error: `must be a resource kind (${RESOURCE_TYPES.join(', ')})` }).meta({ description: `A resource kind: ${RESOURCE_TYPES.join(', ')}` }),
  config: z.record(z.string(), z.unknown(), { error: 'must be a mapping of the resource kind\'s settings' }).default({})
    .meta({ description: 'The resource kind\'s settings (docs/runbooks.md); a setting naming a host takes a host name of this file' }),
  members: z.array(z.strictObject({
    host: hostName.meta({ description: 'Name of a host of this file' }),
    monitors: z.array(name(360), { error: 'must be a list of monitor names' }).max(32, { error: 'must name at most 32 monitors' }).default([])
      .meta({ description: 'Monitors of that host whose outage means the member is down (names on the host, or host/name); empty: every monitor of the host' }),
    weight: z.int({ error: 'must be a whole number from 0 to 256' }).min(0, { error: 'must be a whole number from 0 to 256' }).max(256, { error: 'must be a whole number from 0 to 256' }).nullable().default(null)
      .meta({ description: 'Pool weight to restore (kinds whose members have one)' }),
    value: z.string({ error: 'must be a server name or a DNS value' }).regex(/^[A-Za-z0-9_.:-]{1,253}$/, { error: 'must be a server name or a DNS value' }).nullable().default(null)
      .meta({ description: 'Pool server name, or DNS value when it is not the host address (kinds whose members have one)' }),
  }), { error: 'must be a list of members' }).min(1, { error: 'needs 1 to 16 members' }).max(16, { error: 'needs 1 to 16 members' }).meta({ description: 'In preference order' }),
  primary: hostName.optional().meta({ description: 'The member that holds the role now (a host name); omitted: the first member at creation, then left to failovers' }),
  approvalRequired: z.boolean({ error: 'must be true or false' }).default(false),
  cooldownMinutes: z.int({ error: 'must be a whole number from 0 to 1440' }).min(0, { error: 'must be a whole number from 0 to 1440' }).max(1440, { error: 'must be a whole number from 0 to 1440' }).default(5),
  failback: z.enum(['auto', 'stay'], { error: 'must be auto or stay' }).default('stay'),
  failbackHoldSeconds: z.int({ error: 'must be a whole number from 0 to 86400' }).min(0, { error: 'must be a whole number from 0 to 86400' }).max(86_400, { error: 'must be a whole number from 0 to 86400' }).default(300),
  requireFencing: z.boolean({ error: 'must be true or false' }).default(false),
  runbook: name().nullable().default(null).meta({ description: 'The failure runbook: a runbook of this file or a built-in (builtin/…); omitted: the kind\'s built-in' }),
  recoveryRunbook: name().nullable().default(null).meta({ description: 'The recovery runbook: a runbook of this file or a built-in; omitted: the kind\'s built-in' }),
  secrets: z.record(z.string(), secretRefSchema, { error: 'must be a mapping of the kind\'s secret names to references' }).default({})
    .meta({ description: 'The kind\'s secrets (a MySQL group\'s user, password, replPassword; a DNS record\'s tsigSecret…) by reference, never their values' }),
});

/**
 * The tenant's own settings (one per tenant, so a mapping, not a list): its default vantage assignment, for monitors
 * without their own (`setVantageDefaults`). A setting the file leaves out is left as it is.
 */
export const tenantSchema = z.strictObject({
  vantages: vantagesSchema('The default assignment of monitors without their own (setVantageDefaults); null: none (the central watchdog alone); omitted: left as it is'),
});

const section = <T extends z.ZodType>(item: T) => z.array(item, { error: 'must be a list' }).default([]);

/**
 * The sections, in the order they are planned. `tenant` is the one that is not a list: a file writes it as a mapping
 * (`tenant: { vantages: … }`), the document holds it as a list of at most one item named `tenant`.
 */
export const FLEET_SECTIONS = ['sites', 'hosts', 'customers', 'services', 'monitors', 'maintenance', 'runbooks', 'channels', 'escalation', 'resources', 'tenant'] as const;
export type FleetSection = (typeof FLEET_SECTIONS)[number];
/** The sections that are lists of named objects (with `defaults:`). */
export const LIST_SECTIONS = FLEET_SECTIONS.filter((s): s is Exclude<FleetSection, 'tenant'> => s !== 'tenant');
export type ListSection = Exclude<FleetSection, 'tenant'>;

export const fleetFileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }).default(1),
  tenant: tenantSchema.optional().meta({ description: 'The tenant\'s own settings: its default vantage assignment; omitted: left as they are' }),
  defaults: z.strictObject(Object.fromEntries(LIST_SECTIONS.map((s) => [s, z.record(z.string(), z.unknown()).optional()]))).optional()
    .meta({ description: 'Values every item of a section gets unless it sets them itself (merged deeply: a monitor sets config.url, the defaults config.expectedStatus)' }),
  sites: section(siteSchema),
  hosts: section(hostSchema),
  customers: section(customerSchema),
  services: section(serviceSchema),
  monitors: section(monitorSchema),
  maintenance: section(maintenanceSchema),
  runbooks: section(runbookSchema),
  channels: section(channelSchema),
  escalation: section(escalationSchema),
  resources: section(resourceSchema),
}).meta({ title: 'Vigia fleet file', description: 'A tenant\'s fleet as code: see docs/fleet.md' });

/** docs/fleet.schema.json: what editors validate the file against. */
export function fleetJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fleetFileSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}
