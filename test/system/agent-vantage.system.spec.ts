import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/test-api.js';
import { eventually } from '../support/eventually.js';
import { type AgentLab, startAgentLab } from './support/agent-lab.js';
import type { Lab } from './support/lab.js';

interface StateView {
  health: string;
  reason: string;
  vantages: { vantage: string; verdict: string }[];
}

/**
 * Two vantages in the namespace lab: the central watchdog (root namespace) and a remote agent in a namespace of its
 * own, which reaches the API only through the bridge and holds no database credentials. Its path to web1 is cut with
 * nftables inside its namespace: web1 is suspect, 1 of 2, no incident. Both cut: one incident. Its path to the API
 * cut: it keeps probing and buffering; on reconnect the buffer is replayed into history, never as fresh votes.
 */
describe('vantages in the lab: an agent in its own network namespace, cut with nftables', () => {
  let setup: AgentLab;
  let lab: Lab;
  let api: TestApi;
  let relayPort: number;
  let token: string;
  let monitorId: string;
  let web1: string;

  const state = async (): Promise<StateView | null> =>
    (await api.ok<{ monitor: { state: StateView | null } }>(`{ monitor(id: "${monitorId}") { state { health reason vantages { vantage verdict } } } }`, {}, token)).monitor.state;
  const incidents = async (): Promise<{ status: string; timeline: { message: string }[] }[]> =>
    (await api.ok<{ incidents: { nodes: { status: string; timeline: { message: string }[] }[] } }>(`{ incidents(filter: {monitorId: "${monitorId}"}) { nodes { status timeline { message } } } }`, {}, token)).incidents.nodes;
  /** nftables inside the agent's namespace: drop what it sends to `rule` (e.g. `ip daddr 10.213.7.11`). */
  const cut = (name: string, rule: string): void =>
    void lab.exec('agent', ['nft', '-f', '-'], `table inet ${name} {\n chain out {\n  type filter hook output priority 0; policy accept;\n  ${rule} drop\n }\n}\n`);
  const uncut = (name: string): void => void lab.exec('agent', ['nft', 'delete', 'table', 'inet', name]);
  /** An eventually() that, when it gives up, says what the monitor's state was and what the agent last wrote. */
  const explained = <T>(wait: Promise<T>): Promise<T> =>
    wait.catch(async (e: unknown) => {
      throw new Error(`${String(e)}\nstate: ${JSON.stringify(await state().catch(() => null))}\n${setup.agentOutput()}`);
    });

  beforeAll(async () => {
    setup = await startAgentLab();
    ({ lab, api, token, web1, relayPort } = setup);
    monitorId = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "web1 http", type: http, hostId: "${setup.hostId}", config: {url: "http://${web1}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token,
    )).createMonitor.id;
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitorId}", input: {quorum: 2}) { quorum } }`, {}, token);
    setup.startAgent();
  }, 120_000);

  afterAll(() => setup?.close());

  it('sees web1 up from both vantages', { timeout: 60_000 }, async () => {
    const up = await explained(eventually('up from both', async () => {
      const s = await state();
      return s?.health === 'up' && s.vantages.filter((v) => v.verdict === 'up').length === 2 ? s : undefined;
    }, { timeoutMs: 30_000 }));
    expect(up.vantages.map((v) => v.vantage).sort()).toEqual(['central', 'lab-agent']);
  });

  it('the agent’s path to web1 cut (nftables in its namespace): suspect, 1 of 2, no incident', { timeout: 60_000 }, async () => {
    cut('vigia_web', `ip daddr ${web1}`);
    const suspect = await explained(eventually('suspect', async () => {
      const s = await state();
      return s?.health === 'suspect' && s.vantages.find((v) => v.vantage === 'lab-agent')?.verdict === 'down' ? s : undefined;
    }, { timeoutMs: 20_000 }));
    expect(suspect.reason).toMatch(/^suspect: 1 of 2 vantages see it failing, 1 confirmed, 2 must confirm down — central: up since .*; lab-agent: down since/);
    await new Promise((r) => setTimeout(r, 5000));
    expect((await state())!.health).toBe('suspect');
    expect(await incidents()).toEqual([]);
  });

  it('both cut: down and one incident naming both vantages; then both restored: resolved', { timeout: 60_000 }, async () => {
    const cutAt = Date.now();
    lab.isolate('web1');
    const [incident] = await explained(eventually('incident', async () => {
      const found = await incidents();
      return found.length ? found : undefined;
    }, { timeoutMs: 15_000 }));
    console.log(`both vantages cut: incident ${Date.now() - cutAt} ms after web1 was isolated`);
    expect(incident!.timeline[0]!.message).toMatch(/down: 2 of 2 vantages confirm it \(quorum 2\) — central: down since .*; lab-agent: down since/);
    lab.reconnect('web1');
    uncut('vigia_web');
    await explained(eventually('resolved', async () => ((await incidents())[0]?.status === 'resolved' ? true : undefined), { timeoutMs: 20_000 }));
    expect(await incidents()).toHaveLength(1);
  });

  it('the agent’s path to the API cut: it keeps probing, then replays its buffer as history, never opening an incident', { timeout: 90_000 }, async () => {
    const db = api.app.get(DataSource);
    const replayed = async (): Promise<number> => (await db.query("SELECT replayed_results AS n FROM vantages WHERE name = 'lab-agent'"))[0].n;
    await explained(eventually('up again from both', async () => {
      const s = await state();
      return s?.health === 'up' && s.vantages.filter((v) => v.verdict === 'up').length === 2 ? true : undefined;
    }, { timeoutMs: 20_000 }));
    const before = await replayed();
    cut('vigia_api', `ip daddr ${lab.gateway} tcp dport ${relayPort}`);
    // Long enough for both ends to give the silent socket up (API: missed pong; agent: 15 s without a word).
    await new Promise((r) => setTimeout(r, 22_000));
    uncut('vigia_api');
    const after = await explained(eventually('buffered results replayed', async () => {
      const n = await replayed();
      return n > before + 10 ? n : undefined;
    }, { timeoutMs: 30_000 }));
    console.log(`the agent replayed ${after - before} buffered results after a 22 s cut`);
    expect((await incidents()).filter((i) => i.status === 'open')).toEqual([]);
    expect((await state())!.health).toBe('up');
  });
});
