import pg from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

/**
 * A watchdog's heartbeat does not wait for its connection pool: with every pooled connection taken (a burst of slow
 * queries, or a pool still growing under load at start-up — where opening one took seconds), it keeps beating on its
 * own connection, so the other watchdogs never judge a live replica silent and page for it.
 */
describe('the watchdog heartbeat has a connection of its own', () => {
  let api: TestApi;
  let held: QueryRunner[] = [];
  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1' });
  });
  afterAll(async () => {
    for (const runner of held) await runner.release().catch(() => undefined);
    await api?.close();
  });

  it('keeps beating while every pooled connection is taken', async () => {
    const beatAt = async (): Promise<number> => {
      const client = new pg.Client({ connectionString: api.db.url });
      await client.connect();
      try {
        return ((await client.query('SELECT max(heartbeat_at) AS at FROM watchdog_instances WHERE stopped_at IS NULL')).rows[0] as { at: Date }).at.getTime();
      } finally {
        await client.end();
      }
    };
    await eventually('a first beat', beatAt);
    // Take every connection of the pool (its max is 20): anything that asks the pool now waits.
    const dataSource = api.app.get(DataSource);
    held = await Promise.all(Array.from({ length: 20 }, async () => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      return runner;
    }));
    const starved = await Promise.race([dataSource.query('SELECT 1').then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);
    expect(starved).toBe(true);
    const before = await beatAt();
    await new Promise((r) => setTimeout(r, 3500));
    // Two or more beats written meanwhile (one a second).
    expect((await beatAt()) - before).toBeGreaterThanOrEqual(2000);
  });
});
