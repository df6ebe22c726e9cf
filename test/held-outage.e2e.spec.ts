import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { FakeAgent } from './support/fake-agent.js';

interface IncidentView {
  id: string;
  status: string;
  openedAt: string;
  resolvedAt: string | null;
  timeline: { kind: string; message: string }[];
}

/**
 * An outage open when a voter becomes impaired, and the target comes back while it is: quorum 2 of the central
 * watchdog and agent-b (a stand-in agent driven by the test, its clock skewed to impair it). The central watchdog
 * alone sees it up: the rule cannot confirm recovery, so the outage stays open (its incident, no failback) but the
 * time is unobserved, not downtime — an agent impaired for hours must not become hours of a customer's outage nobody
 * saw. When agent-b is healthy again and confirms recovery, the incident resolves; no second incident opens.
 */
describe('an outage held open while the vantage left sees it back', () => {
  let api: TestApi;
  let web: string;
  let monitor: string;
  let agent: FakeAgent;
  let failing = false;
  let agentSees: 'up' | 'down' = 'up';
  let clockAhead = 0;
  const timers: NodeJS.Timeout[] = [];
  const target = new RecordingServer(() => ({ status: failing ? 503 : 200 }));

  const state = async (): Promise<{ health: string; reason: string } | null> =>
    (await api.ok<{ monitor: { state: { health: string; reason: string } | null } }>(`{ monitor(id: "${monitor}") { state { health reason } } }`, {}, web)).monitor.state;
  const incidents = async (): Promise<IncidentView[]> =>
    (await api.ok<{ incidents: { nodes: IncidentView[] } }>('{ incidents { nodes { id status openedAt resolvedAt timeline { kind message } } } }', {}, web)).incidents.nodes;

  beforeAll(async () => {
    await target.start();
    api = await startTestApi({
      VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central', VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_STATE_FLUSH_SECONDS: '1', VIGIA_PLATFORM_TENANT: 'platform',
    });
    const platform = (await api.tenant('platform')).token;
    const agentToken = (await api.ok<{ createVantage: { token: string } }>('mutation { createVantage(input: {name: "agent-b", kind: platform}) { token } }', {}, platform)).createVantage.token;
    web = (await api.tenant('web')).token;
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, web)).createHost.id;
    // Every platform vantage (the central watchdog and agent-b), quorum 2.
    await api.ok('mutation { setVantageDefaults(input: {quorum: 2}) }', {}, web);
    monitor = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "${target.url}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, web,
    )).createMonitor.id;
    agent = await FakeAgent.connect(api.url, agentToken);
    await eventually('agent-b assigned the monitor', async () => ((await agent.assignment()).monitors.some((m) => m.id === monitor) ? true : undefined), { timeoutMs: 15_000 });
    // A real agent beats and probes on its interval; this one says what the test tells it to see.
    let batch = 0;
    const beat = (): void => agent.heartbeat(Date.now() + clockAhead);
    beat();
    timers.push(setInterval(beat, 1000));
    timers.push(setInterval(() => void agent.send(batch++, [{ monitorId: monitor, at: Date.now(), status: agentSees, latencyMs: 1, reason: agentSees === 'up' ? 'HTTP 200' : 'HTTP 503', replayed: false }]).catch(() => undefined), 500));
  }, 60_000);

  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    agent?.ws.terminate();
    await api?.close();
    await target.stop();
  });

  it('down by both; agent-b impaired; back up on the central watchdog alone: unknown, still open, the time unobserved; closed when agent-b confirms', { timeout: 120_000 }, async () => {
    await eventually('up from both vantages', async () => ((await state())?.health === 'up' && !(await state())!.reason.includes('not voting') ? true : undefined), { timeoutMs: 20_000 });
    // The report below starts here: the unknown time before the first verdict is not the held stretch's.
    const upAt = Date.now();
    failing = true;
    agentSees = 'down';
    const [open] = await eventually('the outage confirmed by both', async () => {
      const found = await incidents();
      return found.length === 1 && (await state())?.health === 'down' ? found : undefined;
    }, { timeoutMs: 20_000 });
    // agent-b's clock runs 30 s ahead: impaired, it stops voting (its view of the target is not to be trusted).
    clockAhead = 30_000;
    await eventually('agent-b not voting', async () => ((await state())?.reason.includes('agent-b: not voting, impaired (clock') ? true : undefined), { timeoutMs: 20_000 });
    failing = false;
    const heldFrom = Date.now();
    const held = await eventually('held open, unknown', async () => {
      const s = await state();
      return s?.health === 'unknown' ? s : undefined;
    }, { timeoutMs: 15_000 });
    expect(held.reason).toMatch(/^cannot confirm recovery: quorum unreachable: 1 healthy of 2 assigned vantages, 2 must confirm; the outage stays open until 2 vantages confirm recovery \(1 of the 1 voting do; .*\); none sees it down, so the time is counted unobserved, not down — central: up since .*; agent-b: not voting, impaired \(clock off by/);
    // Its incident stays open, and its timeline says why the time from here is unobserved.
    const during = await eventually('the unobserved line', async () => (await incidents()).find((i) => i.timeline.some((e) => e.kind === 'unobserved')));
    expect(during.status).toBe('open');
    expect(during.timeline.find((e) => e.kind === 'unobserved')!.message).toMatch(/^www: cannot confirm recovery: /);
    // Held for a while: time that must not become downtime.
    await new Promise((r) => setTimeout(r, 6000));
    expect((await state())?.health).toBe('unknown');
    // agent-b healthy again and seeing it up: the quorum confirms recovery, the same incident resolves.
    // (Its view first — results already up when it votes again, as a real agent's would be — then its clock.)
    agentSees = 'up';
    await new Promise((r) => setTimeout(r, 2000));
    clockAhead = 0;
    const resolved = await eventually('the incident resolved', async () => (await incidents()).find((i) => i.status === 'resolved'), { timeoutMs: 30_000 });
    const heldFor = new Date(resolved.resolvedAt!).getTime() - heldFrom;
    expect(resolved.id).toBe(open!.id);
    expect(await incidents()).toHaveLength(1);
    expect((await state())?.health).toBe('up');
    // The history: down → unknown (held) → up; no second opening.
    const changes: { from_health: string; to_health: string }[] = await api.app.get(DataSource).query(
      'SELECT from_health, to_health FROM monitor_state_changes WHERE monitor_id = $1 ORDER BY at, effective_at', [monitor],
    );
    const path = changes.map((c) => `${c.from_health}->${c.to_health}`);
    expect(path).toContain('down->unknown');
    expect(path.at(-1)).toBe('unknown->up');
    expect(path.filter((p) => p.endsWith('->down'))).toHaveLength(1);
    // The report: the held stretch is unobserved, not downtime.
    const outageMs = new Date(resolved.resolvedAt!).getTime() - new Date(resolved.openedAt).getTime();
    const { availabilityReport } = await api.ok<{ availabilityReport: { totals: { downtimeMs: number; unobservedMs: number; failures: number } } }>(
      `{ availabilityReport(input: {subject: {kind: monitor, id: "${monitor}"}, from: "${new Date(upAt).toISOString()}", to: "${new Date(Date.now() + 60_000).toISOString()}"}) { totals { downtimeMs unobservedMs failures } } }`, {}, web,
    );
    console.log(`outage open ${outageMs} ms, held ${heldFor} ms; report: downtime ${availabilityReport.totals.downtimeMs} ms, unobserved ${availabilityReport.totals.unobservedMs} ms`);
    expect(availabilityReport.totals.failures).toBe(1);
    expect(heldFor).toBeGreaterThan(6000);
    expect(availabilityReport.totals.unobservedMs).toBeGreaterThanOrEqual(heldFor - 3000);
    expect(availabilityReport.totals.unobservedMs).toBeLessThanOrEqual(heldFor + 3000);
    expect(availabilityReport.totals.downtimeMs).toBeLessThanOrEqual(outageMs - heldFor + 3000);
  });
});
