import { join } from 'node:path';
import type { VigiaConfig } from '#lib/config';
import { runPendingMigrations, startEmbeddedPostgres } from '#lib/persistence';
import { loadMasterKey, SecretBox } from '#lib/secrets';

/** Migrations that seal existing data (monitor credentials) seal with the process's master key. */
function sealerFor(config: VigiaConfig): (plaintext: string, context: string) => string {
  let box: SecretBox | undefined;
  return (plaintext, context) => (box ??= new SecretBox(loadMasterKey(config))).seal(plaintext, context);
}

export interface PreparedDatabase {
  config: VigiaConfig;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * `joinRunning`: a command-line tool uses the PostgreSQL of a server already running on this data folder (and
 * leaves it running) instead of refusing.
 *
 * Gives the process a migrated database: the one in DATABASE_URL, or an embedded PostgreSQL under the data folder
 * (quick start). Migrations run here, before Nest starts, under an advisory lock.
 */
export async function prepareDatabase(
  config: VigiaConfig,
  log: (line: string) => void,
  options: { joinRunning?: boolean } = {},
): Promise<PreparedDatabase> {
  if (config.databaseUrl) {
    await runPendingMigrations(config.databaseUrl, log, { seal: sealerFor(config) });
    return { config, embedded: false, stop: async () => undefined };
  }
  const database = await startEmbeddedPostgres({
    dataDir: join(config.dataDir, 'pg'),
    port: config.embeddedPgPort,
    log,
    serverLog: (line) => (/\b(ERROR|FATAL|PANIC)\b/.test(line) ? log(`postgres: ${line}`) : undefined),
    joinRunning: options.joinRunning,
  });
  if (database.ownerPid === undefined) log(`embedded PostgreSQL listening on 127.0.0.1:${database.port} (data in ${join(config.dataDir, 'pg')})`);
  try {
    await runPendingMigrations(database.url, log, { seal: sealerFor(config) });
  } catch (error) {
    await database.stop();
    throw error;
  }
  return { config: config.withDatabaseUrl(database.url), embedded: true, stop: () => database.stop() };
}
