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
 * probe one web target; quorum 2. An agent whose own egress policy refuses the target (VIGIA_EGRESS_DENY, or started
 * without VIGIA_EGRESS_ALLOW for a private address) does not vote: its setting says nothing of the target (an operator
 * saw such an agent's "down" open an incident and fail a healthy web host over). Both failing → down and one
 * incident. Only one vantage's path cut (suspect, 1 of 2) is the network-namespace test in test/system.
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

  it('an agent whose own egress policy refuses the target does not vote: named as not voting, why, and no incident', { timeout: 60_000 }, async () => {
    const agent = startAgent({ VIGIA_EGRESS_DENY: '127.0.0.2/32' });
    await agent.waitFor(/1 monitor\(s\) assigned/);
    // Named for its refusal (under load the first verdicts may still name the previous test's stopped agent as late).
    const held = await eventually('agent-a named as not voting for its refusal', async () => {
      const s = await state();
      return s?.reason.includes('agent-a: not voting, refusing this target (its egress policy') ? s : undefined;
    }, { timeoutMs: 20_000 });
    expect(held.health).toBe('up');
    expect(held.reason).toMatch(/quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; central: up since .*; agent-a: not voting, refusing this target \(its egress policy does not allow it, so it does not probe it — refused by egress policy: .*; allow the address on the agent: VIGIA_EGRESS_ALLOW, and not in VIGIA_EGRESS_DENY\)$/);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await state())!.health).toBe('up');
    expect(await incidents()).toEqual([]);
    await stopAgent(agent);
  });

  it('both failing: down, one incident that says which vantages confirmed it', { timeout: 60_000 }, async () => {
    // The agent allowed to probe again: it votes (its refusal is forgotten at its first real result).
    const agent = startAgent();
    await agent.waitFor(/1 monitor\(s\) assigned/);
    // Its refusals left no "down" of it behind: while it comes back the monitor never leaves up.
    const seen = new Set<string>();
    await eventually('both vote up', async () => {
      const s = await state();
      if (s) seen.add(s.health);
      return s?.health === 'up' && !s.reason.includes('not voting') && s.vantages.filter((v) => v.verdict === 'up').length === 2 ? s : undefined;
    }, { timeoutMs: 20_000 });
    expect([...seen]).toEqual(['up']);
    expect(await incidents()).toEqual([]);
    const stoppedAt = Date.now();
    await target.stop();
    const [incident] = await eventually('an incident', async () => {
      const found = await incidents();
      return found.length ? found : undefined;
    }, { timeoutMs: 15_000 });
    console.log(`quorum 2 of 2: incident ${Date.now() - stoppedAt} ms after the target stopped`);
    expect(incident!.status).toBe('open');
    expect(incident!.timeline[0]!.message).toMatch(/^www http down: 2 of 2 vantages confirm it \(quorum 2\) — central: down since .*; agent-a: down since/);
    expect((await state())!.health).toBe('down');
    expect(await incidents()).toHaveLength(1);
  });
});
