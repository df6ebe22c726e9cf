import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { login, pidsMentioning, type RunningProcess, startProcess } from '../support/process-harness.js';
import { sleep } from './support.js';

const status = async (url: string): Promise<number> => (await fetch(url).catch(() => ({ status: 0 }))).status;

describe("the CLI never stops a running server's database; /healthz fails without one (issue 18, item 10)", () => {
  let dataDir: string;
  let server: RunningProcess | undefined;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigia-cli-join-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = startProcess('apps/api/src/main.js', { PORT: String(port), VIGIA_DATA_DIR: dataDir, VIGIA_HEALTH_DB_GRACE_SECONDS: '2' });
    await server.waitFor(/Stop with Ctrl-C/, 90_000);
  }, 120_000);
  afterAll(async () => {
    if (server?.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited().catch(() => undefined);
    }
    // Only what this test started, found by its own throwaway folder.
    for (const pid of await pidsMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('create-tenant against the running server uses its PostgreSQL and leaves it running', { timeout: 120_000 }, async () => {
    const cli = startProcess('apps/cli/src/main.js', { VIGIA_DATA_DIR: dataDir, VIGIA_NEW_PASSWORD: 'acme-owner-password-1' }, ['create-tenant', 'acme', 'owner@acme.test']);
    expect(await cli.exited(90_000)).toBe(0);
    expect(cli.output()).toMatch(/using the PostgreSQL of the running Vigia process \d+ \(port \d+\); it stays running/);
    expect(cli.output()).toMatch(/created tenant acme/);
    // The server still has its database: the new tenant logs in through it, and it is ready.
    expect(await login(base, 'acme', 'owner@acme.test', 'acme-owner-password-1')).toMatch(/^vgs_/);
    expect(await status(`${base}/readyz`)).toBe(200);
    expect(await status(`${base}/healthz`)).toBe(200);
    expect((await pidsMentioning(join(dataDir, 'pg'))).length).toBeGreaterThan(0);
  });

  it('a second server on the same data folder refuses, naming the running one, and stops nothing', { timeout: 120_000 }, async () => {
    const second = startProcess('apps/api/src/main.js', { PORT: String(await freePort()), VIGIA_DATA_DIR: dataDir });
    expect(await second.exited(90_000)).toBe(1);
    expect(second.output()).toContain(`belongs to the running Vigia process ${server!.child.pid}`);
    expect(await status(`${base}/readyz`)).toBe(200);
  });

  it('/healthz fails once the database has been unreachable longer than VIGIA_HEALTH_DB_GRACE_SECONDS', { timeout: 60_000 }, async () => {
    expect(await status(`${base}/healthz`)).toBe(200);
    // The server's own PostgreSQL (a child this test started through the server) goes away.
    const postmaster = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    process.kill(postmaster, 'SIGINT');
    const since = Date.now();
    let code = 200;
    while (code === 200 && Date.now() - since < 20_000) {
      await sleep(250);
      code = await status(`${base}/healthz`);
    }
    expect(code).toBe(503);
    const after = Date.now() - since;
    // Not before the grace period (2 s), and not long after it (pings every 0.5 s).
    expect(after).toBeGreaterThanOrEqual(1_500);
    expect(after).toBeLessThan(10_000);
    expect(await status(`${base}/readyz`)).toBe(503);
  });
});
