import { DataSource } from 'typeorm';
import { lendMigrationSealer, type MigrationSealer } from '#migrations';
import { type EntityList, vigiaDataSourceOptions } from './data-source.options.js';

/** Any number well away from the keys other Vigia locks use; one key serialises every migrator. */
const MIGRATION_LOCK_KEY = 0x76_69_67_01;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so several processes starting at once (API and watchdog
 * replicas) migrate once and the others wait, then find nothing to do.
 */
export async function runPendingMigrations(
  url: string,
  log: (line: string) => void = () => undefined,
  options: { seal?: MigrationSealer } = {},
): Promise<string[]> {
  const dataSource = new DataSource(vigiaDataSourceOptions(url, []));
  await dataSource.initialize();
  // Migrations that seal existing data (monitor credentials) get the master key only through this.
  lendMigrationSealer(options.seal);
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    for (const migration of applied) log(`applied migration ${migration.name}`);
    return applied.map((m) => m.name);
  } finally {
    lendMigrationSealer(undefined);
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}

export async function revertLastMigration(url: string): Promise<void> {
  const dataSource = new DataSource(vigiaDataSourceOptions(url, []));
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The SQL TypeORM would run to make the database match the entities. Empty means the migrations and the entities
 * agree; the migration-drift test and `migration:generate` both use it.
 */
export async function pendingSchemaChanges(url: string, entities: EntityList): Promise<{ up: string[]; down: string[] }> {
  const dataSource = new DataSource(vigiaDataSourceOptions(url, entities));
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
  } finally {
    await dataSource.destroy();
  }
}
