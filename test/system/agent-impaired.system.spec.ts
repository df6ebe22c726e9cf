import { createServer, connect, type Server } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/process-harness.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { eventually } from '../support/eventually.js';
import { Lab } from './support/lab.js';

/**
 * An agent whose own uplink dies, in the namespace lab: nftables in the agent's namespace drops everything it sends
 * except to the API (through the bridge). Every target then fails from it at once while the central watchdog sees
 * them up: the agent is impaired ("its own network"), one vantage incident in the platform tenant, no customer
 * incident; the uplink back: healthy again, the vantage incident resolved.
 */
describe('vantages in the lab: an agent whose uplink dies is impaired, not three outages', () => {
  let lab: Lab;
  let api: TestApi;
  let relay: Server;
  let relayPort: number;
  let agent: ChildProcess;
  let platform: string;
  let token: string;
  const monitors: string[] = [];

  const vantage = async (): Promise<{ impairedReason: string | null } | undefined> =>
    (await api.ok<{ vantages: { name: string; impairedReason: string | null }[] }>('{ vantages { name impairedReason } }', {}, platform)).vantages.find((v) => v.name === 'lab-agent');
  const incidentsOf = async (t: string): Promise<{ status: string; timeline: { message: string }[] }[]> =>
    (await api.ok<{ incidents: { nodes: { status: string; timeline: { message: string }[] }[] } }>('{ incidents { nodes { status timeline { message } } } }', {}, t)).incidents.nodes;
  const healths = async (): Promise<string[]> =>
    Promise.all(monitors.map(async (id) => (await api.ok<{ monitor: { state: { health: string } | null } }>(`{ monitor(id: "${id}") { state { health } } }`, {}, token)).monitor.state?.health ?? 'none'));

  beforeAll(async () => {
    lab = await Lab.create(['web1', 'agent']);
    const web1 = lab.host('web1').address;
    lab.httpServer('web1');
    await lab.waitPort(web1, 80);
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform' });
    const apiPort = Number(new URL(api.url).port);
    relay = createServer((socket) => {
      const upstream = connect(apiPort, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, lab.gateway, () => r()));
    relayPort = (relay.address() as { port: number }).port;

    platform = (await api.tenant('platform')).token;
    const agentToken = (await api.ok<{ createVantage: { token: string } }>('mutation { createVantage(input: {name: "lab-agent", kind: platform, region: "lab"}) { token } }', {}, platform)).createVantage.token;
    token = (await api.tenant('acme')).token;
    const host = (await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "web1", addresses: ["${web1}"]}) { id } }`, {}, token)).createHost.id;
    await api.ok('mutation { setVantageDefaults(input: {quorum: 2}) }', {}, token);
    for (const path of ['a', 'b', 'c']) {
      monitors.push((await api.ok<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "web1 ${path}", type: http, hostId: "${host}", config: {url: "http://${web1}/${path}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token,
      )).createMonitor.id);
    }
    agent = lab.spawnIn('agent', process.execPath, [`${ROOT}dist/apps/agent/src/main.js`], {
      DATABASE_URL: '', VIGIA_API_URL: `http://${lab.gateway}:${relayPort}`, VIGIA_VANTAGE_TOKEN: agentToken, VIGIA_EGRESS_ALLOW: '10.0.0.0/8', LOG_LEVEL: 'warn',
    });
  }, 120_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    relay?.close();
    await api?.close();
    await lab?.destroy();
  });

  it('up from both vantages, the agent healthy', { timeout: 60_000 }, async () => {
    await eventually('all up, agent healthy', async () => ((await healths()).every((h) => h === 'up') && (await vantage())?.impairedReason === null ? true : undefined), { timeoutMs: 30_000 });
  });

  it('its uplink cut (all but the API): impaired, one vantage incident, zero customer incidents; restored: resolved', { timeout: 90_000 }, async () => {
    const cutAt = Date.now();
    lab.exec('agent', ['nft', '-f', '-'], `table inet vigia_uplink {\n chain out {\n  type filter hook output priority 0; policy accept;\n  ip daddr != ${lab.gateway} drop\n }\n}\n`);
    const impaired = await eventually('impaired', async () => {
      const v = await vantage();
      return v?.impairedReason?.includes('its own network') ? v : undefined;
    }, { timeoutMs: 30_000 });
    console.log(`uplink cut: lab-agent impaired ${Date.now() - cutAt} ms later: ${impaired.impairedReason}`);
    expect(impaired.impairedReason).toMatch(/^its own network: 3 of 3 targets failing from it at once/);
    await eventually('one vantage incident', async () => ((await incidentsOf(platform)).length === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 5000));
    expect(await incidentsOf(platform)).toHaveLength(1);
    expect(await incidentsOf(token)).toEqual([]);
    expect((await healths()).every((h) => h === 'up')).toBe(true);

    lab.exec('agent', ['nft', 'delete', 'table', 'inet', 'vigia_uplink']);
    await eventually('healthy again, vantage incident resolved', async () => {
      const v = await vantage();
      const [incident] = await incidentsOf(platform);
      return v?.impairedReason === null && incident?.status === 'resolved' ? true : undefined;
    }, { timeoutMs: 30_000 });
    expect(await incidentsOf(token)).toEqual([]);
  });
});
