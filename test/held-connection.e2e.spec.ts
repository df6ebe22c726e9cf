import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeldConnection } from '#lib/persistence';
import { SilentProxy } from './support/silent-proxy.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const backendPid = async (held: HeldConnection): Promise<number> => (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;

/** The heartbeat's own connection, against the test PostgreSQL: held between queries, replaced after any failure, never stuck. */
describe('HeldConnection', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => db?.drop());

  it('keeps one connection between queries, and opens a new one after the old was killed', async () => {
    const held = new HeldConnection(db.url, 2000, 'vigia-test-held');
    try {
      const first = await backendPid(held);
      expect(await backendPid(held)).toBe(first);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      await admin.end();
      // The query on the killed connection fails (or the idle connection's error already dropped it); the next one works.
      await held.query('SELECT 1').catch(() => undefined);
      const second = await backendPid(held);
      expect(second).not.toBe(first);
    } finally {
      await held.close();
    }
  });

  it('runs queries given at once one after the other, on its one connection', async () => {
    const held = new HeldConnection(db.url, 2000, 'vigia-test-held');
    // pg deprecates (and pg@9 refuses) a query on a client that is still running one.
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const order: number[] = [];
      const pids = await Promise.all([300, 10, 150].map(async (ms, i) => {
        const [row] = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep($1::float / 1000)', [ms]);
        order.push(i);
        return row!.pid;
      }));
      expect(new Set(pids).size).toBe(1);
      expect(order).toEqual([0, 1, 2]);
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((m) => m.includes('already executing a query'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await held.close();
    }
  });

  it('gives up on a query past its deadline (a path that swallows packets) and reconnects for the next', async () => {
    // A proxy to PostgreSQL that can go silent: bytes stop flowing both ways, no reset — as a cut path looks.
    const proxy = new SilentProxy(db.url);
    const url = await proxy.start();
    const held = new HeldConnection(url, 500, 'vigia-test-held');
    try {
      const before = await backendPid(held);
      proxy.silent = true;
      const started = Date.now();
      await expect(held.query('SELECT 1')).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(2000);
      proxy.silent = false;
      expect(await backendPid(held)).not.toBe(before);
    } finally {
      await held.close();
      proxy.stop();
    }
  });
});
