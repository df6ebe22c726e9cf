import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { login, pidsMentioning, startProcess } from './support/process-harness.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

describe('quick start: one process, embedded PostgreSQL, clean stop, data reused', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigia-quickstart-'));
  });
  afterAll(async () => {
    for (const pid of await pidsMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts, prints the URL and credentials, serves, and stops everything on SIGINT', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const vigia = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: dataDir });
    await vigia.waitFor(/Stop with Ctrl-C/);
    expect(vigia.output()).toContain(`GraphQL API:  http://127.0.0.1:${port}/graphql`);
    const [, password] = vigia.output().match(/tenant "demo", e-mail admin@example\.com, password (\S+)/) ?? [];
    expect(password).toBeTruthy();
    expect(await login(`http://127.0.0.1:${port}`, 'demo', 'admin@example.com', password!)).toMatch(/^vgs_/);
    expect((await pidsMentioning(join(dataDir, 'pg'))).length).toBeGreaterThan(0);

    vigia.child.kill('SIGINT');
    expect(await vigia.exited()).toBe(0);
    expect(await pidsMentioning(join(dataDir, 'pg'))).toEqual([]);

    // Second start: same data, no new credentials, the old password still works.
    const again = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: dataDir });
    await again.waitFor(/Stop with Ctrl-C/);
    expect(again.output()).not.toMatch(/e-mail admin@example\.com, password \S+/);
    expect(again.output()).not.toContain('applied migration');
    expect(await login(`http://127.0.0.1:${port}`, 'demo', 'admin@example.com', password!)).toMatch(/^vgs_/);
    again.child.kill('SIGTERM');
    expect(await again.exited()).toBe(0);
    expect(await pidsMentioning(join(dataDir, 'pg'))).toEqual([]);
  });

  it('recovers the PostgreSQL left running by a kill -9', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const first = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: dataDir });
    await first.waitFor(/Stop with Ctrl-C/);
    first.child.kill('SIGKILL');
    await first.exited();
    expect((await pidsMentioning(join(dataDir, 'pg'))).length).toBeGreaterThan(0);

    const second = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: dataDir });
    await second.waitFor(/Stop with Ctrl-C/);
    expect(second.output()).toMatch(/stopping the PostgreSQL \(pid \d+\) left running/);
    second.child.kill('SIGINT');
    expect(await second.exited()).toBe(0);
    expect(await pidsMentioning(join(dataDir, 'pg'))).toEqual([]);
  });

  it('refuses a bad setting with one line naming it, before starting anything', async () => {
    const bad = startProcess('apps/api/src/main.js', { PORT: 'eighty', VIGIA_DATA_DIR: join(dataDir, 'never') });
    expect(await bad.exited()).toBe(1);
    expect(bad.output().trim()).toBe('vigia: invalid configuration: PORT: must be an integer number (got "eighty")');
    expect(await pidsMentioning(join(dataDir, 'never'))).toEqual([]);
  });
});

describe('separate processes on an external PostgreSQL (DATABASE_URL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db?.drop());

  it('runs the API and a watchdog side by side; the API sees the watchdog come and go', { timeout: 120_000 }, async () => {
    const apiPort = await freePort();
    const env = {
      DATABASE_URL: db.url,
      VIGIA_BOOTSTRAP_TENANT: 'ops',
      VIGIA_BOOTSTRAP_EMAIL: 'root@ops.test',
      VIGIA_BOOTSTRAP_PASSWORD: 'bootstrap-password-1',
      VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1',
    };
    const api = startProcess('apps/api/src/main.js', { ...env, PORT: String(apiPort), VIGIA_ROLES: 'api' });
    await api.waitFor(/Stop with Ctrl-C/);
    expect(api.output()).toContain('Vigia is running (api)');
    const token = await login(`http://127.0.0.1:${apiPort}`, 'ops', 'root@ops.test', 'bootstrap-password-1');
    expect(token).toMatch(/^vgs_/);
    const watchdogs = async (): Promise<{ id: string }[]> => {
      const res = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ watchdogs { id } }' }),
      });
      return ((await res.json()) as { data: { watchdogs: { id: string }[] } }).data.watchdogs;
    };
    expect(await watchdogs()).toEqual([]);

    const watchdog = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()) });
    const [, watchdogId] = await watchdog.waitFor(/watchdog (\S+) running/);
    expect(await watchdogs()).toEqual([{ id: watchdogId }]);
    watchdog.child.kill('SIGTERM');
    expect(await watchdog.exited()).toBe(0);
    expect(await watchdogs()).toEqual([]);

    api.child.kill('SIGTERM');
    expect(await api.exited()).toBe(0);
  });
});
