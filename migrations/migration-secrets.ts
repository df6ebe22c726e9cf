/** Seals a value with the master key; `context` (e.g. `monitors:<id>`) is authenticated with it. */
export type MigrationSealer = (plaintext: string, context: string) => string;

let current: MigrationSealer | undefined;

/**
 * Migrations that seal data need the master key, which lives with the process (VIGIA_MASTER_KEY or the data
 * folder's key file), not in the database. The migration runner lends it here for the duration of a run.
 */
export function lendMigrationSealer(sealer: MigrationSealer | undefined): void {
  current = sealer;
}

export function migrationSealer(): MigrationSealer | undefined {
  return current;
}
