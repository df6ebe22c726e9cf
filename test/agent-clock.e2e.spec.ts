import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { startTestApi, type TestApi } from './support/test-api.js';
import { FakeAgent } from './support/fake-agent.js';

/**
 * An agent's measured clock offset is applied to its results: a stand-in agent whose clock runs 1.5 s ahead (within
 * the ±2 s bound) has its results stored on the API's clock; one 3 s ahead (beyond it: impaired, see
 * vantage-impairment.e2e) has them stored as sent. The API runs without a watchdog, so the inbox keeps what it stored.
 */
describe('agent clock offset applied to its timestamps', () => {
  let api: TestApi;
  let db: DataSource;
  let owner: string;
  let monitor: string;
  const agents: FakeAgent[] = [];

  const agentFor = async (name: string): Promise<FakeAgent> => {
    const { createVantage } = await api.ok<{ createVantage: { token: string; vantage: { id: string } } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { token vantage { id } } }', { i: { name, kind: 'private' } }, owner,
    );
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitor}", input: {vantageIds: ["${createVantage.vantage.id}"], quorum: 1}) { quorum } }`, {}, owner);
    const agent = await FakeAgent.connect(api.url, createVantage.token);
    agents.push(agent);
    await agent.assignment();
    return agent;
  };
  const storedAt = async (vantage: string): Promise<number[]> =>
    (await db.query('SELECT at FROM vantages_waiting_results WHERE vantage_name = $1 ORDER BY id', [vantage])).map((r: { at: Date }) => r.at.getTime());

  beforeAll(async () => {
    api = await startTestApi({});
    db = api.app.get(DataSource);
    owner = (await api.tenant('clocks')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, owner)).createHost.id;
    monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "http://127.0.0.1:9/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner,
    )).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) a.ws.terminate();
    await api?.close();
  });

  it('a clock 1.5 s ahead: its results are stored 1.5 s earlier, on the API’s clock', async () => {
    const agent = await agentFor('ahead');
    agent.heartbeat(Date.now() + 1500);
    const agentNow = Date.now() + 1500;
    const ack = await agent.send(1, [{ monitorId: monitor, at: agentNow, status: 'up', latencyMs: 3, reason: 'HTTP 200', replayed: false }]);
    expect(ack).toMatchObject({ stored: 1, refused: 0 });
    const [at] = await storedAt('ahead');
    // Corrected by the measured offset: 1500 ms less its heartbeat's one-way latency (loopback: a few ms).
    expect(agentNow - at!).toBeGreaterThan(1400);
    expect(agentNow - at!).toBeLessThanOrEqual(1500);
    const offset = (await db.query("SELECT clock_offset_ms FROM vantages WHERE name = 'ahead'"))[0].clock_offset_ms as number;
    expect(offset).toBeGreaterThan(1400);
  });

  it('a clock 3 s ahead (beyond the ±2 s bound): stored as sent, not corrected by a guess', async () => {
    const agent = await agentFor('broken');
    agent.heartbeat(Date.now() + 3000);
    const agentNow = Date.now() + 3000;
    expect(await agent.send(1, [{ monitorId: monitor, at: agentNow, status: 'up', latencyMs: 3, reason: 'HTTP 200', replayed: false }])).toMatchObject({ stored: 1 });
    expect(await storedAt('broken')).toEqual([agentNow]);
  });
});
