import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectorState } from '#lib/detection';
import { vigiaDataSourceOptions } from '#lib/persistence';
import type { ProbeResult } from '#lib/probes';
import { StateStore } from '../libs/detection/src/runtime/state-store.js';
import type { WatchedMonitor } from '../libs/detection/src/runtime/monitor-catalog.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** Text a state may carry: quotes, backslashes, braces and commas (array-literal syntax), newlines, non-ASCII. */
const AWKWARD = 'HTTP 503 from "web-1" in 3.2 ms: body {a,b} \\ not "ok"\nsecond line, ünïcödé 😀 NULL';

describe('StateStore writes what the detector holds, exactly', () => {
  let db: TestDatabase;
  let data: DataSource;
  let store: StateStore;
  const monitors: WatchedMonitor[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    data = new DataSource(vigiaDataSourceOptions(db.url, []));
    await data.initialize();
    store = new StateStore(data);
    const [{ id: tenantId }] = await data.query("INSERT INTO tenants (slug, name) VALUES ('s', 's') RETURNING id");
    const [{ id: hostId }] = await data.query("INSERT INTO hosts (tenant_id, name, addresses) VALUES ($1, 'web1', '{192.0.2.1}') RETURNING id", [tenantId]);
    for (const name of ['a', 'b', 'c']) {
      const [{ id }] = await data.query(
        `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms) VALUES ($1, $2, 'http', $3, '{"url":"http://192.0.2.1/"}', 10000, 5000) RETURNING id`,
        [tenantId, name, hostId],
      );
      monitors.push({ id, tenantId, hostId, name } as WatchedMonitor);
    }
  });
  afterAll(async () => {
    await data?.destroy();
    await db?.drop();
  });

  const state = (at: number, reason: string): DetectorState => ({
    health: 'suspect',
    since: at - 1234,
    flapping: false,
    reason,
    vantages: { 'central-1': { verdict: 'up', streakStatus: 'down', streak: 2, streakSince: at - 1234, at, reason } },
    changes: [at - 60_000, at - 30_000],
  });
  const result = (at: number, reason: string): ProbeResult => ({ status: 'down', latencyMs: 3.2, reason, at });

  it('flushes states (time to the millisecond, reason and detector JSON as they are); a purged monitor is skipped', async () => {
    const at = Date.UTC(2026, 11, 1, 17, 3, 4, 567);
    const purged = { ...monitors[0]!, id: '00000000-0000-4000-8000-000000000000' };
    await store.saveStates([
      { monitor: monitors[1]!, state: state(at, AWKWARD), last: result(at, AWKWARD) },
      { monitor: monitors[0]!, state: state(at + 1, 'plain'), last: { ...result(at + 1, 'plain'), latencyMs: 0 } },
      { monitor: purged, state: state(at, 'gone'), last: result(at, 'gone') },
    ]);
    const rows = await data.query(
      `SELECT monitor_id, tenant_id, health, since, flapping, reason, last_result_at, last_status, last_latency_ms, last_reason, detector
         FROM monitor_states ORDER BY last_result_at`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      monitor_id: monitors[1]!.id, tenant_id: monitors[1]!.tenantId, health: 'suspect', since: new Date(at - 1234), flapping: false, reason: AWKWARD,
      last_result_at: new Date(at), last_status: 'down', last_latency_ms: 3.2, last_reason: AWKWARD, detector: state(at, AWKWARD),
    });
    expect(rows[1]).toMatchObject({ monitor_id: monitors[0]!.id, reason: 'plain', last_latency_ms: 0, detector: state(at + 1, 'plain') });
    // What a restarted watchdog reads back is the detector it saved.
    expect((await store.load([monitors[1]!.id])).get(monitors[1]!.id)).toEqual(state(at, AWKWARD));
  });

  it('a change and the state it leads to land together; the later state of a monitor wins', async () => {
    const at = Date.UTC(2026, 11, 1, 17, 10, 0, 1);
    const down: DetectorState = { ...state(at, 'down now'), health: 'down' };
    const change = { from: 'suspect' as const, to: 'down' as const, at, effectiveAt: at - 20_000, reason: AWKWARD, flapping: false };
    await store.saveChanges([
      { dirty: { monitor: monitors[2]!, state: state(at - 5, 'earlier'), last: result(at - 5, 'earlier') }, change: { ...change, to: 'suspect', from: 'up' } },
      { dirty: { monitor: monitors[2]!, state: down, last: result(at, 'down now') }, change },
    ]);
    const [row] = await data.query('SELECT health, reason, since, detector FROM monitor_states WHERE monitor_id = $1', [monitors[2]!.id]);
    expect(row).toEqual({ health: 'down', reason: 'down now', since: new Date(at - 1234), detector: down });
    const changes = await data.query('SELECT from_health, to_health, at, effective_at, reason FROM monitor_state_changes WHERE monitor_id = $1 ORDER BY to_health', [monitors[2]!.id]);
    expect(changes).toEqual([
      { from_health: 'suspect', to_health: 'down', at: new Date(at), effective_at: new Date(at - 20_000), reason: AWKWARD },
      { from_health: 'up', to_health: 'suspect', at: new Date(at), effective_at: new Date(at - 20_000), reason: AWKWARD },
    ]);
  });
});
