import { createHash } from 'node:crypto';
import { fleetResourceKind } from '#lib/runbooks';
import type { FleetObject } from '../document/fleet-document.js';
import { durationMs, durationText, type FleetSection } from '../document/fleet-schema.js';

/** One way to write each object, so equal objects compare equal: `1m` is `60s`, a service's customers in order. */
export function canonical(section: FleetSection, item: FleetObject): Record<string, unknown> {
  const copy = structuredClone(item) as unknown as Record<string, unknown>;
  if (section === 'services') copy.customers = [...(copy.customers as string[])].sort();
  // Lists of names are sets: their order in the file does not matter.
  if (section === 'maintenance') for (const list of ['hosts', 'services', 'monitors']) copy[list] = [...(copy[list] as string[])].sort();
  if (section === 'escalation') {
    const match = copy.match as Record<string, string[]>;
    for (const list of Object.keys(match)) match[list] = [...match[list]!].sort();
    for (const step of copy.steps as { channels: string[]; schedules: string[]; people: string[] }[]) {
      step.channels = [...step.channels].sort();
      step.schedules = [...step.schedules].sort();
      // Login e-mails are stored in lower case: `Alice@Example.com` is alice@example.com.
      step.people = [...new Set(step.people.map((p) => p.toLowerCase()))].sort();
    }
  }
  if (section === 'resources') {
    // Naming the kind's built-in runbook is saying nothing: it is the one bound by default.
    const kind = fleetResourceKind(copy.kind as string);
    if (copy.runbook === kind?.builtinFailure) copy.runbook = null;
    if (copy.recoveryRunbook === kind?.builtinRecovery) copy.recoveryRunbook = null;
  }
  if (section === 'monitors' || section === 'tenant') {
    const vantages = copy.vantages as { from: string[] | null } | null | undefined;
    if (vantages?.from) vantages.from = [...vantages.from].sort();
  }
  if (section === 'monitors') {
    copy.interval = durationText(durationMs(copy.interval as string));
    copy.timeout = durationText(durationMs(copy.timeout as string));
  }
  return copy;
}

/** JSON with keys in order: the same object gives the same text whatever order its keys were built in. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function digestOf(section: FleetSection, item: FleetObject): string {
  return createHash('sha256').update(stableJson(canonical(section, item))).digest('hex');
}

export interface FieldChange {
  /** Dotted path in the file's words: `interval`, `config.url`, `ssh.jumpHost`. */
  field: string;
  before: unknown;
  after: unknown;
}

/** Field by field (mappings descended into, lists compared whole). */
export function diffFields(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, prefix = ''): FieldChange[] {
  const changes: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  for (const key of keys) {
    const b = before?.[key];
    const a = after?.[key];
    const field = `${prefix}${key}`;
    if (isMapping(b) && isMapping(a)) changes.push(...diffFields(b, a, `${field}.`));
    else if (stableJson(b) !== stableJson(a)) changes.push({ field, before: b ?? null, after: a ?? null });
  }
  return changes;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
