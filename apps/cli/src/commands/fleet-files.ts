import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { FleetSource, LocatedProblem } from '#lib/fleet';

/**
 * Runbooks written as `file:` beside the fleet file: the CLI reads each and sends its text as the runbook's `source`
 * (the server never reads files of the machine the CLI runs on). Returns the data to send, and the files it could
 * not read, each placed at its `file:` line.
 */
export async function inlineRunbookFiles(data: unknown, source: FleetSource, fleetPath: string): Promise<{ data: unknown; problems: LocatedProblem[] }> {
  const problems: LocatedProblem[] = [];
  const runbooks = (data as { runbooks?: unknown } | null)?.runbooks;
  if (!Array.isArray(runbooks)) return { data, problems };
  for (const [i, item] of runbooks.entries()) {
    if (!item || typeof item !== 'object' || typeof (item as { file?: unknown }).file !== 'string') continue;
    const runbook = item as { name?: string; file?: string; source?: string };
    try {
      runbook.source = await readFile(resolve(dirname(fleetPath), runbook.file!), 'utf8');
      delete runbook.file;
    } catch (error) {
      problems.push(source.place({ path: ['runbooks', i, 'file'], message: `cannot read ${runbook.file}: ${(error as Error).message}` }, `runbook ${runbook.name ?? i + 1}, file`));
    }
  }
  return { data, problems };
}
