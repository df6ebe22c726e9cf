import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigiaDataSourceOptions } from '#lib/persistence';
import { INBOX_CHANNEL, type InboundResult, MAX_HOPS, ResultInbox } from '#lib/vantages';
import { eventually } from './support/eventually.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const tenant = randomUUID();
const m1 = randomUUID();
const m2 = randomUUID();
const m3 = randomUUID();
const result = (monitorId: string, at: number): InboundResult => ({ monitorId, tenantId: tenant, at, status: 'up', latencyMs: 1.5, reason: 'HTTP 200', replayed: false });

/**
 * The inbox on a real PostgreSQL: a batch is stored as one row per owning watchdog; each watchdog claims its own rows
 * and those of watchdogs no longer live, never another live one's; what it claimed but does not own goes back routed
 * again, and is dropped after MAX_HOPS hand-backs.
 */
describe('the agents’ result inbox, routed by owner', () => {
  let db: TestDatabase;
  let data: DataSource;
  let inbox: ResultInbox;
  let vantage: { id: string; name: string };
  const owners: Record<string, string> = { [m1]: 'w1', [m2]: 'w2', [m3]: 'w-dead' };
  const rows = async (): Promise<{ owner: string | null; size: number; hops: number }[]> =>
    data.query('SELECT owner, size, hops FROM vantage_result_batches ORDER BY id');

  beforeAll(async () => {
    db = await createTestDatabase();
    data = new DataSource(vigiaDataSourceOptions(db.url, []));
    await data.initialize();
    inbox = new ResultInbox(data);
    const [row] = await data.query("INSERT INTO vantages (tenant_id, name, kind) VALUES (NULL, 'agent-1', 'platform') RETURNING id, name");
    vantage = row;
  });
  afterAll(async () => {
    await data?.destroy();
    await db?.drop();
  });

  it('stores one row per owner, in order within each, and shows every result through the vantages_waiting_results view', async () => {
    await inbox.store(vantage, [result(m1, 1000), result(m2, 1001), result(m1, 1002), result(m3, 1003)], (id) => owners[id] ?? null);
    expect(await rows()).toEqual([{ owner: 'w1', size: 2, hops: 0 }, { owner: 'w2', size: 1, hops: 0 }, { owner: 'w-dead', size: 1, hops: 0 }]);
    const view: { monitor_id: string; at: Date; vantage_name: string; latency_ms: number }[] = await data.query('SELECT monitor_id, at, vantage_name, latency_ms FROM vantages_waiting_results ORDER BY id');
    expect(view.map((v) => [v.monitor_id, v.at.getTime(), v.vantage_name, v.latency_ms])).toEqual([[m1, 1000, 'agent-1', 1.5], [m1, 1002, 'agent-1', 1.5], [m2, 1001, 'agent-1', 1.5], [m3, 1003, 'agent-1', 1.5]]);
  });

  it('a watchdog claims its own rows and a dead one’s, never a live peer’s', async () => {
    const w1 = await inbox.claim('w1', ['w1', 'w2']).then((c) => c.results);
    expect(w1.map((r) => [r.monitorId, r.at, r.vantageName, r.status, r.latencyMs, r.reason, r.replayed])).toEqual([
      [m1, 1000, 'agent-1', 'up', 1.5, 'HTTP 200', false], [m1, 1002, 'agent-1', 'up', 1.5, 'HTTP 200', false], [m3, 1003, 'agent-1', 'up', 1.5, 'HTTP 200', false],
    ]);
    expect(await rows()).toEqual([{ owner: 'w2', size: 1, hops: 0 }]);
    expect((await inbox.claim('w1', ['w1', 'w2']).then((c) => c.results)).length).toBe(0);
    expect((await inbox.claim('w2', ['w1', 'w2']).then((c) => c.results)).map((r) => r.monitorId)).toEqual([m2]);
    expect(await rows()).toEqual([]);
  });

  it('hands back what it does not own, routed again, and drops it after MAX_HOPS hand-backs', async () => {
    await inbox.store(vantage, [result(m2, 2000)], () => null);
    let claimed = await inbox.claim('w1', ['w1', 'w2']).then((c) => c.results);
    expect(claimed.map((r) => [r.monitorId, r.hops])).toEqual([[m2, 0]]);
    expect(await inbox.handBack(claimed, () => 'w2')).toBe(0);
    expect(await rows()).toEqual([{ owner: 'w2', size: 1, hops: 1 }]);
    // Nobody owns it (deleted meanwhile): it comes back to w1 until the hand-backs run out.
    for (let hop = 1; hop < MAX_HOPS; hop++) {
      claimed = await inbox.claim('w1', ['w1']).then((c) => c.results);
      expect(claimed.map((r) => r.hops)).toEqual([hop]);
      expect(await inbox.handBack(claimed, () => 'w1')).toBe(hop + 1 === MAX_HOPS ? 1 : 0);
    }
    expect(await rows()).toEqual([]);
  });

  it('takes whole batches up to about maxResults results, the vantages taking turns; says when a bound may have cut it', async () => {
    const [other] = await data.query("INSERT INTO vantages (tenant_id, name, kind) VALUES (NULL, 'agent-2', 'platform') RETURNING id, name");
    for (let i = 0; i < 3; i++) await inbox.store(vantage, Array.from({ length: 40 }, (_, j) => result(m1, 3000 + 40 * i + j)), () => 'w1');
    await inbox.store(other, [result(m2, 5000)], () => 'w1');
    const firstClaim = await inbox.claim('w1', ['w1'], 20, 50);
    expect(firstClaim.more).toBe(true);
    const first = firstClaim.results;
    // agent-1's oldest batch (40), then agent-2's turn (1): 41 results; the next 40 would pass 50.
    expect(first.map((r) => r.vantageName)).toEqual([...Array(40).fill('agent-1'), 'agent-2']);
    expect((await inbox.claim('w1', ['w1'], 20, 50).then((c) => c.results)).length).toBe(40);
    // A batch larger than the bound still goes (whole), alone.
    expect((await inbox.claim('w1', ['w1'], 20, 10).then((c) => c.results)).length).toBe(40);
    expect(await rows()).toEqual([]);
    // Far from both bounds: nothing more waits.
    await inbox.store(vantage, [result(m1, 5500), result(m1, 5501)], () => 'w1');
    expect((await inbox.claim('w1', ['w1'])).more).toBe(false);
    // As many rows as the limit: more may wait.
    for (let i = 0; i < 3; i++) await inbox.store(vantage, [result(m1, 5600 + i)], () => 'w1');
    expect((await inbox.claim('w1', ['w1'], 2)).more).toBe(true);
    expect((await inbox.claim('w1', ['w1'], 2)).more).toBe(false);
    expect(await inbox.claim('w1', ['w1'])).toEqual({ results: [], more: false });
  });

  it('each row stored is announced to its owner at commit (`-` for none live), so the owner takes it at once', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(String(n.payload)));
    await listener.query(`LISTEN ${INBOX_CHANNEL}`);
    try {
      await inbox.store(vantage, [result(m1, 6000), result(m2, 6001), result(m1, 6002), result(m3, 6003)], (id) => (id === m3 ? null : owners[id]!));
      await eventually('three owners announced', () => heard.length >= 3 || undefined, { timeoutMs: 5_000, everyMs: 20 });
      expect(heard.sort()).toEqual(['-', 'w1', 'w2']);
      // A hand-back is not announced (its new owner may still be loading the monitors: it waits for the next poll);
      // a store after it is, and arrives after it (notifications come in commit order).
      const claimed = await inbox.claim('w2', ['w1', 'w2']).then((c) => c.results);
      heard.length = 0;
      await inbox.handBack(claimed, () => 'w1');
      await inbox.store(vantage, [result(m1, 6004)], () => 'w3');
      await eventually('the store after it announced', () => heard.length >= 1 || undefined, { timeoutMs: 5_000, everyMs: 20 });
      expect(heard).toEqual(['w3']);
      await data.query('DELETE FROM vantage_result_batches');
    } finally {
      await listener.end();
    }
  });
});
