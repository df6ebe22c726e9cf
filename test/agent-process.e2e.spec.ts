import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

interface StateView {
  health: string;
  reason: string;
  vantages: { vantage: string; verdict: string; seeing: string }[];
}

/**
 * A real agent process (no database credentials: only the API's URL and its vantage token) and the central watchdog
 * probe one web target; quorum 2. Only the agent failing → suspect, 1 of 2, no incident; both failing → down and
 * one incident. The agent's failure is its own egress policy refusing the target's address (VIGIA_EGRESS_DENY), a
 * real refusal inside the agent, invisible to the watchdog; the network-namespace cut is in test/system.
 */
describe('a remote agent and the central watchdog vote on one monitor (quorum 2)', () => {
  let api: TestApi;
  let token: string;
  let agentToken: string;
  let monitorId: string;
  const target = new RecordingServer();
  const agents: RunningProcess[] = [];

  const state = async (): Promise<StateView | null> =>
    (await api.ok<{ monitor: { state: StateView | null } }>(`{ monitor(id: "${monitorId}") { state { health reason vantages { vantage verdict seeing } } } }`, {}, token)).monitor.state;
  const incidents = async (): Promise<{ status: string; timeline: { message: string }[] }[]> =>
    (await api.ok<{ incidents: { nodes: { status: string; timeline: { message: string }[] }[] } }>(`{ incidents(filter: {monitorId: "${monitorId}"}) { nodes { status timeline { message } } } }`, {}, token)).incidents.nodes;
  const startAgent = (env: Record<string, string> = {}): RunningProcess => {
    const agent = startProcess('apps/agent/src/main.js', { VIGIA_API_URL: api.url, VIGIA_VANTAGE_TOKEN: agentToken, LOG_LEVEL: 'info', ...env });
    agents.push(agent);
    return agent;
  };
  const stopAgent = async (agent: RunningProcess): Promise<void> => {
    agent.child.kill('SIGTERM');
    await agent.exited();
  };

  beforeAll(async () => {
    // 127.0.0.2: an address the agent can be told to refuse while the watchdog (127.0.0.0/8 allowed) still reaches it.
    await target.start(0, '127.0.0.2');
    api = await startTestApi({
      VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform',
    });
    const platform = (await api.tenant('platform')).token;
    agentToken = (await api.ok<{ createVantage: { token: string } }>('mutation { createVantage(input: {name: "agent-a", kind: platform, region: "lab"}) { token } }', {}, platform)).createVantage.token;
    token = (await api.tenant('web')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.2"]}) { id } }', {}, token)).createHost.id;
    const service = (await api.ok<{ createService: { id: string } }>(`mutation { createService(input: {name: "www", type: web, hostId: "${host}"}) { id } }`, {}, token)).createService.id;
    monitorId = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "www http", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "${target.url}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, token,
    )).createMonitor.id;
    const assigned = await api.ok<{ setMonitorVantages: { central: boolean; quorum: number; agents: { name: string }[] } }>(
      `mutation { setMonitorVantages(monitorId: "${monitorId}", input: {quorum: 2}) { central quorum agents { name } } }`, {}, token,
    );
    expect(assigned.setMonitorVantages).toEqual({ central: true, quorum: 2, agents: [{ name: 'agent-a' }] });
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) if (a.child.exitCode === null) a.child.kill('SIGKILL');
    await api?.close();
    await target.stop();
  });

  it('both vantages see it up, with the agent reporting results from its own process', { timeout: 60_000 }, async () => {
    const agent = startAgent();
    await agent.waitFor(/agent running/);
    await agent.waitFor(/1 monitor\(s\) assigned/);
    const up = await eventually('up from both vantages', async () => {
      const s = await state();
      return s?.health === 'up' && s.vantages.filter((v) => v.verdict === 'up').length === 2 ? s : undefined;
    }, { timeoutMs: 20_000 });
    expect(up.vantages.map((v) => v.vantage).sort()).toEqual(['agent-a', 'central']);
    const vantage = await eventually('agent health', async () =>
      (await api.ok<{ vantages: { name: string; lastHeartbeatAt: string | null; probesPerSecond: number | null; central: boolean }[] }>('{ vantages { name central lastHeartbeatAt probesPerSecond } }', {}, token))
        .vantages.find((v) => v.name === 'agent-a' && v.lastHeartbeatAt && v.probesPerSecond),
    );
    expect(vantage.central).toBe(false);
    await stopAgent(agent);
  });

  it('only the agent failing: suspect, 1 of 2, no incident', { timeout: 60_000 }, async () => {
    const agent = startAgent({ VIGIA_EGRESS_DENY: '127.0.0.2/32' });
    await agent.waitFor(/1 monitor\(s\) assigned/);
    const suspect = await eventually('suspect', async () => {
      const s = await state();
      return s?.health === 'suspect' && s.vantages.find((v) => v.vantage === 'agent-a')?.verdict === 'down' ? s : undefined;
    }, { timeoutMs: 20_000 });
    expect(suspect.reason).toMatch(/^suspect: 1 of 2 vantages see it failing, 1 confirmed, 2 must confirm down — central: up since .*; agent-a: down since .*refused by egress policy|^suspect: 1 of 2 vantages see it failing, 1 confirmed, 2 must confirm down — central: up since .*; agent-a: down since .*provider's networks/);
    // It stays suspect for as long as the central watchdog sees the target: no incident, no page.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await state())!.health).toBe('suspect');
    expect(await incidents()).toEqual([]);
  });

  it('both failing: down, one incident that says which vantages confirmed it', { timeout: 60_000 }, async () => {
    const stoppedAt = Date.now();
    await target.stop();
    const [incident] = await eventually('an incident', async () => {
      const found = await incidents();
      return found.length ? found : undefined;
    }, { timeoutMs: 15_000 });
    console.log(`quorum 2 of 2: incident ${Date.now() - stoppedAt} ms after the target stopped (the agent's vantage had already confirmed)`);
    expect(incident!.status).toBe('open');
    expect(incident!.timeline[0]!.message).toMatch(/down: 2 of 2 vantages confirm it \(quorum 2\) — central: down since .*; agent-a: down since/);
    expect((await state())!.health).toBe('down');
    expect(await incidents()).toHaveLength(1);
  });
});
