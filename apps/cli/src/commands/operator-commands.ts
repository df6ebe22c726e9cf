import { createInterface } from 'node:readline/promises';
import { ApiClient } from './api-client.js';
import { CliError, EXIT } from './exit-codes.js';
import { paint, say, table } from './output.js';
import { resolveTarget } from './profiles.js';
import { formatDuration } from '#lib/common';

const client = async (profile?: string) => new ApiClient(await resolveTarget(profile));
const HEALTH_COLOUR = { up: 'green', down: 'red', degraded: 'yellow', suspect: 'yellow' } as const;
const health = (h: string) => paint((HEALTH_COLOUR as Record<string, 'green' | 'red' | 'yellow'>)[h] ?? 'dim', h);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface FleetColumns {
  total: number;
  hosts: { name: string }[];
  monitors: { name: string[]; host: number[]; health: string[]; reason: (string | null)[]; maintenance: boolean[]; enabled: boolean[] };
}

/** `vigia status`: monitors by health, and the ones not up, worst first. */
export async function statusCommand(options: { profile?: string; json?: boolean; all?: boolean }): Promise<number> {
  const { fleet } = await (await client(options.profile)).call<{ fleet: FleetColumns }>('{ fleet { total hosts { name } monitors { name host health reason maintenance enabled } } }');
  const m = fleet.monitors;
  // A disabled monitor is not probed: "disabled", not "unknown" with no reason (a vantage's incident subject is one).
  const rows = m.name.map((name, i) => {
    const enabled = m.enabled[i] !== false;
    return { name, host: fleet.hosts[m.host[i]!]?.name ?? '', health: enabled ? m.health[i]! : 'disabled', reason: enabled ? (m.reason[i] ?? '') : 'not probed (disabled)', maintenance: m.maintenance[i]! };
  });
  const listed = options.all ? rows : rows.filter((r) => r.health !== 'up' && r.health !== 'disabled');
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.health] = (counts[r.health] ?? 0) + 1;
  if (options.json) return say(JSON.stringify({ total: fleet.total, counts, monitors: listed })), EXIT.ok;
  say(`${fleet.total} monitors: ${Object.entries(counts).sort().map(([h, n]) => `${n} ${health(h)}`).join(', ') || 'none'}`);
  const shown = [...listed];
  const order = ['down', 'suspect', 'degraded', 'unknown', 'up', 'disabled'];
  shown.sort((a, b) => order.indexOf(a.health) - order.indexOf(b.health) || a.name.localeCompare(b.name));
  if (shown.length) say(`\n${table(['HEALTH', 'MONITOR', 'HOST', 'REASON'], shown.map((r) => [health(r.health) + (r.maintenance ? ' (maint.)' : ''), r.name, r.host, r.reason.slice(0, 80)]))}`);
  return EXIT.ok;
}

/** An API instant ("2026-12-04T10:01:02.345Z") as a terminal prints it: "2026-12-04 10:01:02 UTC". */
const utcTime = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;
const API_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z/g;

interface VantageRow {
  name: string;
  kind: string;
  central: boolean;
  region: string | null;
  revokedAt: string | null;
  lastHeartbeatAt: string | null;
  clockOffsetMs: number | null;
  probesPerSecond: number | null;
  failingShare: number | null;
  impairedSince: string | null;
  impairedReason: string | null;
}

/** A vantage's standing in words, as the Vantages page says it: voting, or why not. */
export function vantageStanding(v: Pick<VantageRow, 'central' | 'revokedAt' | 'lastHeartbeatAt' | 'impairedSince' | 'impairedReason'>): string {
  if (v.revokedAt) return `revoked ${utcTime(v.revokedAt)}`;
  // The reason's instants as the rest of the line prints them (cut at 100 characters it ended mid-instant).
  if (v.impairedSince) return `impaired since ${utcTime(v.impairedSince)}, does not vote: ${v.impairedReason?.replace(API_INSTANT, utcTime) ?? 'no reason recorded'}`;
  if (!v.lastHeartbeatAt && !v.central) return 'waiting for its agent to connect: no votes until it does';
  return 'healthy, votes';
}

/** `vigia vantages`: every place probes run from that the token's company sees, and whether it votes (why not). */
export async function vantagesCommand(options: { profile?: string; json?: boolean; all?: boolean }): Promise<number> {
  const { vantages } = await (await client(options.profile)).call<{ vantages: VantageRow[] }>(
    '{ vantages { name kind central region revokedAt lastHeartbeatAt clockOffsetMs probesPerSecond failingShare impairedSince impairedReason } }');
  const listed = options.all ? vantages : vantages.filter((v) => !v.revokedAt);
  if (options.json) return say(JSON.stringify(listed, null, 2)), EXIT.ok;
  if (!listed.length) return say('No vantages.'), EXIT.ok;
  const impaired = listed.filter((v) => !v.revokedAt && v.impairedSince).length;
  say(`${listed.length} vantage(s)${impaired ? `: ${paint('red', `${impaired} impaired`)} (not voting)` : ''}`);
  say(`\n${table(['VANTAGE', 'KIND', 'REGION', 'STANDING', 'HEARTBEAT', 'CLOCK', 'PROBES/S', 'FAILING'], listed.map((v) => {
    const standing = vantageStanding(v);
    return [
      v.name, v.central ? `${v.kind}, central` : `${v.kind}, agent`, v.region ?? '-',
      paint(standing.startsWith('healthy') ? 'green' : v.revokedAt ? 'dim' : 'red', standing),
      v.lastHeartbeatAt ? `${v.lastHeartbeatAt.slice(11, 19)} UTC` : '-',
      v.clockOffsetMs === null ? '-' : `${v.clockOffsetMs >= 0 ? '+' : ''}${Math.round(v.clockOffsetMs)} ms`,
      v.probesPerSecond === null ? '-' : v.probesPerSecond.toFixed(1),
      v.failingShare === null ? '-' : `${Math.round(v.failingShare * 100)} %`,
    ];
  }))}`);
  return EXIT.ok;
}

interface IncidentRow {
  id: string;
  status: string;
  subject: string;
  openedAt: string;
  acknowledgedAt: string | null;
  openReason: string;
}

/** `vigia incidents`: the open ones (or `--all`), newest first. */
export async function incidentsCommand(options: { profile?: string; json?: boolean; all?: boolean; limit: number }): Promise<number> {
  const filter = options.all ? '' : ', filter: { status: open }';
  const { incidents } = await (await client(options.profile)).call<{ incidents: { nodes: IncidentRow[] } }>(
    `query($n: Int!) { incidents(first: $n${filter}) { nodes { id status subject openedAt acknowledgedAt openReason } } }`, { n: options.limit });
  if (options.json) return say(JSON.stringify(incidents.nodes, null, 2)), EXIT.ok;
  if (!incidents.nodes.length) return say(options.all ? 'No incidents.' : 'No open incidents.'), EXIT.ok;
  say(table(['ID', 'STATUS', 'OPENED', 'ACK', 'SUBJECT', 'REASON'], incidents.nodes.map((i) => [
    i.id, paint(i.status === 'open' ? 'red' : 'green', i.status), utcTime(i.openedAt), i.acknowledgedAt ? 'yes' : '-', i.subject, i.openReason.slice(0, 60),
  ])));
  return EXIT.ok;
}

/** The short id alerts print ("[f1732ac3]", what a chat's /ack takes): the first 8 hex digits of an incident's id. */
const SHORT_ID = /^[0-9a-f]{8}$/i;

export async function ackCommand(options: { profile?: string; id: string }): Promise<number> {
  if (!UUID.test(options.id) && !SHORT_ID.test(options.id)) throw new CliError(`${options.id} is not an incident id: the whole id, or the 8 characters alerts print (see vigia incidents)`, EXIT.usage);
  const api = await client(options.profile);
  const id = UUID.test(options.id) ? options.id : await openIncidentByShortId(api, options.id.toLowerCase());
  const { acknowledgeIncident } = await api.call<{ acknowledgeIncident: { subject: string; acknowledgedBy: string | null } }>(
    'mutation($id: ID!) { acknowledgeIncident(id: $id) { subject acknowledgedBy } }', { id });
  say(`acknowledged: ${acknowledgeIncident.subject}${acknowledgeIncident.acknowledgedBy ? ` (by ${acknowledgeIncident.acknowledgedBy})` : ''}`);
  return EXIT.ok;
}

interface StepPreview {
  name: string;
  type: string;
  actions: { kind: string; target: string; command: string }[];
}

/** `vigia runbook run NAME`: `--dry-run` shows exactly what each step would run; `--yes` (or a typed yes) starts it. */
export async function runbookRunCommand(options: { profile?: string; name: string; dryRun?: boolean; yes?: boolean; json?: boolean; param?: string[] }): Promise<number> {
  const params = paramsOf(options.param ?? []);
  const api = await client(options.profile);
  const { runbooks } = await api.call<{ runbooks: { nodes: { id: string; name: string }[] } }>('{ runbooks(first: 200) { nodes { id name } } }');
  const runbook = runbooks.nodes.find((r) => r.name === options.name);
  if (!runbook) throw new CliError(`no runbook named ${options.name} (there are: ${runbooks.nodes.map((r) => r.name).join(', ') || 'none'})`, EXIT.usage);
  const { dryRunRunbook } = await api.call<{ dryRunRunbook: StepPreview[] }>(
    'query($i: DryRunInput!) { dryRunRunbook(input: $i) { name type actions { kind target command } } }', { i: { runbookId: runbook.id, ...params } });
  if (options.json && options.dryRun) return say(JSON.stringify(dryRunRunbook, null, 2)), EXIT.ok;
  dryRunRunbook.forEach((step, i) => {
    say(`${i + 1}. ${step.name} (${step.type})`);
    for (const a of step.actions) say(`     ${a.kind} ${a.target}: ${a.command}`);
  });
  if (options.dryRun) return EXIT.ok;
  if (!options.yes) {
    if (!process.stdin.isTTY) throw new CliError('running a runbook needs --yes when there is no terminal to confirm on (or --dry-run)', EXIT.declined);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Run ${options.name} now? Type "yes": `);
    rl.close();
    if (answer.trim() !== 'yes') throw new CliError('not started', EXIT.declined);
  }
  const { startRun } = await api.call<{ startRun: { id: string; status: string } }>('mutation($i: StartRunInput!) { startRun(input: $i) { id status } }', { i: { runbookId: runbook.id, ...params } }, false);
  say(`run ${startRun.id}: ${startRun.status}`);
  return EXIT.ok;
}

/**
 * `--param host=web1 --param retries=3`: the runbook's parameters (a number or true/false is sent as such, anything
 * else as text; the server checks each against the runbook's declared types and names a wrong one).
 */
function paramsOf(pairs: string[]): { params?: Record<string, unknown> } {
  if (!pairs.length) return {};
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new CliError(`--param ${pair}: must be name=value`, EXIT.usage);
    const value = pair.slice(at + 1);
    params[pair.slice(0, at)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value === 'true' || value === 'false' ? value === 'true' : value;
  }
  return { params };
}

/** "99.998 %": three decimals, truncated — never rounded up to a better figure than measured (as every report prints it). */
export function truncatedPercent(percent: number): string {
  return `${(Math.floor(percent * 1000 + 1e-6) / 1000).toFixed(3)} %`;
}

/** "3 min 24.5 s", "2 h 5 min", "0.605 s": every unit, to the millisecond, as the reports print durations. */
export function exactDuration(ms: number | null): string {
  return ms === null ? '-' : formatDuration(ms);
}

interface Figures {
  percent: number | null;
  downtimeMs: number;
  unobservedMs: number;
  failures: number;
  mttrMs: number | null;
}

/** `vigia report customer NAME --month YYYY-MM`: the customer's availability, downtime and SLA for the month. */
export async function customerReportCommand(options: { profile?: string; name: string; month: string; json?: boolean }): Promise<number> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) throw new CliError('--month must be YYYY-MM', EXIT.usage);
  const api = await client(options.profile);
  const { customers } = await api.call<{ customers: { nodes: { id: string; name: string }[] } }>('query($s: String!) { customers(first: 50, filter: { search: $s }) { nodes { id name } } }', { s: options.name });
  const customer = customers.nodes.find((c) => c.name === options.name);
  if (!customer) throw new CliError(`no customer named ${options.name}`, EXIT.usage);
  const { availabilityReport: r } = await api.call<{ availabilityReport: { subjectName: string; timeZone: string; totals: Figures; sla: { targetPercent: number; remainingMs: number; breached: boolean; atRisk: boolean; periodOver: boolean } | null } }>(
    `query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { subjectName timeZone totals { percent downtimeMs unobservedMs failures mttrMs } sla { targetPercent remainingMs breached atRisk periodOver } } }`,
    { i: { subject: { kind: 'customer', id: customer.id }, period: options.month } });
  if (options.json) return say(JSON.stringify(r, null, 2)), EXIT.ok;
  say(`${r.subjectName}, ${options.month} (${r.timeZone})`);
  const sla = !r.sla ? 'no target' : r.totals.percent === null ? `${r.sla.targetPercent} % no data` : paint(r.sla.breached ? 'red' : r.sla.atRisk ? 'yellow' : 'green', `${r.sla.targetPercent} % ${r.sla.breached ? 'breached' : r.sla.atRisk ? 'at risk (over the pace to date)' : r.sla.periodOver ? 'met' : 'on track so far'}`);
  say(table(['AVAILABILITY', 'DOWNTIME', 'NOT SEEN', 'OUTAGES', 'MTTR', 'SLA'], [[
    r.totals.percent === null ? 'n/a' : truncatedPercent(r.totals.percent), exactDuration(r.totals.downtimeMs), exactDuration(r.totals.unobservedMs), String(r.totals.failures), exactDuration(r.totals.mttrMs),
    sla,
  ]]));
  return EXIT.ok;
}

/** The open incident whose id starts with `short` (open ones only: what an alert asks someone to acknowledge). */
async function openIncidentByShortId(api: Awaited<ReturnType<typeof client>>, short: string): Promise<string> {
  const { incidents } = await api.call<{ incidents: { nodes: { id: string; subject: string }[] } }>('{ incidents(first: 200, filter: { status: open }) { nodes { id subject } } }');
  const found = incidents.nodes.filter((i) => i.id.startsWith(short));
  if (found.length === 1) return found[0]!.id;
  if (!found.length) throw new CliError(`no open incident has an id starting with ${short} (see vigia incidents --all)`, EXIT.usage);
  throw new CliError(`${found.length} open incidents have ids starting with ${short}: give the whole id (${found.map((i) => `${i.id} ${i.subject}`).join('; ')})`, EXIT.usage);
}
