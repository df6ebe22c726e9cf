import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/test-api.js';
import { eventually } from '../support/eventually.js';
import { type AgentLab, startAgentLab } from './support/agent-lab.js';
import type { Lab } from './support/lab.js';

/**
 * An agent whose own uplink dies, in the namespace lab: nftables in the agent's namespace drops everything it sends
 * except to the API (through the bridge). Every target then fails from it at once while the central watchdog sees
 * them up: the agent is impaired ("its own network"), one vantage incident in the platform tenant, no customer
 * incident; the uplink back: healthy again, the vantage incident resolved.
 */
describe('vantages in the lab: an agent whose uplink dies is impaired, not three outages', () => {
  let setup: AgentLab;
  let lab: Lab;
  let api: TestApi;
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
    setup = await startAgentLab();
    ({ lab, api, platform, token } = setup);
    await api.ok('mutation { setVantageDefaults(input: {quorum: 2}) }', {}, token);
    for (const path of ['a', 'b', 'c']) {
      monitors.push((await api.ok<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "web1 ${path}", type: http, hostId: "${setup.hostId}", config: {url: "http://${setup.web1}/${path}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token,
      )).createMonitor.id);
    }
    setup.startAgent();
  }, 120_000);

  afterAll(() => setup?.close());

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
