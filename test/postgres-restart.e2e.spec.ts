import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { type EmbeddedDatabase, freePort, runPendingMigrations, startEmbeddedPostgres } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

const MONITORS = 6;

interface ChangeRow {
  monitor_id: string;
  reason: string;
  from_health: string;
  to_health: string;
  effective_at: Date;
}

/**
 * PostgreSQL restarted under load: a PostgreSQL the test owns (embedded, its own cluster and port) is stopped for
 * about 12 s and started again on the same port, under the API and watchdog roles probing six monitors every second.
 * While it is down the targets stop and come back: the watchdog keeps probing, queues the changes, and writes them
 * when the database returns, at their original times — counted, none lost or doubled; one incident per monitor,
 * opened and resolved; `/readyz` says the database is unreachable meanwhile, and `/vigia-status` that Vigia is blind.
 * A remote agent probing a seventh monitor keeps probing too (the API cannot store its batches): what it buffered is
 * replayed after the restart into the history, and opens no incident. A runbook run mid-step stands down while the
 * database is away and is finished after the restart: the interrupted safe step twice, every other step once.
 */
describe('PostgreSQL restarted under load', () => {
  let dir: string;
  let pg: EmbeddedDatabase;
  let port: number;
  let api: TestApi;
  let db: DataSource;
  let owner: string;
  let agent: RunningProcess | undefined;
  let agentMonitor: string;
  const target = new RecordingServer();
  // A runbook's targets: the first call of its slow step is held open, so the run is mid-step when PostgreSQL stops.
  const steps: RecordingServer = new RecordingServer((hit) => (hit.path === '/slow' && steps.count('GET /slow') === 1 ? 'hold' : undefined));
  let runbook: string;

  const startPg = async (): Promise<EmbeddedDatabase> => startEmbeddedPostgres({ dataDir: `${dir}/cluster`, port });
  const changes = async (): Promise<ChangeRow[]> => db.query('SELECT monitor_id, from_health, to_health, effective_at, reason FROM monitor_state_changes ORDER BY monitor_id, at, id');
  const status = async (path: string): Promise<number> => (await fetch(`${api.url}${path}`)).status;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigia-pg-restart-'));
    port = await freePort();
    pg = await startPg();
    await runPendingMigrations(pg.url);
    await target.start();
    await steps.start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_HEALTH_DB_GRACE_SECONDS: '3', VIGIA_RUN_LEASE_SECONDS: '2' }, { url: pg.url, drop: async () => undefined });
    db = api.app.get(DataSource);
    owner = (await api.tenant('restart')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    for (let i = 0; i < MONITORS; i++) {
      await api.ok(`mutation { createMonitor(input: {name: "www ${i}", type: http, hostId: "${host}", config: {url: "${target.url}/${i}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner);
    }
    // A seventh monitor probed by a remote agent alone (a private vantage, quorum 1): it has no database of its own.
    agentMonitor = (await api.ok<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www agent", type: http, hostId: "${host}", config: {url: "${target.url}/agent"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner)).createMonitor.id;
    const { createVantage } = await api.ok<{ createVantage: { token: string; vantage: { id: string } } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { token vantage { id } } }', { i: { name: 'office', kind: 'private' } }, owner,
    );
    await api.ok(`mutation { setMonitorVantages(monitorId: "${agentMonitor}", input: {vantageIds: ["${createVantage.vantage.id}"], quorum: 1}) { quorum } }`, {}, owner);
    runbook = (await api.ok<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: `name: across-restart\nsteps:\n  - { name: first, type: http.request, with: { method: POST, url: "${steps.url}/first" } }\n  - { name: slow, type: http.request, with: { method: GET, url: "${steps.url}/slow", timeout: 60s } }\n  - { name: last, type: http.request, with: { method: POST, url: "${steps.url}/last" } }\n` },
    }, owner)).createRunbook.id;
    agent = startProcess('apps/agent/src/main.js', { VIGIA_API_URL: api.url, VIGIA_VANTAGE_TOKEN: createVantage.token, LOG_LEVEL: 'info' });
    await agent.waitFor(/1 monitor\(s\) assigned/);
  }, 120_000);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
    await api?.close({ keepDatabase: true });
    await target.stop();
    await steps.stop();
    await pg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('probing goes on, every change is written later with its original time, one incident per monitor, /readyz says so', { timeout: 120_000 }, async () => {
    await eventually('every monitor up', async () => ((await changes()).filter((c) => c.to_health === 'up').length === MONITORS + 1 ? true : undefined), { timeoutMs: 30_000 });
    const run = (await api.ok<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${runbook}"}) { id } }`, {}, owner)).startRun.id;
    await eventually('the run mid-step', () => (steps.count('GET /slow') === 1 ? true : undefined), { timeoutMs: 20_000 });
    const targetPort = Number(new URL(target.url).port);
    const probesBefore = target.hits.length;
    await pg.stop();
    const stoppedAt = Date.now();
    await eventually('/readyz failing', async () => ((await status('/readyz')) === 503 ? true : undefined), { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    const downAt = Date.now();
    await target.stop();
    await new Promise((r) => setTimeout(r, 5000));
    const upAt = Date.now();
    await target.start(targetPort);
    await new Promise((r) => setTimeout(r, 3000));
    const sight = (await (await fetch(`${api.url}/vigia-status`)).json()) as { seeing: boolean; reasons: { source: string }[] };
    expect(sight.seeing).toBe(false);
    expect(sight.reasons.map((r) => r.source)).toContain('database');
    expect(await status('/healthz')).toBe(503);
    // Probing never stopped: the target was asked again and again without a database.
    expect(target.hits.length).toBeGreaterThan(probesBefore);
    pg = await startPg();
    console.log(`PostgreSQL down for ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);
    await eventually('/readyz ok again', async () => ((await status('/readyz').catch(() => 0)) === 200 ? true : undefined), { timeoutMs: 30_000 });
    const all = await eventually('every outage written', async () => {
      const found = await changes();
      return found.filter((c) => c.to_health === 'up' && c.monitor_id !== agentMonitor).length === 2 * MONITORS ? found.filter((c) => c.monitor_id !== agentMonitor) : undefined;
    }, { timeoutMs: 30_000 });
    // Counted: per monitor unknown → up, up → suspect, suspect → down, down → up; nothing lost, nothing twice.
    const byMonitor = new Map<string, ChangeRow[]>();
    for (const c of all) byMonitor.set(c.monitor_id, [...(byMonitor.get(c.monitor_id) ?? []), c]);
    expect(byMonitor.size).toBe(MONITORS);
    for (const list of byMonitor.values()) {
      expect(list.map((c) => `${c.from_health}→${c.to_health}`)).toEqual(['unknown→up', 'up→suspect', 'suspect→down', 'down→up']);
      // Written after the restart, at the times they happened.
      expect(list[2]!.effective_at.getTime() - downAt).toBeGreaterThanOrEqual(-100);
      expect(list[2]!.effective_at.getTime() - downAt).toBeLessThan(1_500);
      expect(list[3]!.effective_at.getTime() - upAt).toBeGreaterThanOrEqual(-100);
      expect(list[3]!.effective_at.getTime() - upAt).toBeLessThan(1_500);
    }
    // The agent probed on without the API's database: its buffered results, replayed, complete the history.
    const replayed = await eventually('the agent’s outage replayed into the history', async () => {
      const found = (await changes()).filter((c) => c.monitor_id === agentMonitor && c.reason.startsWith('replayed from office'));
      return found.some((c) => c.to_health === 'up') ? found : undefined;
    }, { timeoutMs: 40_000 });
    expect(replayed.map((c) => `${c.from_health}→${c.to_health}`)).toEqual(['up→suspect', 'suspect→down', 'down→up']);
    expect(replayed[1]!.effective_at.getTime() - downAt).toBeLessThan(1_500);
    expect(replayed[2]!.effective_at.getTime() - upAt).toBeLessThan(1_500);
    // The run stood down while PostgreSQL was away (its held request aborted) and was taken again after the restart:
    // the interrupted safe step once more, every other step once.
    const finished = await eventually('the run finished', async () => {
      const r = (await api.ok<{ run: { status: string; steps: { name: string; status: string; attempt: number }[] } }>(`{ run(id: "${run}") { status steps { name status attempt } } }`, {}, owner)).run;
      return r.status === 'succeeded' ? r : undefined;
    }, { timeoutMs: 30_000 });
    expect(finished.steps.map((x) => `${x.name}:${x.status}:${x.attempt}`)).toEqual(['first:succeeded:1', 'slow:succeeded:2', 'last:succeeded:1']);
    expect([steps.count('POST /first'), steps.count('GET /slow'), steps.count('POST /last')]).toEqual([1, 2, 1]);
    const incidents = await eventually('one incident per monitor, resolved', async () => {
      const nodes = (await api.ok<{ incidents: { nodes: { status: string; monitorId: string }[] } }>('{ incidents { nodes { status monitorId } } }', {}, owner)).incidents.nodes;
      return nodes.length >= MONITORS && nodes.every((n) => n.status === 'resolved') ? nodes : undefined;
    }, { timeoutMs: 30_000 });
    expect(new Set(incidents.map((i) => i.monitorId)).size).toBe(incidents.length);
    // None from the agent's replayed results.
    expect(incidents.some((i) => i.monitorId === agentMonitor)).toBe(false);
    await eventually('seeing again', async () => (((await (await fetch(`${api.url}/vigia-status`)).json()) as { seeing: boolean }).seeing ? true : undefined), { timeoutMs: 15_000 });
    expect(await status('/healthz')).toBe(200);
  });
});
