import { durationText, emptyFleet, type FleetDocument, type FleetMonitor } from '#lib/fleet';
import type { ImportedFleet, ImportedMonitor, Unmapped } from './imported-fleet.js';

/** An import as a fleet file to finish: the document, and everything the operator must still do or decide. */
export interface FleetImport {
  readonly document: FleetDocument;
  /** What was not mapped and why, plus what the fleet file cannot hold yet (channels, maintenance, parents, tags). */
  readonly report: Unmapped[];
  /** Secret references the file uses: the environment variables to set before `vigia apply`. */
  readonly secrets: { env: string; for: string }[];
  /** Hosts written without addresses (named by DNS in the source): `vigia validate` refuses the file until they have some. */
  readonly hostsWithoutAddresses: string[];
}

/**
 * Turns what an importer read into a fleet document. Credentials the source had become references to environment
 * variables (`password: { env: KUMA_MYSQL_MASTER_PASSWORD }`) so the file is complete and never holds a secret; what
 * the fleet file has no section for yet is listed in the report with the values needed to create it by hand.
 */
export function toFleet(imported: ImportedFleet): FleetImport {
  const document = emptyFleet();
  const report = [...imported.unmapped];
  const secrets: FleetImport['secrets'] = [];
  const envNames = new Set<string>();
  for (const h of imported.hosts) {
    document.hosts.push({ name: h.name, site: null, kind: 'physical', addresses: h.addresses, tags: h.tags, ssh: { user: 'root', port: 22, hostKey: null, credential: null, jumpHost: null } });
    if (h.parents.length) report.push({ origin: h.origin, what: `host ${h.name} parents`, why: `reached through ${h.parents.join(', ')}: the fleet file has no host dependencies yet; set them in the dashboard` });
  }
  for (const m of imported.monitors) document.monitors.push(fleetMonitor(imported.source, m, secrets, envNames));
  const tagged = imported.monitors.filter((m) => m.tags.length);
  if (tagged.length) {
    const tags = [...new Set(tagged.flatMap((m) => m.tags))];
    report.push({ origin: imported.source, what: `tags of ${tagged.length} monitors`, why: `the fleet file keeps tags on hosts only; the monitors' groups/tags were ${tags.slice(0, 12).join(', ')}${tags.length > 12 ? ', …' : ''}` });
  }
  for (const c of imported.channels) {
    const members = imported.monitors.filter((m) => m.channels.includes(c.name)).length;
    report.push({
      origin: c.origin, what: `channel "${c.name}" (${c.type})`,
      why: `create it in the dashboard or API with ${JSON.stringify(c.config)}${c.secretsNeeded.length ? ' and its secret' : ''}, and route ${members} monitor(s) to it by an escalation policy: the fleet file has no channels yet`,
    });
  }
  for (const w of imported.maintenance) {
    const when = w.startsAt ? `${w.startsAt} – ${w.endsAt}` : w.recurrence;
    report.push({ origin: w.origin, what: `maintenance "${w.name}"`, why: `${when}${w.timeZone ? ` (${w.timeZone})` : ''} over ${[...w.monitors, ...w.hosts].join(', ') || 'nothing imported'}: create it in the dashboard; the fleet file has no maintenance windows yet` });
  }
  return { document, report, secrets, hostsWithoutAddresses: imported.hosts.filter((h) => !h.addresses.length).map((h) => h.name) };
}

function fleetMonitor(source: string, m: ImportedMonitor, secrets: FleetImport['secrets'], envNames: Set<string>): FleetMonitor {
  const config: Record<string, unknown> = { ...m.config };
  for (const path of m.secretsNeeded) {
    const env = uniqueEnv(`${source}_${m.name}_${path.split('.').pop()}`, envNames);
    secrets.push({ env, for: `monitor "${m.host}/${m.name}" ${path}` });
    const [key, header] = path.split('.');
    if (header) config[key!] = { ...((config[key!] as Record<string, unknown> | undefined) ?? {}), [header]: { env } };
    else config[key!] = { env };
  }
  return { name: m.name, host: m.host, service: null, type: m.type, config, interval: durationText(m.intervalMs), timeout: durationText(m.timeoutMs), enabled: m.enabled, severity: 'critical' };
}

function uniqueEnv(raw: string, taken: Set<string>): string {
  const base = raw.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'SECRET';
  let name = /^[A-Z_]/.test(base) ? base : `S_${base}`;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

/** The report as a person reads it, one line per item, grouped by what to do. */
export function formatImportReport(result: FleetImport, imported: ImportedFleet): string {
  const lines = [
    `Imported from ${imported.source}: ${result.document.hosts.length} hosts, ${result.document.monitors.length} monitors; ${result.report.length} item(s) below need you.`,
  ];
  if (result.hostsWithoutAddresses.length) lines.push('', `Hosts named by DNS only — add their IP addresses before vigia apply (${result.hostsWithoutAddresses.length}):`, ...result.hostsWithoutAddresses.map((h) => `  ${h}`));
  if (result.secrets.length) lines.push('', 'Secrets the file refers to — set these environment variables (or edit the references):', ...result.secrets.map((s) => `  ${s.env}  (${s.for})`));
  if (result.report.length) lines.push('', 'Not imported, or not all of it:', ...result.report.map((u) => `  ${u.origin}: ${u.what}: ${u.why}`));
  return `${lines.join('\n')}\n`;
}
