import { stringify } from 'yaml';
import type { FleetDocument } from './fleet-document.js';

/** Values a file need not write: the schema's defaults. An importer's or an export's output stays short. */
const DEFAULTS: Record<string, unknown> = { kind: 'physical', user: 'root', port: 22, enabled: true, severity: 'critical', monthlyReports: false,
  degradedCountsAsDown: false, suspectCountsAsDown: false, unobserved: 'exclude', customerCombination: 'any-down', priority: 100 };

function prune(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => prune(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0 && key !== 'config')) continue;
    if (key !== 'config' && k in DEFAULTS && DEFAULTS[k] === v && !(k === 'port' && key !== 'ssh')) continue;
    const inner = prune(v, k);
    if (k === 'ssh' && Object.keys(inner as object).length === 0) continue;
    out[k] = inner;
  }
  return out;
}

/** A fleet file of `doc` (YAML, version 1, defaults left out): `readFleet` reads it back to the same document. */
export function writeFleet(doc: FleetDocument, header?: string): string {
  // The tenant's settings are a mapping in a file (a list of one in the document); left out when there are none.
  const tenant = prune(doc.tenant.map(({ name: _name, ...settings }) => settings)[0] ?? {}) as Record<string, unknown>;
  const body = { version: 1, ...(Object.keys(tenant).length ? { tenant } : {}), ...(prune({ sites: doc.sites, hosts: doc.hosts, customers: doc.customers, services: doc.services, monitors: doc.monitors, maintenance: doc.maintenance, runbooks: doc.runbooks, channels: doc.channels, escalation: doc.escalation, resources: doc.resources }) as object) };
  const text = stringify(body, { lineWidth: 0, aliasDuplicateObjects: false });
  return header ? `${header.split('\n').map((l) => `# ${l}`).join('\n')}\n${text}` : text;
}
