import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres } from '#lib/persistence';
import { login, pidsMentioning, startProcess } from './support/process-harness.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { graphqlClient } from './support/graphql-client.js';

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
    // Under which name its probes vote, and whether anything outside Vigia would notice it gone.
    expect(vigia.output()).toMatch(/ {2}Vantage: {6}probes here vote as "[^"]+" \(VIGIA_VANTAGE;/);
    expect(vigia.output()).toContain("  Dead man's switch: off (VIGIA_DEADMAN_URL:");
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

  it('Ctrl-C in a terminal (SIGINT to the whole foreground group): the app flushes, then PostgreSQL stops cleanly', { timeout: 120_000 }, async () => {
    // A folder of its own (the embedded server's parent folder must be traversable by the postgres user).
    const folder = await mkdtemp(join(tmpdir(), 'vigia-ctrl-c-'));
    // Something for the watchdog to probe: its results of the current minute are written only by the final flush.
    const accepts: number[] = [];
    const target: Server = createServer((socket) => {
      accepts.push(Date.now());
      socket.destroy();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as { port: number }).port;
    try {
      const port = await freePort();
      // detached: the process leads its own group, as a shell's foreground job does; Ctrl-C signals that group.
      const vigia = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: folder, VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1' }, [], { detached: true });
      await vigia.waitFor(/Stop with Ctrl-C/);
      const [postmaster] = await pidsMentioning(join(folder, 'pg'));
      expect(postmaster).toBeDefined();
      // The embedded server is outside the app's process group, so a terminal's Ctrl-C cannot reach it.
      expect(processGroup(postmaster!)).not.toBe(vigia.child.pid);
      const [, password] = vigia.output().match(/e-mail admin@example\.com, password (\S+)/) ?? [];
      const base = `http://127.0.0.1:${port}`;
      const token = await login(base, 'demo', 'admin@example.com', password!);
      const gql = <T>(query: string): Promise<T> => graphqlClient(base).ok<T>(query, {}, token);
      const host = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "local", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
      const monitor = (
        await gql<{ createMonitor: { id: string } }>(
          `mutation { createMonitor(input: {name: "local tcp", type: tcp, hostId: "${host}", config: {port: ${targetPort}}, intervalMs: 1000, timeoutMs: 500, enabled: true}) { id } }`,
        )
      ).createMonitor.id;

      // Wait for a probe well inside a minute, then press "Ctrl-C" in that same minute: that minute's rollup is
      // in memory only, and reaches the database only if the app can still write when it stops.
      const minuteOf = (t: number): number => Math.floor(t / 60_000) * 60_000;
      const deadline = Date.now() + 90_000;
      let last = 0;
      for (;;) {
        last = accepts.at(-1) ?? 0;
        const now = Date.now();
        if (last && minuteOf(last) === minuteOf(now) && last - minuteOf(last) >= 2_000 && now - minuteOf(now) < 55_000) break;
        if (now > deadline) throw new Error(`no probe arrived; output:\n${vigia.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      process.kill(-vigia.child.pid!, 'SIGINT');
      expect(await vigia.exited()).toBe(0);
      expect(await pidsMentioning(join(folder, 'pg'))).toEqual([]);
      expect(vigia.output()).not.toMatch(/final flush failed|error while (closing|stopping)|not written at shutdown/);

      // Look at what the app wrote on its way out, in the same cluster.
      const serverLog: string[] = [];
      const db = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: 0, serverLog: (line) => serverLog.push(line) });
      const client = new pg.Client({ connectionString: db.url });
      try {
        await client.connect();
        const rollup = await client.query('SELECT count FROM probe_rollups WHERE monitor_id = $1 AND minute = $2', [monitor, new Date(minuteOf(last))]);
        expect(rollup.rows[0]?.count).toBeGreaterThan(0);
        const instances = await client.query<{ stopped_at: Date | null }>('SELECT stopped_at FROM watchdog_instances');
        expect(instances.rows).toHaveLength(1);
        expect(instances.rows[0]!.stopped_at).not.toBeNull();
      } finally {
        await client.end();
        await db.stop();
      }
      // PostgreSQL was shut down, not interrupted: no recovery at the next start.
      expect(serverLog.join('\n')).toMatch(/database system was shut down at/);
      expect(serverLog.join('\n')).not.toMatch(/not properly shut down|interrupted/);
    } finally {
      target.close();
      // Only what this test started: processes whose command line names its own folder.
      for (const pid of await pidsMentioning(folder)) process.kill(pid, 'SIGKILL');
      await rm(folder, { recursive: true, force: true });
    }
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

/** The process group of a live pid, from /proc/<pid>/stat (field 5; the command name in field 2 may hold spaces). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

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
    const watchdogs = async (): Promise<{ id: string }[]> => (await graphqlClient(`http://127.0.0.1:${apiPort}`).ok<{ watchdogs: { id: string }[] }>('{ watchdogs { id } }', {}, token)).watchdogs;
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
