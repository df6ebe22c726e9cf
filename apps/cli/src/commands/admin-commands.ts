import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadVigiaConfig } from '#lib/config';
import {
  pendingSchemaChanges,
  revertLastMigration,
  runPendingMigrations,
  startEmbeddedPostgres,
  TransactionRunner,
  vigiaDataSourceOptions,
} from '#lib/persistence';
import { prepareDatabase } from '#lib/runtime';
import { Argon2PasswordHasher, TenantBootstrapService } from '#lib/tenancy';
import { ALL_ENTITIES } from '../all-entities.js';
import { writeMigration } from '../migration-file.js';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function withThrowawayDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigia-migration-'));
  const db = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 0 });
  try {
    await runPendingMigrations(db.url);
    return await work(db.url);
  } finally {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The admin commands that work on a database (never a running server's files): `vigia migration:run` etc. */
export async function adminCommand(command: string, rest: string[]): Promise<number> {
  switch (command) {
    case 'migration:generate': {
      const name = rest[0] ?? '';
      const changes = await withThrowawayDatabase((url) => pendingSchemaChanges(url, ALL_ENTITIES));
      if (changes.up.length === 0) return say('no changes: the migrations already match the entities'), 0;
      const file = await writeMigration(resolve('migrations'), name, changes.up, changes.down);
      return say(`wrote migrations/${file}.ts (${changes.up.length} statements); review it, then commit`), 0;
    }
    case 'migration:check': {
      const changes = await withThrowawayDatabase((url) => pendingSchemaChanges(url, ALL_ENTITIES));
      if (changes.up.length === 0) return say('migrations match the entities'), 0;
      say('the entities need a migration:\n' + changes.up.join(';\n'));
      return 1;
    }
    case 'migration:run':
    case 'migration:revert':
    case 'create-tenant': {
      // A server may be running on this data folder: use its PostgreSQL, never stop it (db.stop() is then a no-op).
      const db = await prepareDatabase(loadVigiaConfig(process.env, ['api']), say, { joinRunning: true });
      try {
        const url = db.config.databaseUrl!;
        if (command === 'migration:revert') await revertLastMigration(url);
        if (command === 'create-tenant') await createTenant(url, rest);
        return 0;
      } finally {
        await db.stop();
      }
    }
    default:
      return 2;
  }
}

async function createTenant(url: string, [slug, email, name]: string[]): Promise<void> {
  if (!slug || !email) throw new ConfigError('create-tenant needs <slug> <owner-email>');
  const password = process.env.VIGIA_NEW_PASSWORD ?? randomBytes(12).toString('base64url');
  const dataSource = new DataSource(vigiaDataSourceOptions(url, ALL_ENTITIES));
  await dataSource.initialize();
  try {
    const bootstrap = new TenantBootstrapService(new TransactionRunner(dataSource), new Argon2PasswordHasher());
    const { tenant } = await bootstrap.createTenantWithOwner({ slug, name: name ?? slug, ownerEmail: email, ownerPassword: password });
    say(`created tenant ${tenant.slug} (${tenant.id}); owner ${email}` + (process.env.VIGIA_NEW_PASSWORD ? '' : `, password ${password}`));
  } finally {
    await dataSource.destroy();
  }
}

