import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { formatProblem, type FleetDocument, type FleetSource, type LocatedProblem, readFleet } from '#lib/fleet';
import { ApiClient } from './api-client.js';
import { CliError, EXIT } from './exit-codes.js';
import { inlineRunbookFiles } from './fleet-files.js';
import { resolveSecrets } from './fleet-secrets.js';
import { paint, say, show, warn } from './output.js';
import { resolveTarget } from './profiles.js';

const RESULT = 'problems { file line column field message path } changes { action kind key drift fields { field before after } } drift { kind key changedAt changedBy fields { field before after } } unmanaged applied';

interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}
export interface FleetResult {
  problems: LocatedProblem[];
  changes: { action: 'create' | 'update' | 'delete' | 'detach'; kind: string; key: string; drift: boolean; fields: FieldChange[] }[];
  drift: { kind: string; key: string; changedAt: string | null; changedBy: string | null; fields: FieldChange[] }[];
  unmanaged: number;
  applied: boolean;
}

export interface FleetOptions {
  file: string;
  profile?: string;
  json?: boolean;
  prune?: boolean;
  yes?: boolean;
  detailedExitcode?: boolean;
  verbose?: boolean;
}

/** Reads and checks the file locally; every problem printed, exit 3 when there is any. */
async function readLocal(path: string): Promise<{ doc: FleetDocument; source: FleetSource }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  const read = readFleet(path, text);
  if (!read.document) throw problemsError(read.problems);
  return { doc: read.document, source: read.source as FleetSource };
}

function problemsError(problems: LocatedProblem[]): CliError {
  for (const p of problems) warn(formatProblem(p));
  return new CliError(`${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing was applied`, EXIT.invalid);
}

export async function validateCommand(options: FleetOptions): Promise<number> {
  const { doc } = await readLocal(options.file);
  // The tenant's settings are one object, not a section of many: not counted.
  const sections = Object.entries(doc).filter(([k]) => k !== 'tenant');
  const counts = sections.map(([k, v]) => `${(v as unknown[]).length} ${k}`).join(', ');
  if (options.json) say(JSON.stringify({ valid: true, counts: Object.fromEntries(sections.map(([k, v]) => [k, (v as unknown[]).length])) }));
  else say(`${options.file}: valid (${counts})`);
  return EXIT.ok;
}

/** Sends the file's data (JSON: the server reads it fast) and places the server's problems in the file. */
async function send(options: FleetOptions, mutation: boolean, secrets?: Record<string, Record<string, string>>): Promise<{ result: FleetResult; source: FleetSource }> {
  const { source } = await readLocal(options.file);
  const inlined = await inlineRunbookFiles(source.toJS(), source, options.file);
  if (inlined.problems.length) throw problemsError(inlined.problems);
  const api = new ApiClient(await resolveTarget(options.profile));
  const variables = { d: JSON.stringify(inlined.data), f: options.file, p: options.prune ?? true, s: secrets };
  const result = mutation
    ? (await api.call<{ applyFleet: FleetResult }>(`mutation($d: String!, $f: String!, $p: Boolean!, $s: JSONObject) { applyFleet(document: $d, fileName: $f, prune: $p, secrets: $s) { ${RESULT} } }`, variables)).applyFleet
    : (await api.call<{ fleetPlan: FleetResult }>(`query($d: String!, $f: String!, $p: Boolean!) { fleetPlan(document: $d, fileName: $f, prune: $p) { ${RESULT} } }`, variables)).fleetPlan;
  if (result.problems.length) throw problemsError(result.problems.map((p) => source.relocate(p)));
  return { result, source };
}

export async function planCommand(options: FleetOptions): Promise<number> {
  // What apply would refuse, plan refuses too: a secret reference it cannot read here (read, never sent) fails the
  // plan in the pull request, not the apply after the merge.
  const { doc, source } = await readLocal(options.file);
  const secrets = await resolveSecrets(doc, source, options.file);
  if (secrets.problems.length) throw problemsError(secrets.problems);
  const { result } = await send(options, false);
  if (options.json) say(JSON.stringify(result, null, 2));
  else printPlan(result, options.verbose ?? false);
  const empty = result.changes.length === 0 && result.drift.length === 0;
  return options.detailedExitcode && !empty ? EXIT.changes : EXIT.ok;
}

export async function applyCommand(options: FleetOptions): Promise<number> {
  const { doc, source } = await readLocal(options.file);
  const secrets = await resolveSecrets(doc, source, options.file);
  if (secrets.problems.length) throw problemsError(secrets.problems);
  const { result: plan } = await send(options, false);
  if (!options.json) printPlan(plan, options.verbose ?? false);
  // Drift alone (the tenant was changed through the API to what the file now says) is applied too: the apply records
  // the file as applied, so the drift clears (skipped, `plan --detailed-exitcode` kept exiting 4 for ever).
  if (plan.changes.length === 0 && plan.drift.length === 0) {
    if (options.json) say(JSON.stringify(plan, null, 2));
    return EXIT.ok;
  }
  const deletions = plan.changes.filter((c) => c.action === 'delete');
  if (deletions.length && !options.yes) await confirm(deletions.map((d) => `${d.kind.replace(/s$/, '')} ${d.key}`));
  const { result } = await send(options, true, secrets.values);
  if (options.json) say(JSON.stringify(result, null, 2));
  else say(paint('green', `Applied: ${summary(result)}.`));
  return EXIT.ok;
}

async function confirm(deletions: string[]): Promise<void> {
  if (!process.stdin.isTTY) throw new CliError(`the plan deletes ${deletions.length} object(s): run again with --yes to confirm (or --prune=false to detach them)`, EXIT.declined);
  say(paint('red', `These ${deletions.length} object(s) will be deleted (their history stays):`));
  for (const d of deletions) say(`  - ${d}`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('Type "yes" to apply: ');
  rl.close();
  if (answer.trim() !== 'yes') throw new CliError('not applied', EXIT.declined);
}

export async function exportCommand(options: { profile?: string; output?: string }): Promise<number> {
  const api = new ApiClient(await resolveTarget(options.profile));
  const { fleetExport } = await api.call<{ fleetExport: string }>('{ fleetExport }');
  if (options.output) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(options.output, fleetExport);
    say(`wrote ${options.output}`);
  } else process.stdout.write(fleetExport);
  return EXIT.ok;
}

const SIGN = { create: '+', update: '~', delete: '-', detach: '≠' } as const;
const COLOUR = { create: 'green', update: 'yellow', delete: 'red', detach: 'cyan' } as const;

/** `monitor web-01/http`; the tenant's settings are one object: `tenant settings`. */
const objectName = (kind: string, key: string): string => (kind === 'tenant' ? 'tenant settings' : `${kind.replace(/s$/, '')} ${key}`);

/**
 * Who changed an object outside the file and when, as far as Vigia records it: `changed in the dashboard by
 * alice@example.com at 2026-12-01T10:00:00.000Z` (the API is the dashboard's way in too); `by an unknown user` where
 * the owner of the object records no actor (docs/fleet.md lists which do).
 */
export function driftWords(d: FleetResult['drift'][number]): string {
  return `changed in the dashboard or the API by ${d.changedBy ?? 'an unknown user'}${d.changedAt ? ` at ${d.changedAt}` : ' (no time recorded)'}`;
}

export function printPlan(plan: FleetResult, verbose: boolean): void {
  for (const d of plan.drift) {
    say(paint('yellow', `! ${objectName(d.kind, d.key)} ${driftWords(d)}:`));
    for (const f of d.fields) say(`    ${f.field}: applied ${show(f.before)}, now ${show(f.after)}`);
  }
  for (const c of plan.changes) {
    const label = `${SIGN[c.action]} ${objectName(c.kind, c.key)}${c.action === 'detach' ? ' (detached: kept, no longer managed by a file)' : ''}${c.drift ? ' (overwrites a change made outside the file)' : ''}`;
    say(paint(COLOUR[c.action], label));
    if (c.action === 'update' || (c.action === 'create' && verbose)) {
      for (const f of c.fields) say(c.action === 'create' ? `    ${f.field}: ${show(f.after)}` : `    ${f.field}: ${show(f.before)} → ${show(f.after)}`);
    }
  }
  say(plan.changes.length || plan.drift.length ? `\nPlan: ${summary(plan)}.` : 'No changes: the tenant matches the file.');
  if (plan.unmanaged) say(paint('dim', `${plan.unmanaged} object(s) of the tenant are not in the file and not managed by one: left alone.`));
}

function summary(plan: FleetResult): string {
  const n = (a: string) => plan.changes.filter((c) => c.action === a).length;
  return `${n('create')} to create, ${n('update')} to change, ${n('delete')} to delete, ${n('detach')} to detach, ${plan.drift.length} drifted`;
}
