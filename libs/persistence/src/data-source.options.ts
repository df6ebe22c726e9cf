import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { allMigrations } from '#migrations';
import { QueryErrorLogger } from './query-error.logger.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

// TypeORM's own type for entity lists; any class with decorators qualifies.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

/**
 * The one description of how Vigia talks to PostgreSQL. `synchronize` is never on: the schema changes only through
 * the migrations in migrations/, and a test fails when the entities and the migrations disagree.
 */
export function vigiaDataSourceOptions(url: string, entities: EntityList): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: allMigrations,
    migrationsTableName: 'schema_migrations',
    // gen_random_uuid() is built into PostgreSQL 13+: no extension (and no superuser) needed on a managed database.
    uuidExtension: 'pgcrypto',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    logger: new QueryErrorLogger(),
    // No wait for a connection is for ever: a caller that holds one and asks for a second (a bug, or twenty of them at
    // once) fails after 30 s and gives its own back, instead of the whole pool waiting on itself until a restart.
    extra: { max: 20, application_name: 'vigia', connectionTimeoutMillis: 30_000 },
  };
}
