#!/usr/bin/env node
import 'reflect-metadata';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { CliError, EXIT } from './commands/exit-codes.js';

/**
 * `vigia`: fleet as code and an operator's terminal over the GraphQL API (VIGIA_URL + VIGIA_TOKEN, or --profile),
 * plus the admin commands that work on a database. Commands, options and exit codes: docs/cli.md.
 */
type Run = () => Promise<number>;
let pending: Run | undefined;
/** yargs parses; the command's work runs after, so its exit code is ours (not yargs'). */
const later = (run: Run) => void (pending = run);

const fleet = () => import('./commands/fleet-commands.js');
const ops = () => import('./commands/operator-commands.js');
const admin = () => import('./commands/admin-commands.js');
const importer = () => import('./commands/import-commands.js');
const demo = () => import('./commands/demo-commands.js');

/** The global options, as every command reads them. */
const globals = (a: object) => ({ profile: (a as { profile?: string }).profile, json: (a as { json?: boolean }).json === true });

const fileArg = (y: Argv) => y.positional('file', { type: 'string', demandOption: true, describe: 'the fleet file (YAML; docs/fleet.md)' });
const pruneOpt = { prune: { type: 'boolean', default: true, describe: 'objects a file applied before and this one no longer names: delete them (--prune=false: detach, keep them)' } } as const;

export function cli(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('vigia')
    .usage('$0 <command> [options]\n\nFleet as code and operations over the Vigia API. Docs: docs/cli.md')
    .option('profile', { type: 'string', global: true, describe: 'profile of ~/.config/vigia/profiles.json (else VIGIA_URL + VIGIA_TOKEN)' })
    .option('json', { type: 'boolean', global: true, default: false, describe: 'machine-readable output' })
    .command('validate <file>', 'check a fleet file: every problem at once, as file:line:column', fileArg,
      (a) => later(async () => (await fleet()).validateCommand({ file: a.file!, json: globals(a).json })))
    .command('plan <file>', 'what applying the file would create, change, delete; and drift', (y) => fileArg(y).options({
      ...pruneOpt,
      'detailed-exitcode': { type: 'boolean', default: false, describe: `exit ${EXIT.changes} when the plan is not empty (CI)` },
      verbose: { type: 'boolean', alias: 'v', default: false, describe: 'show every field of the objects to create' },
    }), (a) => later(async () => (await fleet()).planCommand({ file: a.file!, ...globals(a), prune: a.prune, detailedExitcode: a['detailed-exitcode'], verbose: a.verbose })))
    .command('apply <file>', 'apply the file in one transaction: all of it or nothing', (y) => fileArg(y).options({
      ...pruneOpt,
      yes: { type: 'boolean', alias: 'y', default: false, describe: 'do not ask before deleting' },
      verbose: { type: 'boolean', alias: 'v', default: false, describe: 'show every field of the objects to create' },
    }), (a) => later(async () => (await fleet()).applyCommand({ file: a.file!, ...globals(a), prune: a.prune, yes: a.yes, verbose: a.verbose })))
    .command('export', 'the tenant\'s current fleet as a fleet file (secrets as references)', (y) => y.options({
      tenant: { type: 'boolean', default: true, describe: 'the whole tenant of the token (the only scope there is today)' },
      output: { type: 'string', alias: 'o', describe: 'write to this file instead of stdout' },
    }), (a) => later(async () => (await fleet()).exportCommand({ profile: globals(a).profile, output: a.output })))
    .command('status', 'monitors by health; the ones not up', (y) => y.option('all', { type: 'boolean', default: false, describe: 'list every monitor' }),
      (a) => later(async () => (await ops()).statusCommand({ ...globals(a), all: a.all })))
    .command('vantages', 'the places probes run from, and whether each votes (why not)', (y) => y.option('all', { type: 'boolean', default: false, describe: 'revoked ones too' }),
      (a) => later(async () => (await ops()).vantagesCommand({ ...globals(a), all: a.all })))
    .command('incidents', 'open incidents, newest first', (y) => y.options({
      all: { type: 'boolean', default: false, describe: 'resolved ones too' },
      limit: { type: 'number', default: 50, describe: 'at most this many (1-200)' },
    }), (a) => later(async () => (await ops()).incidentsCommand({ ...globals(a), all: a.all, limit: a.limit })))
    .command('ack <id>', 'acknowledge an incident (escalation stops)', (y) => y.positional('id', { type: 'string', demandOption: true, describe: 'incident id (vigia incidents)' }),
      (a) => later(async () => (await ops()).ackCommand({ profile: globals(a).profile, id: a.id! })))
    .command('runbook', 'runbooks', (y) => y.command('run <name>', 'show what a runbook would do (--dry-run), or run it (--yes)', (r) => r
      .positional('name', { type: 'string', demandOption: true })
      .options({ 'dry-run': { type: 'boolean', default: false, describe: 'show each step\'s exact commands; run nothing' }, yes: { type: 'boolean', alias: 'y', default: false, describe: 'run without asking' },
        param: { type: 'string', array: true, describe: 'a runbook parameter, name=value (repeat for each): --param host=web1' } }),
    (a) => later(async () => (await ops()).runbookRunCommand({ profile: globals(a).profile, name: a.name!, dryRun: a['dry-run'], yes: a.yes, json: globals(a).json, param: a.param?.map(String) }))).demandCommand(1))
    .command('report', 'reports', (y) => y.command('customer <name>', 'a customer\'s availability and SLA for a month', (r) => r
      .positional('name', { type: 'string', demandOption: true })
      .option('month', { type: 'string', demandOption: true, describe: 'YYYY-MM' }),
    (a) => later(async () => (await ops()).customerReportCommand({ profile: globals(a).profile, name: a.name!, month: a.month, json: globals(a).json }))).demandCommand(1))
    .command('import <tool> <path>', 'read another tool\'s configuration into a fleet file to finish (files only): nagios, icinga2, uptime-kuma, gatus, prometheus; docs/importers.md', (y) => y
      .positional('tool', { type: 'string', demandOption: true, choices: ['nagios', 'icinga2', 'uptime-kuma', 'gatus', 'prometheus'] })
      .positional('path', { type: 'string', demandOption: true, describe: 'the file or folder the tool keeps its configuration in' })
      .options({
        output: { type: 'string', alias: 'o', describe: 'write the fleet file here instead of stdout' },
        report: { type: 'string', describe: 'write the report here instead of stderr' },
      }),
    (a) => later(async () => (await importer()).importCommand({ tool: a.tool!, path: a.path!, output: a.output, report: a.report, json: a.json })))
    .command('demo', 'the live demo company', (y) => y.command('remove', 'delete the demo and stop its servers (the tenant stays)', (r) => r
      .option('yes', { type: 'boolean', alias: 'y', default: false, describe: 'do not ask' }),
    (a) => later(async () => (await demo()).demoRemoveCommand({ profile: a.profile, yes: a.yes }))).demandCommand(1))
    .command('create-tenant <slug> <email> [name]', 'admin: create a tenant and its owner in the database (DATABASE_URL or the embedded one)', (y) => y,
      (a) => later(async () => (await admin()).adminCommand('create-tenant', [String(a.slug), String(a.email), ...(a.name ? [String(a.name)] : [])])))
    .command('migration:run', 'admin: apply pending migrations', {}, () => later(async () => (await admin()).adminCommand('migration:run', [])))
    .command('migration:revert', 'admin: undo the last migration', {}, () => later(async () => (await admin()).adminCommand('migration:revert', [])))
    .command('migration:check', 'admin: exit 1 if the entities and the migrations disagree', {}, () => later(async () => (await admin()).adminCommand('migration:check', [])))
    .command('migration:generate <name>', 'admin: write a migration for entity changes', (y) => y.positional('name', { type: 'string', demandOption: true }),
      (a) => later(async () => (await admin()).adminCommand('migration:generate', [a.name!])))
    .completion('completion', 'print the shell completion script (bash; zsh when $SHELL is zsh): vigia completion >> ~/.bashrc')
    .demandCommand(1, 'name a command (vigia --help)')
    .strict()
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(120, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`vigia: ${message}\nRun vigia --help for the commands.\n`);
      process.exit(EXIT.usage);
    });
}

async function main(argv: string[]): Promise<number> {
  await cli(argv).parseAsync();
  return pending ? pending() : EXIT.ok;
}

main(hideBin(process.argv)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`vigia: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof CliError ? error.code : EXIT.error);
  },
);
