import type { z } from 'zod';
import { PROBE_TYPES } from '#lib/probes';
import { checkFleet } from './fleet-checks.js';
import { emptyFleet, type FleetDocument, type FleetMaintenance, type FleetProblem, type FleetRunbook, type FleetTenant, fleetKey, fleetLabel } from './fleet-document.js';
import { channelSchema, resourceSchema, customerSchema, escalationSchema, durationMs, type FleetSection, hostSchema, LIST_SECTIONS, type ListSection, tenantSchema, maintenanceSchema, monitorSchemas, runbookSchema, serviceSchema, siteSchema } from './fleet-schema.js';
import { readWindow } from './fleet-maintenance.js';
import { INLINE_SECRET, isSecretRef, secretSlots } from './fleet-secrets.js';
import { FleetSource, type LocatedProblem, type ProblemPlacer } from './fleet-source.js';

export interface ReadFleet {
  /** Null when anything is wrong: a fleet is used whole or not at all. */
  document: FleetDocument | null;
  problems: LocatedProblem[];
  source: ProblemPlacer;
}

const ITEM_SCHEMAS: Record<Exclude<ListSection, 'monitors'>, z.ZodType> = { sites: siteSchema, hosts: hostSchema, customers: customerSchema, services: serviceSchema, maintenance: maintenanceSchema, runbooks: runbookSchema, channels: channelSchema, escalation: escalationSchema, resources: resourceSchema };
const TOP_KEYS = new Set<string>(['version', 'tenant', 'defaults', ...LIST_SECTIONS]);
/** Stands in for a credential header given by reference while the headers field's own rule is checked. */
const REF_PLACEHOLDER = '<secret reference>';

/** Reads a fleet file: every problem at once (syntax, schema, references), each with its line and column. */
export function readFleet(file: string, text: string): ReadFleet {
  const source = new FleetSource(file, text);
  const syntax = source.syntaxProblems();
  if (syntax.length) return { document: null, problems: syntax, source };
  return readFleetData(source.toJS() ?? {}, source);
}

/**
 * Reads a fleet already parsed (JSON data, or YAML through `readFleet`); `source` places the problems (a
 * `DataSource` gives them by path only, for the client that holds the text).
 */
export function readFleetData(raw: unknown, source: ProblemPlacer): ReadFleet {
  const fail = (problems: LocatedProblem[]): ReadFleet => ({ document: null, problems, source });
  if (!isPlainObject(raw)) return fail([source.place({ path: [], message: 'the file must be a mapping of sections (sites:, hosts:, …)' }, '')]);

  const tooLarge = expansionProblem(raw);
  if (tooLarge) return fail([source.place({ path: [], message: tooLarge }, '')]);

  const problems: LocatedProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.has(key)) problems.push(source.place({ path: [], message: `is not a section of a fleet file (${[...TOP_KEYS].join(', ')})` }, key, key));
  }
  if (raw.version !== undefined && raw.version !== 1) problems.push(source.place({ path: ['version'], message: 'must be 1' }, 'version'));
  const defaults = readDefaults(raw.defaults, source, problems);

  const doc: FleetDocument = emptyFleet();
  const tenant = readTenant(raw.tenant, source, problems);
  if (tenant) doc.tenant.push(tenant);
  for (const section of LIST_SECTIONS) {
    const items = raw[section] ?? [];
    if (!Array.isArray(items)) {
      problems.push(source.place({ path: [section], message: 'must be a list' }, section));
      continue;
    }
    const fromDefaults = new Set<string>();
    items.forEach((item, i) => {
      const merged = isPlainObject(item) ? deepMerge(defaults[section] ?? {}, item) : item;
      const before = problems.length;
      const parsed = readItem(section, merged, i, source, problems);
      if (parsed) (doc[section] as unknown[]).push(parsed);
      if (isPlainObject(item) && defaults[section]) placeInDefaults(problems, before, section, item, defaults[section], source, fromDefaults);
    });
  }
  if (problems.length) return fail(byPlace(problems));
  const crossed = checkFleet(doc).map((p) => source.place(p, fieldWords(doc, p)));
  return crossed.length ? fail(byPlace(crossed)) : { document: doc, problems: [], source };
}

/**
 * A problem with a value an item took from `defaults:` is the default's: said once, at the default's line (a bad
 * default was reported once per item, each at the item's line where the value is not written).
 */
function placeInDefaults(problems: LocatedProblem[], from: number, section: ListSection, item: Record<string, unknown>, defaults: Record<string, unknown>, source: ProblemPlacer, said: Set<string>): void {
  const kept = problems.slice(0, from);
  for (const problem of problems.slice(from)) {
    const rest = problem.path.slice(2);
    if (!rest.length || valueAt(item, rest) !== undefined || valueAt(defaults, rest) === undefined) {
      kept.push(problem);
      continue;
    }
    const key = `${rest.join('\u0000')}\u0000${problem.message}`;
    if (said.has(key)) continue;
    said.add(key);
    kept.push(source.place({ path: ['defaults', section, ...rest], message: problem.message }, `defaults.${section}, ${dotted(rest)}`));
  }
  problems.splice(0, problems.length, ...kept);
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let at = value;
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[step];
  }
  return at;
}

/** In the order of the file, as an editor lists them. */
function byPlace(problems: LocatedProblem[]): LocatedProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The field in words for a problem of a read document: `monitor web-1-http, config.url`. */
export function fieldWords(doc: FleetDocument, problem: FleetProblem): string {
  const [section, index, ...rest] = problem.path;
  const item = typeof index === 'number' ? doc[section as FleetSection]?.[index] : undefined;
  const label = item ? fleetLabel(section as FleetSection, fleetKey(section as FleetSection, item)) : String(section);
  return rest.length ? `${label}, ${dotted(rest)}` : label;
}

function readDefaults(value: unknown, source: ProblemPlacer, problems: LocatedProblem[]): Partial<Record<FleetSection, Record<string, unknown>>> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    problems.push(source.place({ path: ['defaults'], message: 'must be a mapping of section names to default values' }, 'defaults'));
    return {};
  }
  const defaults: Partial<Record<FleetSection, Record<string, unknown>>> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(LIST_SECTIONS as readonly string[]).includes(key)) problems.push(source.place({ path: ['defaults'], message: `is not a section (${LIST_SECTIONS.join(', ')})` }, `defaults.${key}`, key));
    else if (!isPlainObject(v)) problems.push(source.place({ path: ['defaults', key], message: 'must be a mapping of field names to values' }, `defaults.${key}`));
    else defaults[key as FleetSection] = v;
  }
  return defaults;
}

/** The file's `tenant:` mapping (omitted: the tenant's settings are not managed by the file). */
function readTenant(value: unknown, source: ProblemPlacer, problems: LocatedProblem[]): FleetTenant | undefined {
  if (value === undefined || value === null) return undefined;
  const report = (rest: (string | number)[], message: string, key?: string) => {
    const field = [...rest, ...(key !== undefined ? [key] : [])];
    problems.push(source.place({ path: ['tenant', 0, ...rest], message }, field.length ? `tenant, ${dotted(field)}` : 'tenant', key));
  };
  if (!isPlainObject(value)) return void report([], 'must be a mapping of the tenant\'s settings (vantages:)');
  const parsed = parseWith(tenantSchema, value, report) as Omit<FleetTenant, 'name'> | undefined;
  return parsed && { name: 'tenant', ...parsed };
}

function readItem(section: ListSection, item: unknown, i: number, source: ProblemPlacer, problems: LocatedProblem[]): unknown {
  const name = isPlainObject(item) && typeof item.name === 'string' ? item.name : undefined;
  const label = name !== undefined ? fleetLabel(section, (section === 'services' || section === 'monitors') && isPlainObject(item) && typeof item.host === 'string' ? `${item.host}/${name}` : name) : `${section} item ${i + 1}`;
  const report = (rest: (string | number)[], message: string, key?: string) => {
    const field = [...rest, ...(key !== undefined ? [key] : [])];
    problems.push(source.place({ path: [section, i, ...rest], message }, field.length ? `${label}, ${dotted(field)}` : label, key));
  };
  if (!isPlainObject(item)) return void report([], 'must be a mapping of fields');
  if (section === 'maintenance') {
    const parsed = parseWith(maintenanceSchema, item, report) as FleetMaintenance | undefined;
    if (!parsed) return undefined;
    const read = readWindow(parsed);
    for (const p of read.problems) report([p.field], p.message);
    return read.window;
  }
  if (section === 'runbooks') {
    const parsed = parseWith(runbookSchema, item, report) as FleetRunbook | undefined;
    if (parsed && (parsed.source === undefined) === (parsed.file === undefined)) return void report([], 'give the runbook either its source (inline) or a file beside the fleet file, one of them');
    return parsed;
  }
  // A channel's secret: by reference only, never its value in the file.
  if (section === 'channels' && typeof item.secret === 'string') return void report(['secret'], INLINE_SECRET);
  // A resource's secrets: each by reference only.
  if (section === 'resources' && isPlainObject(item.secrets)) {
    const inline = Object.entries(item.secrets).filter(([, v]) => typeof v === 'string');
    for (const [key] of inline) report(['secrets', key], INLINE_SECRET);
    if (inline.length) return undefined;
  }
  if (section !== 'monitors') return parseWith(ITEM_SCHEMAS[section], item, report);

  if (typeof item.type !== 'string' || !PROBE_TYPES.includes(item.type as never)) {
    return void report(['type'], item.type === undefined ? 'is required' : `must be one of ${PROBE_TYPES.join(', ')}`);
  }
  const schema = monitorSchemas[PROBE_TYPES.indexOf(item.type as never)]!;
  const config = isPlainObject(item.config) ? structuredClone(item.config) : item.config;
  const refs: { path: string[]; ref: unknown }[] = [];
  const before = problems.length;
  if (isPlainObject(config)) {
    for (const slot of secretSlots(item.type, config)) {
      if (isSecretRef(slot.value)) {
        refs.push({ path: slot.path, ref: slot.value });
        // A credential header's field checks strings; the reference stands in for one while it is checked.
        if (slot.path.length > 1) (config[slot.path[0]!] as Record<string, unknown>)[slot.path[1]!] = REF_PLACEHOLDER;
      } else if (typeof slot.value === 'string' && slot.value !== '') {
        report(['config', ...slot.path], INLINE_SECRET);
      }
    }
  }
  const inlineAt = problems.slice(before).map((p) => p.field);
  const parsed = parseWith(schema, { ...item, config }, (rest, message, key) => {
    const field = `${label}, ${dotted([...rest, ...(key !== undefined ? [key] : [])])}`;
    if (!inlineAt.includes(field)) report(rest, message, key);
  }) as { interval: string; timeout: string; config: Record<string, unknown> } | undefined;
  if (!parsed) return undefined;
  for (const { path, ref } of refs) {
    if (path.length > 1) (parsed.config[path[0]!] as Record<string, unknown>)[path[1]!] = ref;
  }
  if (durationMs(parsed.interval) < 1000) return void report(['interval'], 'must be at least 1s');
  if (durationMs(parsed.timeout) >= durationMs(parsed.interval)) return void report(['timeout'], 'must be shorter than the interval');
  return problems.length > before ? undefined : parsed;
}

function parseWith(schema: z.ZodType, item: unknown, report: (rest: (string | number)[], message: string, key?: string) => void): unknown {
  const result = schema.safeParse(item, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) report(path, 'is not a field here', key);
    else report(path, issue.input === undefined ? 'is required' : issue.message);
  }
  return undefined;
}

/** `config.headers.Authorization`, `customers[2]`. */
function dotted(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * The most values (keys, list items, scalars) a fleet may expand to, its aliases followed and its `defaults:` copied
 * into every item: about 40 times the 1,200-monitor fleet of `bench:fleet`. A YAML alias bomb (a mapping aliased in a
 * mapping aliased …) is a few kilobytes that the yaml library's alias count lets through and that expands to tens
 * of millions of values: reading it held the event loop for 12 s.
 */
export const MAX_FLEET_VALUES = 1_000_000;

/** Why a fleet is too large to read, or null: counted up to the bound only, so the count itself stays cheap. */
function expansionProblem(raw: Record<string, unknown>): string | null {
  let budget = MAX_FLEET_VALUES;
  budget -= countValues(raw, budget);
  const defaults = isPlainObject(raw.defaults) ? raw.defaults : {};
  for (const section of LIST_SECTIONS) {
    const items = raw[section];
    if (budget < 0 || !Array.isArray(items) || !isPlainObject(defaults[section])) continue;
    // Each item gets a copy of its section's defaults.
    budget -= items.length * countValues(defaults[section], budget);
  }
  if (budget >= 0) return null;
  return `the file expands to more than ${MAX_FLEET_VALUES.toLocaleString('en')} values (aliases followed, defaults copied into each item): split it, or use fewer nested aliases`;
}

/** Values in `value`, shared ones counted each time they are reached (as an expansion copies them), stopping past `limit`. */
function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length && count <= limit) {
    const next = stack.pop();
    count++;
    if (Array.isArray(next)) for (const v of next) stack.push(v);
    else if (isPlainObject(next)) for (const v of Object.values(next)) stack.push(v);
  }
  return count;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `defaults` under `item`: mappings merged key by key, anything else (lists included) taken from the item. */
export function deepMerge(base: Record<string, unknown>, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(item)) {
    const under = out[key];
    out[key] = isPlainObject(under) && isPlainObject(value) ? deepMerge(under, value) : value;
  }
  return out;
}
