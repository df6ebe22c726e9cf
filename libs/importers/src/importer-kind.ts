import type { ImportedFleet } from './imported-fleet.js';

/**
 * One source tool Vigia imports from, declared in its own file and listed once in `importer-kinds.ts`: the name the
 * CLI takes (`vigia import nagios PATH`), what PATH must be, and the reader. Readers only read files: they never run
 * anything, resolve names or connect anywhere.
 */
export interface ImporterKind {
  readonly name: string;
  /** What PATH is, for `--help`. */
  readonly path: string;
  read(source: string): ImportedFleet | Promise<ImportedFleet>;
}

export function defineImporter(kind: ImporterKind): ImporterKind {
  return kind;
}
