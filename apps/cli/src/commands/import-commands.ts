import { existsSync, writeFileSync } from 'node:fs';
import { writeFleet } from '#lib/fleet';
import { formatImportReport, IMPORTER_KINDS, importerKind, toFleet } from '#lib/importers';

export interface ImportOptions {
  tool: string;
  path: string;
  /** The fleet file to write; stdout when absent. */
  output?: string;
  /** Where the report goes; stderr when absent. */
  report?: string;
  json: boolean;
}

/**
 * `vigia import <tool> <path>`: reads another tool's configuration (files only: nothing is run, resolved or
 * contacted) and writes a fleet file to finish, with a report of everything that needs the operator. Exit 0 when the
 * import ran (the report may still list items); 2 for an unknown tool or a path that does not exist.
 */
export async function importCommand(options: ImportOptions): Promise<number> {
  const kind = importerKind(options.tool);
  if (!kind) {
    process.stderr.write(`vigia import: no importer for "${options.tool}" (${IMPORTER_KINDS.map((k) => k.name).join(', ')})\n`);
    return 2;
  }
  if (!existsSync(options.path)) {
    process.stderr.write(`vigia import ${kind.name}: ${options.path} does not exist (expected ${kind.path})\n`);
    return 2;
  }
  const imported = await kind.read(options.path);
  const result = toFleet(imported);
  const yaml = writeFleet(result.document, `Imported by vigia import ${kind.name} from ${options.path}.\nFinish it with the report (hosts without addresses, secrets to set), then: vigia validate, vigia plan, vigia apply.`);
  if (options.output) writeFileSync(options.output, yaml);
  else process.stdout.write(yaml);
  const report = options.json
    ? `${JSON.stringify({ hosts: result.document.hosts.length, monitors: result.document.monitors.length, hostsWithoutAddresses: result.hostsWithoutAddresses, secrets: result.secrets, notImported: result.report }, null, 2)}\n`
    : formatImportReport(result, imported);
  if (options.report) writeFileSync(options.report, report);
  else process.stderr.write(report);
  return 0;
}
