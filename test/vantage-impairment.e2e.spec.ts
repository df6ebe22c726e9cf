import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';

interface VantageView {
  name: string;
  impairedSince: string | null;
  impairedReason: string | null;
}
interface IncidentView {
  status: string;
  openReason: string;
  timeline: { kind: string; message: string }[];
}

/**
 * Impaired vantages, with a real agent process: its egress policy refuses the one address all three targets live on
 * (every target fails from it at once, a real refusal inside the agent, invisible to the central watchdog) →
 * impaired "its own network", one vantage incident in the platform tenant, no customer incident, verdicts that say
 * it does not vote. Then the targets really stop: with quorum 2 of 2 and one vantage impaired, the central watchdog
 * alone is "quorum unreachable": unknown (unobserved time, not uptime) — never an incident on one place's word. Clock skew: a stand-in agent
 * (the agent's clock cannot be set from outside) reports a clock 30 s ahead → impaired, said why.
 */
describe('impaired vantages stop voting, and page once', () => {
  let api: TestApi;
  let platform: string;
  let web: string;
  let agentToken: string;
  let skewedToken: string;
  const monitors: string[] = [];
  const target = new RecordingServer();
  let agent: RunningProcess | undefined;

  const vantage = async (name: string): Promise<VantageView | undefined> =>
    (await api.ok<{ vantages: VantageView[] }>('{ vantages { name impairedSince impairedReason } }', {}, platform)).vantages.find((v) => v.name === name);
  const incidentsOf = async (token: string): Promise<IncidentView[]> =>
    (await api.ok<{ incidents: { nodes: IncidentView[] } }>('{ incidents { nodes { status openReason timeline { kind message } } } }', {}, token)).incidents.nodes;
  const states = async (): Promise<{ health: string; reason: string }[]> =>
    Promise.all(monitors.map(async (id) => (await api.ok<{ monitor: { state: { health: string; reason: string } | null } }>(`{ monitor(id: "${id}") { state { health reason } } }`, {}, web)).monitor.state ?? { health: 'none', reason: '' }));

  beforeAll(async () => {
    await target.start(0, '127.0.0.2');
    api = await startTestApi({
      VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform',
    });
    platform = (await api.tenant('platform')).token;
    agentToken = (await api.ok<{ createVantage: { token: string } }>('mutation { createVantage(input: {name: "agent-a", kind: platform}) { token } }', {}, platform)).createVantage.token;
    web = (await api.tenant('web')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.2"]}) { id } }', {}, web)).createHost.id;
    const service = (await api.ok<{ createService: { id: string } }>(`mutation { createService(input: {name: "www", type: web, hostId: "${host}"}) { id } }`, {}, web)).createService.id;
    // Every platform vantage (the central watchdog and agent-a), quorum 2, as the tenant's default.
    await api.ok('mutation { setVantageDefaults(input: {quorum: 2}) }', {}, web);
    for (const path of ['a', 'b', 'c']) {
      monitors.push((await api.ok<{ createMonitor: { id: string } }>(
        `mutation { createMonitor(input: {name: "www ${path}", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "${target.url}/${path}"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, web,
      )).createMonitor.id);
    }
  }, 60_000);

  afterAll(async () => {
    if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
    await api?.close();
    await target.stop();
  });

  it('an agent that has never connected does not vote and pages nobody', async () => {
    const absent = await eventually('absent', async () => ((await vantage('agent-a'))?.impairedReason ? vantage('agent-a') : undefined));
    expect(absent!.impairedReason).toBe('no heartbeat yet (its agent has never connected)');
    const up = await eventually('up from the central watchdog, saying agent-a does not vote', async () => {
      const all = await states();
      return all.every((s) => s.health === 'up' && s.reason.includes('not voting')) ? all : undefined;
    }, { timeoutMs: 15_000 });
    expect(up[0]!.reason).toMatch(/ — quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; central: up since .*; agent-a: not voting, impaired \(no heartbeat yet/);
    expect(await incidentsOf(platform)).toEqual([]);
  });

  it('every target failing from the agent alone: impaired "its own network", one vantage incident, no customer incident', { timeout: 60_000 }, async () => {
    const started = Date.now();
    agent = startProcess('apps/agent/src/main.js', { VIGIA_API_URL: api.url, VIGIA_VANTAGE_TOKEN: agentToken, LOG_LEVEL: 'info', VIGIA_EGRESS_DENY: '127.0.0.2/32' });
    await agent.waitFor(/3 monitor\(s\) assigned/);
    const impaired = await eventually('agent-a impaired by its network', async () => {
      const v = await vantage('agent-a');
      return v?.impairedReason?.includes('its own network') ? v : undefined;
    }, { timeoutMs: 30_000 });
    console.log(`agent-a judged impaired (its own network) ${Date.now() - started} ms after its process started`);
    // Judged from the watchdogs' in-memory counts at their next beat: the rule holds once 2 of the failing targets are
    // seen up elsewhere (minContradicted), which can be before the central watchdog's third answer is counted.
    expect(impaired.impairedReason).toMatch(/^its own network: 3 of 3 targets failing from it at once \(≥ 80 % of at least 3\), [23] of them seen up from other vantages$/);
    const [incident] = await eventually('one vantage incident', async () => {
      const found = await incidentsOf(platform);
      return found.length ? found : undefined;
    });
    expect(incident!.status).toBe('open');
    expect(incident!.timeline[0]!.message).toMatch(/^vantage agent-a down: impaired: its own network: 3 of 3 targets failing/);
    // What it means for the monitors, truly for a named 2 of 2 too — and short: it is the first thing a page says.
    expect(incident!.timeline[0]!.message).toContain('it does not vote until it is back: monitors assigned k of N move to other vantages; where too few vantages are left for a quorum, nothing is confirmed down (no page, no runbook) and the time is unobserved');
    expect(incident!.timeline[0]!.message.length).toBeLessThan(400);
    // The monitors stay up on the central watchdog's word, and say agent-a does not vote and why.
    const up = await eventually('verdicts naming the impaired vantage', async () => {
      const all = await states();
      return all.every((s) => s.health === 'up' && /agent-a: not voting, impaired \(its own network/.test(s.reason)) ? all : undefined;
    });
    expect(up).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await incidentsOf(platform)).toHaveLength(1);
    expect(await incidentsOf(web)).toEqual([]);
  });

  it('the targets really stop while agent-a is impaired: quorum 2 unreachable, unknown (not uptime), still no customer incident', { timeout: 60_000 }, async () => {
    await target.stop();
    // The central watchdog alone confirms it down: the rule cannot decide, so the time is unobserved, never "up".
    const blind = await eventually('unknown, quorum unreachable', async () => {
      const all = await states();
      return all.every((s) => s.health === 'unknown' && /central: down since/.test(s.reason)) ? all : undefined;
    }, { timeoutMs: 20_000 });
    expect(blind[0]!.reason).toMatch(/^cannot decide: quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; every healthy vantage confirms it down, so the time is counted unobserved, not up — central: down since .*; agent-a: not voting, impaired/);
    // A scrape says it too: an alert rule on these catches what pages nobody by design.
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(gauge('vigia_monitors_unknown')).toBeGreaterThanOrEqual(3);
    expect(gauge('vigia_monitors_quorum_unreachable')).toBeGreaterThanOrEqual(3);
    expect(gauge('vigia_vantages_impaired')).toBeGreaterThanOrEqual(1);
    // What pages nobody by the quorum rule pages the vantage incident again, once: people who took it for "an agent to
    // fix tomorrow" hear that targets are down now. The platform's incident counts another tenant's monitors, unnamed.
    const [vantageIncident] = await eventually('the vantage incident pages the blind monitors', async () => {
      const found = await incidentsOf(platform);
      return found[0]?.timeline.some((e) => e.message.includes('seen down by every vantage left')) ? found : undefined;
    }, { timeoutMs: 15_000 });
    const blindLine = vantageIncident!.timeline.filter((e) => e.message.includes('seen down by every vantage left'));
    expect(blindLine).toHaveLength(1);
    expect(blindLine[0]!.message).toMatch(/^[123] monitor\(s\) of 1 tenant\(s\) are seen down by every vantage left, and cannot be confirmed without agent-a \(since .*\): likely real outages that page nobody and start no runbook until agent-a is back or their quorum is lowered — check them by hand$/);
    // Paged when the first is seen (the others follow within a pass); the count on the vantage follows them all.
    await eventually('all three counted', async () =>
      (await api.app.get(DataSource).query("SELECT blind_monitors AS n FROM vantages WHERE name = 'agent-a' AND revoked_at IS NULL"))[0]?.n === 3 || undefined, { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 3000));
    expect((await states()).every((s) => s.health === 'unknown')).toBe(true);
    expect(await incidentsOf(web)).toEqual([]);
    const [still] = await incidentsOf(platform);
    expect(still!.timeline.filter((e) => e.message.includes('seen down by every vantage left'))).toHaveLength(1);
    expect(await incidentsOf(platform)).toHaveLength(1);
  });

  it('its agent stopped: impaired by its late heartbeat, still one vantage incident', { timeout: 30_000 }, async () => {
    agent!.child.kill('SIGTERM');
    await agent!.exited();
    const late = await eventually('heartbeat late', async () => {
      const v = await vantage('agent-a');
      return v?.impairedReason?.includes('heartbeat late') ? v : undefined;
    }, { timeoutMs: 15_000 });
    expect(late.impairedReason).toMatch(/^heartbeat late: none since \d{4}-\d\d-\d\dT[\d:.]+Z \(bound 5\.0 s\)/);
    expect(await incidentsOf(platform)).toHaveLength(1);
  });

  it('a clock 30 s ahead of the API’s: impaired, says by how much; its own vantage incident', { timeout: 30_000 }, async () => {
    skewedToken = (await api.ok<{ createVantage: { token: string } }>('mutation { createVantage(input: {name: "skewed", kind: platform}) { token } }', {}, platform)).createVantage.token;
    // A stand-in agent: the real one reads the system clock, which a test cannot move for one process only.
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/agent`, { headers: { authorization: `Bearer ${skewedToken}` } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
    const beat = (): void => ws.send(JSON.stringify({ type: 'heartbeat', sentAt: Date.now() + 30_000, probesPerSecond: 0, failingShare: null, buffered: 0, dropped: 0 }));
    beat();
    const timer = setInterval(beat, 1000);
    try {
      const skewed = await eventually('skewed impaired', async () => {
        const v = await vantage('skewed');
        return v?.impairedReason?.startsWith('clock') ? v : undefined;
      }, { timeoutMs: 15_000 });
      expect(skewed.impairedReason).toMatch(/^clock off by \+(29|30)\.\d s from the API's \(bound ±2\.0 s\)$/);
      const incidents = await eventually('two vantage incidents', async () => {
        const found = await incidentsOf(platform);
        return found.length === 2 ? found : undefined;
      });
      expect(incidents.map((i) => i.timeline[0]!.message).some((m) => /^vantage skewed down: impaired: clock off by \+/.test(m))).toBe(true);
      expect(await incidentsOf(web)).toEqual([]);
    } finally {
      clearInterval(timer);
      ws.close();
    }
  });

  it('a vantage revoked while impaired: its vantage incident ends with it', { timeout: 30_000 }, async () => {
    const skewed = (await api.ok<{ vantages: { id: string; name: string }[] }>('{ vantages { id name } }', {}, platform)).vantages.find((v) => v.name === 'skewed')!;
    await api.ok(`mutation { revokeVantage(id: "${skewed.id}") { revokedAt } }`, {}, platform);
    const open = await eventually('its incident resolved', async () => {
      const found = await incidentsOf(platform);
      const mine = found.filter((i) => /^vantage skewed down/.test(i.timeline[0]!.message));
      return mine.length === 1 && mine[0]!.status === 'resolved' ? found : undefined;
    }, { timeoutMs: 15_000 });
    // agent-a's stays open: it is still impaired (stopped), not revoked.
    expect(open.filter((i) => i.status === 'open')).toHaveLength(1);
  });

  it('a vantage revoked while monitors still name it keeps an incident open until none does', { timeout: 60_000 }, async () => {
    const listed = (await api.ok<{ vantages: { id: string; name: string; central: boolean }[] }>('{ vantages { id name central } }', {}, platform)).vantages;
    const central = listed.find((v) => v.central)!;
    const named = (await api.ok<{ createVantage: { vantage: { id: string } } }>('mutation { createVantage(input: {name: "named-one", kind: platform}) { vantage { id } } }', {}, platform)).createVantage.vantage.id;
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitors[2]}", input: {vantageIds: ["${central.id}", "${named}"], quorum: 2}) { quorum } }`, {}, web);
    await api.ok(`mutation { revokeVantage(id: "${named}") { revokedAt } }`, {}, platform);
    const opened = await eventually('its incident opened', async () => (await incidentsOf(platform)).find((i) => i.status === 'open' && /^vantage named-one down: revoked on /.test(i.timeline[0]!.message)), { timeoutMs: 20_000 });
    expect(opened.timeline[0]!.message).toMatch(/but still named by 1 monitor\(s\): it never votes again, so where it was needed for the quorum no outage can be confirmed/);
    // The monitor names another set: nothing needs it any more, and its incident ends.
    await api.ok(`mutation { setMonitorVantages(monitorId: "${monitors[2]}", input: null) { quorum } }`, {}, web);
    await eventually('its incident resolved', async () => (await incidentsOf(platform)).some((i) => i.status === 'resolved' && /^vantage named-one down: revoked/.test(i.timeline[0]!.message)), { timeoutMs: 20_000 });
  });

  it('revoking agent-a does not lower the tenant’s quorum 2: the central watchdog alone still decides nothing', { timeout: 60_000 }, async () => {
    const agentA = (await api.ok<{ vantages: { id: string; name: string }[] }>('{ vantages { id name } }', {}, platform)).vantages.find((v) => v.name === 'agent-a')!;
    await api.ok(`mutation { revokeVantage(id: "${agentA.id}") { revokedAt } }`, {}, platform);
    // Only the central watchdog is left of "every platform vantage": quorum 2 stays 2 (it was 1 of 1 before).
    const blind = await eventually('quorum 2 kept after the revocation', async () => {
      const all = await states();
      return all.every((s) => s.health === 'unknown' && /quorum unreachable: 1 healthy of 1 assigned vantages, 2 must confirm/.test(s.reason)) ? all : undefined;
    }, { timeoutMs: 15_000 });
    expect(blind[0]!.reason).toMatch(/^cannot decide: /);
    // Each vantage's row says its part: the central watchdog votes; agent-a's last result is kept but not counted.
    const rows = (await api.ok<{ monitor: { state: { vantages: { vantage: string; voting: boolean | null; role: string; fresh: boolean }[] } } }>(
      `{ monitor(id: "${monitors[0]}") { state { vantages { vantage voting role fresh } } } }`, {}, web)).monitor.state.vantages;
    expect(rows.find((v) => v.vantage === 'central')).toEqual({ vantage: 'central', voting: true, role: 'voting', fresh: true });
    // (agent-a refused every target, so it holds no row: a refusal is never a verdict.)
    expect(rows.every((v) => v.vantage === 'central' || v.voting === false)).toBe(true);
    // agent-a's incident stays open: "every platform vantage" with quorum 2 now has one vantage left, which is paged
    // until the assignment is fixed (the revoked-vantage pass runs every 10 s; wait past one).
    await new Promise((r) => setTimeout(r, 11_000));
    const agentIncidents = (await incidentsOf(platform)).filter((i) => /^vantage agent-a down/.test(i.timeline[0]!.message));
    expect(agentIncidents.filter((i) => i.status === 'open')).toHaveLength(1);
    // Opened for its impairment ("until it is back"), it now says, once, that agent-a never comes back, and what to do.
    const told = agentIncidents.find((i) => i.status === 'open')!.timeline.filter((e) => e.kind === 'revoked');
    expect(told).toHaveLength(1);
    expect(told[0]!.message).toMatch(/^revoked on .*, but still needed by "every platform vantage" assignments .*: it never votes again.* — name another vantage for them or lower their quorum/);
    expect(await incidentsOf(web)).toEqual([]);
  });
});
