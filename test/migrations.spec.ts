import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingSchemaChanges, revertLastMigration, runPendingMigrations, vigiaDataSourceOptions } from '#lib/persistence';
import { allMigrations } from '#migrations';
import { ALL_ENTITIES } from '../apps/cli/src/all-entities.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const res = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  await client.end();
  return res.rows.map((r: { tablename: string }) => r.tablename);
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db?.drop());

  it('never let TypeORM synchronize the schema', () => {
    const options = vigiaDataSourceOptions('postgres://x@127.0.0.1/x', []);
    expect(options.synchronize).toBe(false);
    expect(options.migrationsRun).toBe(false);
  });

  it('apply on an empty database, and leave nothing for the entities to change', async () => {
    const applied = await runPendingMigrations(db.url);
    expect(applied).toEqual(allMigrations.map((m) => m.name));
    const changes = await pendingSchemaChanges(db.url, ALL_ENTITIES);
    expect(changes.up, `entities and migrations disagree; run npm run migration:generate -- Name\n${changes.up.join('\n')}`).toEqual([]);
  });

  it('are idempotent and safe to run from several processes at once', async () => {
    const results = await Promise.all([runPendingMigrations(db.url), runPendingMigrations(db.url)]);
    expect(results).toEqual([[], []]);
  });

  it('revert cleanly, down to an empty schema, and apply again', async () => {
    for (let n = 0; n < allMigrations.length; n++) await revertLastMigration(db.url);
    expect(await tables(db.url)).toEqual(['schema_migrations']);
    await runPendingMigrations(db.url);
    expect(await tables(db.url)).toContain('monitors');
    expect((await pendingSchemaChanges(db.url, ALL_ENTITIES)).up).toEqual([]);
  });
});
