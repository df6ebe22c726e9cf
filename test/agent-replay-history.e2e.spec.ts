import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { CuttableProxy } from './support/cuttable-proxy.js';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

interface ChangeRow {
  from_health: string;
  to_health: string;
  effective_at: Date;
  reason: string;
}

/**
 * Replayed results complete the history. A real agent (a private vantage, the monitor's only voter, quorum 1) reaches
 * the API through a relay the test cuts for about 20 s; meanwhile its target stops for 6 s and comes back. On
 * reconnect the agent replays what it buffered: the history gains the outage — down from its first failure, up from
 * the first success, at their original times, in order — and no incident is opened from it.
 */
describe('an agent cut off from the API: its replayed results complete the state-change history', () => {
  let api: TestApi;
  let db: DataSource;
  let owner: string;
  let monitor: string;
  let agent: RunningProcess | undefined;
  const target = new RecordingServer();
  let relay: CuttableProxy;

  const changes = async (): Promise<ChangeRow[]> =>
    db.query('SELECT from_health, to_health, effective_at, reason FROM monitor_state_changes WHERE monitor_id = $1 ORDER BY at, id', [monitor]);

  beforeAll(async () => {
    await target.start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1' });
    db = api.app.get(DataSource);
    relay = new CuttableProxy(Number(new URL(api.url).port));
    await relay.start();
    owner = (await api.tenant('replay')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "vlan-db", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "vlan www", type: http, hostId: "${host}", config: {url: "${target.url}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner,
    )).createMonitor.id;
    const { createVantage } = await api.ok<{ createVantage: { token: string; vantage: { id: string } } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { token vantage { id } } }', { i: { name: 'vlan', kind: 'private' } }, owner,
    );
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitor}", input: {vantageIds: ["${createVantage.vantage.id}"], quorum: 1}) { quorum } }`, {}, owner);
    agent = startProcess('apps/agent/src/main.js', { VIGIA_API_URL: `http://127.0.0.1:${relay.port}`, VIGIA_VANTAGE_TOKEN: createVantage.token, LOG_LEVEL: 'info' });
    await agent.waitFor(/1 monitor\(s\) assigned/);
  }, 60_000);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
    await relay?.stop();
    await api?.close();
    await target.stop();
  });

  it('the outage it saw offline is in the history with its original times, and opened no incident', { timeout: 120_000 }, async () => {
    await eventually('up from the agent', async () => ((await changes()).some((c) => c.to_health === 'up') ? true : undefined), { timeoutMs: 20_000 });
    const port = Number(new URL(target.url).port);
    await relay.cut();
    await new Promise((r) => setTimeout(r, 3000));
    const stoppedAt = Date.now();
    await target.stop();
    await new Promise((r) => setTimeout(r, 6000));
    const startedAt = Date.now();
    await target.start(port);
    await new Promise((r) => setTimeout(r, 10_000));
    await relay.restore();
    const replayed = await eventually('the outage replayed into the history', async () => {
      const found = (await changes()).filter((c) => c.reason.startsWith('replayed from vlan'));
      return found.some((c) => c.to_health === 'up') ? found : undefined;
    }, { timeoutMs: 40_000, everyMs: 250 });
    console.log(replayed.map((c) => `${c.from_health}→${c.to_health} at ${c.effective_at.toISOString()}`).join(', '), `(target stopped ${new Date(stoppedAt).toISOString()}, started ${new Date(startedAt).toISOString()})`);
    // In order, as the agent saw it: suspect, down from the first failure, up from the first success.
    expect(replayed.map((c) => `${c.from_health}→${c.to_health}`)).toEqual(['up→suspect', 'suspect→down', 'down→up']);
    const down = replayed[1]!.effective_at.getTime();
    const up = replayed[2]!.effective_at.getTime();
    expect(down).toBeGreaterThanOrEqual(stoppedAt - 100);
    expect(down - stoppedAt).toBeLessThan(1_500);
    expect(up).toBeGreaterThanOrEqual(startedAt - 100);
    expect(up - startedAt).toBeLessThan(1_500);
    const [vantage] = await db.query("SELECT replayed_results FROM vantages WHERE name = 'vlan'");
    expect(vantage.replayed_results).toBeGreaterThanOrEqual(15);
    // History, not a vote: no incident on the monitor, and its live state is up.
    const incidents = (await api.ok<{ incidents: { nodes: unknown[] } }>(`{ incidents(filter: {monitorId: "${monitor}"}) { nodes { id } } }`, {}, owner)).incidents.nodes;
    expect(incidents).toEqual([]);
    await eventually('live state up', async () => ((await db.query('SELECT health FROM monitor_states WHERE monitor_id = $1', [monitor]))[0]?.health === 'up' ? true : undefined));
  });
});
