export { startEmbeddedPostgres, freePort, type EmbeddedDatabase } from './embedded-postgres.js';
export { vigiaDataSourceOptions, type EntityList } from './data-source.options.js';
export { runPendingMigrations, revertLastMigration, pendingSchemaChanges } from './migration.runner.js';
export { TransactionRunner } from './transaction.runner.js';
export { PersistenceModule } from './persistence.module.js';
export { PgChannelListener } from './pg-listener.js';
export { HeldConnection, type SqlRunner } from './held-connection.js';
