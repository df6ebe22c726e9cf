import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../libs/persistence/src/embedded-postgres.js';

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
