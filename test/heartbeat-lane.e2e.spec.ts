import pg from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { FakeAgent } from './support/fake-agent.js';

/** Every connection of an app's pool (its max is 20), taken and held: anything that asks the pool now waits. */
async function takeThePool(api: TestApi): Promise<QueryRunner[]> {
  const dataSource = api.app.get(DataSource);
  const held = await Promise.all(Array.from({ length: 20 }, async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    return runner;
  }));
  const starved = await Promise.race([dataSource.query('SELECT 1').then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);
  expect(starved).toBe(true);
  return held;
}

/** One value read on a connection of the test's own. */
async function readOne<T>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as T;
  } finally {
    await client.end();
  }
}

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
    const beatAt = async (): Promise<number> =>
      (await readOne<{ at: Date }>(api.db.url, 'SELECT max(heartbeat_at) AS at FROM watchdog_instances WHERE stopped_at IS NULL')).at.getTime();
    await eventually('a first beat', beatAt);
    held = await takeThePool(api);
    const before = await beatAt();
    await new Promise((r) => setTimeout(r, 3500));
    // Two or more beats written meanwhile (one a second).
    expect((await beatAt()) - before).toBeGreaterThanOrEqual(2000);
  });
});

/** The same for a remote agent's heartbeats, which the API's agents' gateway records. */
describe('agents\' heartbeats have a connection of their own in the API', () => {
  let api: TestApi;
  let held: QueryRunner[] = [];
  let agent: FakeAgent | undefined;
  afterAll(async () => {
    agent?.ws.close();
    for (const runner of held) await runner.release().catch(() => undefined);
    await api?.close();
  });

  it('records an agent\'s heartbeat while every pooled connection is taken', async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    const owner = await api.tenant('acme');
    const { createVantage } = await api.ok<{ createVantage: { token: string } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { token } }', { i: { name: 'office', kind: 'private', region: 'hq' } }, owner.token,
    );
    // Connected and assigned first: the handshake reads the pool.
    agent = await FakeAgent.connect(api.url, createVantage.token);
    await agent.assignment();
    held = await takeThePool(api);
    const sentAt = Date.now() + 60_000;
    agent.heartbeat(sentAt);
    // The clock offset this beat carries (a minute ahead) shows it was recorded.
    const offset = await eventually('the beat recorded', async () => {
      const row = await readOne<{ clock_offset_ms: number | null }>(api.db.url, "SELECT clock_offset_ms FROM vantages WHERE name = 'office'");
      return row.clock_offset_ms !== null && row.clock_offset_ms > 50_000 ? row.clock_offset_ms : undefined;
    }, { timeoutMs: 3000 });
    expect(offset).toBeLessThan(70_000);
  });
});

