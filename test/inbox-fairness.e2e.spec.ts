import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { FakeAgent } from './support/fake-agent.js';

const BATCH = 1000;
const FLOOD_BATCHES = 150;

type Result = { monitorId: string; at: number; status: 'up' | 'down'; latencyMs: number; reason: string; replayed: boolean };
const result = (monitorId: string, status: 'up' | 'down', at = Date.now()): Result => ({ monitorId, at, status, latencyMs: 1, reason: status === 'up' ? 'HTTP 200' : 'connection refused', replayed: false });

/** A tenant with one monitor probed only by its own private vantage (a stand-in agent, beating), quorum 1. */
async function tenantWithAgent(api: TestApi, slug: string): Promise<{ token: string; monitor: string; agent: FakeAgent }> {
  const token = (await api.tenant(slug)).token;
  const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, token)).createHost.id;
  const monitor = (await api.ok<{ createMonitor: { id: string } }>(
    `mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "http://127.0.0.1:9/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token,
  )).createMonitor.id;
  const { createVantage } = await api.ok<{ createVantage: { token: string; vantage: { id: string } } }>(
    'mutation($i: CreateVantageInput!) { createVantage(input: $i) { token vantage { id } } }', { i: { name: `office-${slug}`, kind: 'private' } }, token,
  );
  await api.ok(`mutation { setMonitorVantages(monitorId: "${monitor}", input: {vantageIds: ["${createVantage.vantage.id}"], quorum: 1}) { quorum } }`, {}, token);
  const agent = await FakeAgent.connect(api.url, createVantage.token);
  await agent.assignment();
  agent.beatEvery(1000);
  return { token, monitor, agent };
}

/**
 * One tenant's flood does not delay another's verdict. The watchdog (its own process) is frozen while tenant A's
 * private vantage floods the inbox with 150,000 results through the real gateway and tenant B's reports its target
 * down; then it resumes. It claims the inbox per vantage in turns, so B's outage is decided while most of A's backlog
 * still waits — with the old oldest-first claim, B's results came only after every one of A's older ones.
 */
describe('inbox fairness across tenants', () => {
  let api: TestApi;
  let db: DataSource;
  let watchdog: RunningProcess;
  const agents: FakeAgent[] = [];

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_VANTAGE_RESULTS_PER_SECOND: '100000' });
    db = api.app.get(DataSource);
    watchdog = startProcess('apps/watchdog/src/main.js', { DATABASE_URL: api.db.url, PORT: String(await freePort()), LOG_LEVEL: 'warn', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1' });
    await watchdog.waitFor(/watchdog \S+ running/);
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) a.ws.terminate();
    watchdog?.child.kill('SIGCONT');
    watchdog?.child.kill('SIGKILL');
    await api?.close();
  });

  it('a flooding private vantage of tenant A does not hold back tenant B’s verdict', { timeout: 120_000 }, async () => {
    const a = await tenantWithAgent(api, 'tenant-a');
    const b = await tenantWithAgent(api, 'tenant-b');
    agents.push(a.agent, b.agent);
    const health = async (): Promise<string | undefined> =>
      (await api.ok<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${b.monitor}") { state { health } } }`, {}, b.token)).monitor.state?.health;
    const backlog = async (): Promise<number> => (await db.query("SELECT count(*)::int AS n FROM vantages_waiting_results WHERE vantage_name = 'office-tenant-a'"))[0].n;
    await eventually('both vantages voting', async () => ((await db.query("SELECT count(*)::int AS n FROM vantages WHERE name LIKE 'office-%' AND impaired_reason IS NULL"))[0].n === 2 ? true : undefined), { timeoutMs: 15_000 });
    // B's agent reports every half second until B is up, as a real one probes on its interval: the watchdog takes a
    // vantage as a voter only once its own refresh has seen it healthy, and results it took before that only observed.
    let batch = 1000;
    await eventually('B up', async () => {
      const now = Date.now();
      await b.agent.send(batch++, [result(b.monitor, 'up', now - 10), result(b.monitor, 'up', now)]);
      return (await health()) === 'up' ? true : undefined;
    }, { timeoutMs: 30_000, everyMs: 500 });

    watchdog.child.kill('SIGSTOP');
    try {
      // 150,000: a backlog the watchdog needs seconds to drain, so a loaded machine's slower polling of B's verdict
      // (it once took 0.8 s, when 60,000 were already gone) does not decide the outcome.
      for (let i = 0; i < FLOOD_BATCHES; i++) {
        const now = Date.now();
        expect((await a.agent.send(100 + i, Array.from({ length: BATCH }, (_, j) => result(a.monitor, 'up', now - BATCH + j)))).stored).toBe(BATCH);
      }
      const sentAt = Date.now();
      expect((await b.agent.send(2, [result(b.monitor, 'down', sentAt - 20), result(b.monitor, 'down', sentAt - 10), result(b.monitor, 'down', sentAt)])).stored).toBe(3);
      expect(await backlog()).toBe(FLOOD_BATCHES * BATCH);
    } finally {
      watchdog.child.kill('SIGCONT');
    }
    const resumedAt = Date.now();
    // B's agent goes on probing on its interval, as a real one does: should its vantage stop voting for a moment on a
    // loaded machine (its heartbeats behind the flood), its next results vote again — and they too are claimed in
    // turns with A's backlog, so B's verdict still has to come while most of that backlog waits.
    const reporting = setInterval(() => void b.agent.send(batch++, [result(b.monitor, 'down')]).catch(() => undefined), 500);
    let seen = '';
    const aLeft = await eventually('B down', async () => {
      const { monitor } = await api.ok<{ monitor: { state: { health: string; reason: string } | null } }>(`{ monitor(id: "${b.monitor}") { state { health reason } } }`, {}, b.token);
      seen = JSON.stringify(monitor.state);
      return monitor.state?.health === 'down' ? backlog() : undefined;
    }, { timeoutMs: 30_000, everyMs: 50 })
      .catch(async (e: Error) => {
        // What the watchdog decided instead, and what it knew of both vantages: a failure here says why.
        const vantages = await db.query("SELECT name, impaired_reason, clock_offset_ms, last_heartbeat_at FROM vantages WHERE name LIKE 'office-%'");
        throw new Error(`${e.message}; B's state: ${seen}; vantages: ${JSON.stringify(vantages)}`);
      })
      .finally(() => clearInterval(reporting));
    console.log(`B's verdict ${Date.now() - resumedAt} ms after the watchdog resumed, with ${aLeft} of A's ${FLOOD_BATCHES * BATCH} flood results still in the inbox`);
    // Decided while A's backlog still waited: B did not queue behind it.
    expect(aLeft).toBeGreaterThan(10 * BATCH);
    await eventually('A’s backlog drained', async () => ((await backlog()) === 0 ? true : undefined), { timeoutMs: 60_000 });
  });
});

/** A per-vantage cap (VIGIA_VANTAGE_RESULTS_PER_SECOND, ten seconds of burst): beyond it, refused and counted. */
describe('the per-vantage results cap at the gateway', () => {
  const CAP = 1000;
  let api: TestApi;
  let db: DataSource;
  let a: Awaited<ReturnType<typeof tenantWithAgent>>;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_VANTAGE_RESULTS_PER_SECOND: String(CAP) });
    db = api.app.get(DataSource);
    a = await tenantWithAgent(api, 'flooder');
  }, 60_000);
  afterAll(async () => {
    a?.agent.ws.terminate();
    await api?.close();
  });

  it('refuses what is over the cap, counts it on the vantage and in /metrics, stores the rest', { timeout: 60_000 }, async () => {
    let refused = 0;
    let stored = 0;
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const ack = await a.agent.send(i, Array.from({ length: BATCH }, () => result(a.monitor, 'up')));
      refused += ack.refused;
      stored += ack.stored;
    }
    expect(refused).toBeGreaterThan(0);
    // Never more than the burst plus the rate over the time it took.
    expect(stored).toBeLessThanOrEqual(CAP * 10 + (CAP * (Date.now() - started)) / 1000);
    expect((await db.query('SELECT count(*)::int AS n FROM vantages_waiting_results'))[0].n).toBe(stored);
    const view = (await api.ok<{ vantages: { name: string; refusedResults: number; lastRefusal: string }[] }>('{ vantages { name refusedResults lastRefusal } }', {}, a.token)).vantages.find((v) => v.name === 'office-flooder')!;
    expect(view.refusedResults).toBe(refused);
    expect(view.lastRefusal).toMatch(new RegExp(`^\\d+ × over its cap of ${CAP} results/s$`));
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^vigia_agent_results_over_cap ${refused}$`, 'm'));
  });
});
