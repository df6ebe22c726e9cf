import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingServer } from './support/recording-server.js';
import { waitUntil } from './support/eventually.js';

/**
 * Two watchdog processes share the monitors (rendezvous hashing over live heartbeats). One is killed with SIGKILL —
 * no goodbye — and the other must probe its monitors within 10 s (SPEC target), no monitor left behind.
 */
describe('watchdog replicas: a killed replica’s monitors are probed again elsewhere', () => {
  let api: TestApi;
  const target = new RecordingServer();
  /** When each monitor's path was probed. */
  const probedAt = (path: string) => target.hits.filter((h) => h.path === path).map((h) => h.at);
  const watchdogs: RunningProcess[] = [];

  beforeAll(async () => {
    const port = (await target.start()).port;
    api = await startTestApi();
    const { token } = await api.tenant('replicas');
    const host = await api.gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "shared", addresses: ["127.0.0.1"]}) { id } }', {}, token);
    for (let i = 0; i < 24; i++) {
      await api.ok(
        `mutation { createMonitor(input: {name: "m${i}", type: http, hostId: "${host.data!.createHost.id}", config: {url: "http://127.0.0.1:${port}/m${i}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`,
        {}, token,
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const w of watchdogs) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await target.stop();
    await api?.close();
  });

  it('splits the monitors between two replicas, then moves the dead one’s share within 10 s', { timeout: 90_000 }, async () => {
    const env = { DATABASE_URL: api.db.url, VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', LOG_LEVEL: 'warn' };
    for (const name of ['a', 'b']) {
      const w = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()), VIGIA_VANTAGE: `replica-${name}` });
      await w.waitFor(/watchdog \S+ running/);
      watchdogs.push(w);
    }
    // Let both see each other and settle the split.
    await new Promise((r) => setTimeout(r, 6000));
    const [a, b] = watchdogs as [RunningProcess, RunningProcess];
    const db = api.app.get((await import('typeorm')).DataSource);
    const fresh = await db.query("SELECT count(*)::int AS n FROM monitor_states WHERE last_result_at > now() - interval '3 seconds'");
    expect(fresh[0].n).toBe(24);
    // Each detector remembers the vantages that fed it: B never probed A's share.
    const shareOfA: { name: string }[] = await db.query(
      "SELECT m.name FROM monitors m JOIN monitor_states s ON s.monitor_id = m.id WHERE NOT (s.detector->'vantages' ? 'replica-b')",
    );
    expect(shareOfA.length).toBeGreaterThan(0);
    expect(shareOfA.length).toBeLessThan(24);

    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited();
    // Every monitor of A's share must be probed again after the kill; the slowest gives the takeover time.
    let worst = 0;
    await waitUntil('every monitor of the killed replica probed again', () => {
      const waits = shareOfA.map(({ name }) => probedAt(`/${name}`).find((t) => t > killedAt));
      if (waits.some((t) => t === undefined)) return false;
      worst = Math.max(...waits.map((t) => t! - killedAt));
      return true;
    }, { timeoutMs: 15_000 - (Date.now() - killedAt) });
    expect(worst, 'some monitors were never probed again').toBeGreaterThan(0);
    expect(worst).toBeLessThan(10_000);
    console.log(`takeover: the ${shareOfA.length} monitors of the killed replica were probed again ${worst} ms after its SIGKILL`);
    expect(b.child.exitCode).toBeNull();
    b.child.kill('SIGTERM');
    expect(await b.exited()).toBe(0);
  });
});
