import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { agentSecretBox } from '#lib/secrets';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { type Assignment, FakeAgent } from './support/fake-agent.js';

describe('vantages: tokens, assignment, tenant isolation and the agent socket', () => {
  let api: TestApi;
  let db: DataSource;
  let platform: string;
  let alpha: string;
  let bravo: string;
  let alphaMonitor: string;
  let bravoMonitor: string;
  let alphaVantage: { id: string; token: string };
  let bravoVantage: { id: string; token: string };
  let platformVantage: { id: string; token: string };
  const agents: FakeAgent[] = [];

  const createVantage = async (token: string, name: string, kind: 'platform' | 'private'): Promise<{ id: string; token: string }> => {
    const { createVantage } = await api.ok<{ createVantage: { token: string; vantage: { id: string } } }>(
      'mutation($i: CreateVantageInput!) { createVantage(input: $i) { token vantage { id } } }', { i: { name, kind, region: 'test-region' } }, token,
    );
    return { id: createVantage.vantage.id, token: createVantage.token };
  };
  const monitorOf = async (token: string, prefix: string): Promise<string> => {
    const host = (await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${prefix}-web1", addresses: ["127.0.0.1"]}) { id } }`, {}, token)).createHost.id;
    return (await api.ok<{ createMonitor: { id: string } }>(
      'mutation($i: CreateMonitorInput!) { createMonitor(input: $i) { id } }',
      { i: { name: `${prefix} http`, type: 'http', hostId: host, config: { url: 'http://127.0.0.1:9/', headers: { Authorization: `Bearer ${prefix}-secret` } }, intervalMs: 1000, timeoutMs: 500 } }, token,
    )).createMonitor.id;
  };
  const connect = async (token: string): Promise<FakeAgent> => {
    const agent = await FakeAgent.connect(api.url, token);
    agents.push(agent);
    return agent;
  };
  const stored = async (): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM vantages_waiting_results'))[0].n;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_PLATFORM_TENANT: 'platform', VIGIA_MAX_PRIVATE_VANTAGES: '4' });
    db = api.app.get(DataSource);
    platform = (await api.tenant('platform')).token;
    alpha = (await api.tenant('alpha')).token;
    bravo = (await api.tenant('bravo')).token;
    alphaMonitor = await monitorOf(alpha, 'alpha');
    bravoMonitor = await monitorOf(bravo, 'bravo');
  }, 60_000);
  afterAll(async () => {
    for (const a of agents) a.ws.terminate();
    await api?.close();
  });

  it('creates a private vantage with its token shown once; only the platform tenant creates platform vantages', async () => {
    alphaVantage = await createVantage(alpha, 'office', 'private');
    expect(alphaVantage.token).toMatch(/^vgv_[A-Za-z0-9_-]{43}$/);
    const stored: { token_hash: string }[] = await db.query('SELECT token_hash FROM vantages WHERE id = $1', [alphaVantage.id]);
    expect(stored[0]!.token_hash).not.toContain(alphaVantage.token.slice(4));
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    await api.fails('mutation { createVantage(input: {name: "eu-west-1", kind: platform}) { token } }', {}, alpha, { code: 'FORBIDDEN', field: 'input.kind' });
    const viewer = await api.userWithRole(alpha, 'alpha', 'operator');
    await api.fails('mutation { createVantage(input: {name: "x", kind: private}) { token } }', {}, viewer, { code: 'FORBIDDEN' });
    platformVantage = await createVantage(platform, 'eu-west-1', 'platform');
    // The platform vantage is listed to every tenant; a private one only to its own.
    const seenByBravo = (await api.ok<{ vantages: { name: string; kind: string; tokenPrefix: string | null }[] }>('{ vantages { name kind tokenPrefix } }', {}, bravo)).vantages;
    expect(seenByBravo).toEqual([{ name: 'eu-west-1', kind: 'platform', tokenPrefix: null }]);
    const seenByAlpha = (await api.ok<{ vantages: { name: string; tokenPrefix: string | null; region: string | null }[] }>('{ vantages { name tokenPrefix region } }', {}, alpha)).vantages;
    expect(seenByAlpha.map((v) => v.name).sort()).toEqual(['eu-west-1', 'office']);
    expect(seenByAlpha.find((v) => v.name === 'office')).toMatchObject({ tokenPrefix: alphaVantage.token.slice(0, 10), region: 'test-region' });
  });

  it('refuses bad input naming the field: a name reused, a quorum above the assigned vantages, another tenant’s vantage', async () => {
    await api.fails('mutation { createVantage(input: {name: "office", kind: private}) { token } }', {}, alpha, { code: 'DUPLICATE', field: 'input.name' });
    await api.fails('mutation { createVantage(input: {name: "eu-west-1", kind: private}) { token } }', {}, alpha, { code: 'DUPLICATE', field: 'input.name' });
    await api.fails('mutation { createVantage(input: {name: "bad name!", kind: private}) { token } }', {}, alpha, { code: 'VALIDATION_FAILED', field: 'input.name' });
    // Another tenant may use the same private name: names are per tenant.
    bravoVantage = await createVantage(bravo, 'office', 'private');
    await api.fails(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {vantageIds: ["${alphaVantage.id}"], quorum: 2}) { quorum } }`, {}, alpha, { code: 'VALIDATION_FAILED', field: 'input.quorum' });
    // Every platform vantage = the central watchdogs (one voter) + eu-west-1: two, so three is refused.
    await api.fails(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {quorum: 3}) { quorum } }`, {}, alpha, { code: 'VALIDATION_FAILED', field: 'input.quorum' });
    await api.fails(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {vantageIds: ["${bravoVantage.id}"]}) { quorum } }`, {}, alpha, { code: 'NOT_FOUND', field: 'input.vantageIds[0]' });
    await api.fails(`mutation { setMonitorVantages(monitorId: "${bravoMonitor}", input: {vantageIds: ["${bravoVantage.id}"]}) { quorum } }`, {}, alpha, { code: 'NOT_FOUND', field: 'monitorId' });
    // One vantage named twice is one voter, not two: refused, naming where it was first.
    const twice = await api.fails(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {vantageIds: ["${alphaVantage.id}", "${alphaVantage.id}"], quorum: 2}) { quorum } }`, {}, alpha, { code: 'VALIDATION_FAILED', field: 'input.vantageIds[1]' });
    expect(twice.message).toContain('vantage office is already named at input.vantageIds[0]');
    // A quorum above k of N names the count it is measured against.
    const overK = await api.fails(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {count: 1, quorum: 2}) { quorum } }`, {}, alpha, { code: 'VALIDATION_FAILED', field: 'input.quorum' });
    expect(overK.message).toContain('2 is more than the 1 vantage(s) chosen for each monitor (its count)');
  });

  it('assigns monitors with a quorum (a count or a majority) and shows the assignment', async () => {
    const set = await api.ok<{ setMonitorVantages: { central: boolean; quorum: number; majority: boolean; agents: { name: string }[] } }>(
      `mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {vantageIds: ["${alphaVantage.id}"], quorum: 1}) { central quorum majority agents { name } } }`, {}, alpha,
    );
    expect(set.setMonitorVantages).toEqual({ central: false, quorum: 1, majority: false, agents: [{ name: 'office' }] });
    await api.ok(`mutation { setMonitorVantages(monitorId: "${bravoMonitor}", input: {vantageIds: ["${bravoVantage.id}"]}) { quorum } }`, {}, bravo);
    const view = await api.ok<{ monitor: { vantageAssignment: { quorum: number; majority: boolean } } }>(`{ monitor(id: "${bravoMonitor}") { vantageAssignment { quorum majority } } }`, {}, bravo);
    expect(view.monitor.vantageAssignment).toEqual({ quorum: 1, majority: true });
  });

  it('hands a private agent its own tenant’s monitors only, with the secrets sealed for that agent', async () => {
    const agent = await connect(alphaVantage.token);
    const assignment = await agent.assignment();
    expect(assignment.vantage).toEqual({ id: alphaVantage.id, name: 'office' });
    expect(assignment.monitors.map((m) => m.id)).toEqual([alphaMonitor]);
    expect(JSON.stringify(assignment)).not.toContain('alpha-secret');
    const target = JSON.parse(agentSecretBox(alphaVantage.token, alphaVantage.id).open(assignment.monitors[0]!.sealed, `agent-monitor:${alphaMonitor}`)) as { config: { headers: Record<string, string> } };
    expect(target.config.headers.Authorization).toBe('Bearer alpha-secret');
    // Another token cannot open it.
    expect(() => agentSecretBox(bravoVantage.token, alphaVantage.id).open(assignment.monitors[0]!.sealed, `agent-monitor:${alphaMonitor}`)).toThrow();
    const bravoAgent = await connect(bravoVantage.token);
    expect((await bravoAgent.assignment()).monitors.map((m) => m.id)).toEqual([bravoMonitor]);
    // An edit of the monitor reaches its agent: the fleet's fingerprint changed, so the assignment is read again.
    await api.ok(`mutation { updateMonitor(id: "${alphaMonitor}", input: {intervalMs: 45000}) { id } }`, {}, alpha);
    await eventually('the edited monitor re-sent', async () => (agent.messages.filter((m) => m.type === 'assignment').at(-1) as Assignment).monitors[0]?.intervalMs === 45000);
  });

  it('hands a platform agent every tenant’s monitors assigned to all platform vantages, and follows changes', async () => {
    const agent = await connect(platformVantage.token);
    expect((await agent.assignment()).monitors).toEqual([]);
    await api.ok(`mutation { setMonitorVantages(monitorId: "${bravoMonitor}", input: {quorum: 2}) { quorum } }`, {}, bravo);
    await eventually('the new assignment', async () => agent.messages.filter((m) => m.type === 'assignment').at(-1)?.monitors.some((m) => m.id === bravoMonitor));
    // The private agent of bravo lost it at the same time.
    const bravoAgent = agents[1]!;
    await eventually('bravo’s agent unassigned', async () => (bravoAgent.messages.filter((m) => m.type === 'assignment').at(-1) as Assignment).monitors.length === 0);
  });

  it('refuses a second agent with the same token while the first is connected', async () => {
    await expect(FakeAgent.connect(api.url, alphaVantage.token)).rejects.toThrow('HTTP 409');
    await expect(FakeAgent.connect(api.url, 'vgv_' + 'x'.repeat(43))).rejects.toThrow('HTTP 401');
    // Counted where an operator looks (and said in the API's log, at most once every 10 s).
    const refused = Number(/^vigia_agent_connections_refused (\d+)$/m.exec(await (await fetch(`${api.url}/metrics`)).text())?.[1]);
    expect(refused).toBeGreaterThanOrEqual(2);
  });

  it('stores assigned results and refuses (and counts) unassigned monitors, future timestamps and oversized batches', async () => {
    const agent = agents[0]!;
    const now = Date.now();
    const ok = await agent.send(1, [{ monitorId: alphaMonitor, at: now - 500, status: 'down', latencyMs: 3, reason: 'ECONNREFUSED', replayed: false }]);
    expect(ok).toMatchObject({ stored: 1, refused: 0 });
    const before = await stored();
    const foreign = await agent.send(2, [{ monitorId: bravoMonitor, at: now, status: 'down', latencyMs: 1, reason: 'x', replayed: false }]);
    expect(foreign).toMatchObject({ stored: 0, refused: 1, why: '1 × a monitor not assigned to this vantage' });
    const future = await agent.send(3, [{ monitorId: alphaMonitor, at: now + 60_000, status: 'up', latencyMs: 1, reason: 'x', replayed: false }]);
    expect(future).toMatchObject({ stored: 0, refused: 1 });
    expect(future.why).toMatch(/in the future/);
    const big = Array.from({ length: 1001 }, () => ({ monitorId: alphaMonitor, at: now, status: 'up', latencyMs: 1, reason: 'x', replayed: false }));
    const oversized = await agent.send(4, big);
    expect(oversized).toMatchObject({ stored: 0, refused: 1001 });
    expect(await stored()).toBe(before);
    const [row]: { refused_results: number; last_refusal: string }[] = await db.query('SELECT refused_results, last_refusal FROM vantages WHERE id = $1', [alphaVantage.id]);
    expect(row!.refused_results).toBe(1003);
    expect(row!.last_refusal).toMatch(/oversized batch/);
    const [result]: { vantage_name: string; at: Date; replayed: boolean }[] = await db.query('SELECT vantage_name, at, replayed FROM vantages_waiting_results WHERE monitor_id = $1', [alphaMonitor]);
    // The original timestamp, to the millisecond.
    expect(result).toEqual({ vantage_name: 'office', at: new Date(now - 500), replayed: false });
  });

  it('records an agent’s heartbeat as its health', async () => {
    agents[0]!.ws.send(JSON.stringify({ type: 'heartbeat', sentAt: Date.now() + 1234, probesPerSecond: 2.5, failingShare: 0.5, skippedShare: 0.125, buffered: 0, dropped: 7 }));
    const health = await eventually('health', async () =>
      (await api.ok<{ vantages: { name: string; lastHeartbeatAt: string | null; clockOffsetMs: number | null; probesPerSecond: number | null; failingShare: number | null; skippedShare: number | null; droppedResults: number }[] }>(
        '{ vantages { name lastHeartbeatAt clockOffsetMs probesPerSecond failingShare skippedShare droppedResults } }', {}, alpha,
      )).vantages.find((v) => v.name === 'office' && v.lastHeartbeatAt),
    );
    expect(health.clockOffsetMs).toBeGreaterThan(1000);
    expect(health.clockOffsetMs).toBeLessThan(1500);
    expect(health).toMatchObject({ probesPerSecond: 2.5, failingShare: 0.5, skippedShare: 0.125, droppedResults: 7 });
  });

  it('records a heartbeat on arrival, not behind results the database is slow to store (no false "late" or clock skew)', async () => {
    const agent = agents[0]!;
    const beatOf = async (): Promise<{ at: Date | null; offset: number | null }> =>
      (await db.query('SELECT last_heartbeat_at AS at, clock_offset_ms AS offset FROM vantages WHERE id = $1', [alphaVantage.id]))[0];
    const blocker = db.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      // The inbox locked: the agent's next batch waits on it, as behind a saturated database.
      await blocker.query('LOCK TABLE vantage_result_batches IN ACCESS EXCLUSIVE MODE');
      agent.ws.send(JSON.stringify({ type: 'results', batch: 90, results: [{ monitorId: alphaMonitor, at: Date.now(), status: 'up', latencyMs: 1, reason: 'x', replayed: false }] }));
      // Past the least gap between two recorded beats (the previous test's beat).
      await new Promise((r) => setTimeout(r, 600));
      const before = (await beatOf()).at?.getTime() ?? 0;
      agent.heartbeat(Date.now());
      const beat = await eventually('the heartbeat recorded while the batch waits', async () => {
        const b = await beatOf();
        return b.at && b.at.getTime() > before ? b : undefined;
      });
      expect(beat.at).not.toBeNull();
      expect(agent.messages.some((m) => m.type === 'ack' && (m as { batch?: number }).batch === 90)).toBe(false);
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    expect(await agent.send(91, [])).toMatchObject({ stored: 0 });
    await eventually('the waiting batch stored once the inbox is free', () => agent.messages.find((m) => m.type === 'ack' && (m as { batch?: number }).batch === 90));
  });

  it('rotating a token: the old one is refused at once (its open connection closed, saying why), the new one connects, the vantage stays', async () => {
    await api.fails(`mutation { rotateVantageToken(id: "${alphaVantage.id}") { token } }`, {}, bravo, { code: 'NOT_FOUND', field: 'id' });
    await api.fails(`mutation { rotateVantageToken(id: "${platformVantage.id}") { token } }`, {}, alpha, { code: 'FORBIDDEN', field: 'id' });
    const spare = await createVantage(alpha, 'spare', 'private');
    const first = await FakeAgent.connect(api.url, spare.token);
    const rotated = (await api.ok<{ rotateVantageToken: { token: string; vantage: { id: string; name: string; tokenPrefix: string } } }>(
      `mutation { rotateVantageToken(id: "${spare.id}") { token vantage { id name tokenPrefix } } }`, {}, alpha)).rotateVantageToken;
    expect(rotated.vantage).toEqual({ id: spare.id, name: 'spare', tokenPrefix: rotated.token.slice(0, 10) });
    expect(rotated.token).not.toBe(spare.token);
    const closed = await eventually('the old connection closed', () => first.closed, { everyMs: 10 });
    expect(closed).toMatchObject({ code: 4403, reason: 'token rotated' });
    await expect(FakeAgent.connect(api.url, spare.token)).rejects.toThrow('HTTP 401');
    const second = await FakeAgent.connect(api.url, rotated.token);
    expect(second.closed).toBeUndefined();
    second.ws.close();
    await api.ok(`mutation { revokeVantage(id: "${spare.id}") { revokedAt } }`, {}, alpha);
    const again = await api.fails(`mutation { rotateVantageToken(id: "${spare.id}") { token } }`, {}, alpha, { code: 'CONFLICT', field: 'id' });
    expect(again.message).toMatch(/vantage spare was revoked on .*; create a new vantage instead/);
  });

  it('a revoked token closes its open connection at once and is refused from then on; other tenants cannot revoke it', async () => {
    await api.fails(`mutation { revokeVantage(id: "${alphaVantage.id}") { id } }`, {}, bravo, { code: 'NOT_FOUND', field: 'id' });
    await api.fails(`mutation { revokeVantage(id: "${platformVantage.id}") { id } }`, {}, alpha, { code: 'FORBIDDEN' });
    const agent = agents[0]!;
    expect(agent.closed).toBeUndefined();
    const revokedAt = Date.now();
    await api.ok(`mutation { revokeVantage(id: "${alphaVantage.id}") { revokedAt } }`, {}, alpha);
    const closed = await eventually('the socket closed', () => agent.closed, { everyMs: 10 });
    expect(closed.code).toBe(4403);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await expect(FakeAgent.connect(api.url, alphaVantage.token)).rejects.toThrow('HTTP 401');
    // Naming it now says it was revoked, and when (not "not found": the operator sees it listed as revoked).
    const named = await api.fails(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {vantageIds: ["${alphaVantage.id}"]}) { quorum } }`, {}, alpha, { code: 'VALIDATION_FAILED', field: 'input.vantageIds[0]' });
    expect(named.message).toMatch(/vantage office was revoked on \d{4}-\d\d-\d\dT.*: name a vantage that is not revoked/);
    // Its name is not reused: the history and incidents that say "office" keep meaning that vantage.
    const reused = await api.fails('mutation { createVantage(input: {name: "office", kind: private}) { token } }', {}, alpha, { code: 'DUPLICATE', field: 'input.name' });
    expect(reused.message).toMatch(/a vantage revoked on .* has this name, and names are not reused .*rotate it \(rotateVantageToken\)/);
  });

  it('closes a revoked vantage’s connection held by another API process within seconds (the sweep)', async () => {
    const agent = agents[2]!; // the platform agent
    expect(agent.closed).toBeUndefined();
    // Revoked behind this process's back, as another API replica would.
    await db.query('UPDATE vantages SET revoked_at = now() WHERE id = $1', [platformVantage.id]);
    const closed = await eventually('the socket closed', () => agent.closed, { timeoutMs: 3000 });
    expect(closed.code).toBe(4403);
  });

  it('does not let an agent flood its heartbeat lane: beats closer than 500 ms are not written, a stream of them closes it', async () => {
    const flooder = await createVantage(bravo, 'flooder', 'private');
    const agent = await connect(flooder.token);
    await agent.assignment();
    const row = async (): Promise<{ at: Date | null; rate: number | null }> =>
      (await db.query('SELECT last_heartbeat_at AS at, probes_per_second AS rate FROM vantages WHERE id = $1', [flooder.id]))[0];
    agent.heartbeat();
    const first = await eventually('the first beat recorded', async () => ((await row()).at ? row() : undefined));
    // Forty beats at once, each saying 99 probes/s: none is written, and the stream closes the connection.
    for (let i = 0; i < 40; i++) agent.ws.send(JSON.stringify({ type: 'heartbeat', sentAt: Date.now(), probesPerSecond: 99, failingShare: null, buffered: 0, dropped: 0 }));
    const closed = await eventually('the flooding agent closed', () => agent.closed, { timeoutMs: 3000 });
    expect(closed.code).toBe(1008);
    expect(await row()).toEqual(first);
  });

  it('refuses junk inside a message without closing; a flood of frames closes it once, the frames read after that dropped unlogged', async () => {
    const junk = await createVantage(alpha, 'junk', 'private');
    await api.ok(`mutation { setMonitorVantages(monitorId: "${alphaMonitor}", input: {vantageIds: ["${junk.id}"], quorum: 1}) { quorum } }`, {}, alpha);
    const agent = await connect(junk.token);
    await eventually('its monitor assigned', async () => ((await agent.assignment()).monitors.length === 1 ? true : undefined));
    // JSON that is no object, and a reason that is no text (its toString throws): refused or stored, the connection kept.
    agent.ws.send('null');
    const ack = await agent.send(1, [{ monitorId: alphaMonitor, at: Date.now(), status: 'up', latencyMs: 1, reason: { toString: 1 }, replayed: false }]);
    expect(ack).toMatchObject({ stored: 1, refused: 0 });
    expect(agent.closed).toBeUndefined();
    const warnings = vi.spyOn(Logger.prototype, 'warn');
    try {
      // 3,000 one-byte frames at once: a few wait, the next closes the connection, and the rest are dropped (each was
      // logged and closed again: 2,958 warnings and a 0.5 s stall in a reviewer's run).
      for (let i = 0; i < 3000; i++) agent.ws.send('x');
      const closed = await eventually('the flooding agent closed', () => agent.closed, { timeoutMs: 5000 });
      expect(closed.code).toBe(1008);
      await new Promise((r) => setTimeout(r, 300));
      const about = warnings.mock.calls.filter((c) => String(c[0]).includes('vantage junk'));
      expect(about.length, about.map((c) => String(c[0])).join('\n')).toBeLessThanOrEqual(3);
    } finally {
      warnings.mockRestore();
    }
  });

  it('holds a tenant to VIGIA_MAX_PRIVATE_VANTAGES live private vantages, five asked at once included; a revoked one frees its place', async () => {
    const charlie = (await api.tenant('charlie')).token;
    const asks = await Promise.all([1, 2, 3, 4, 5].map((i) => api.gql<{ createVantage: { vantage: { id: string } } }>(`mutation { createVantage(input: {name: "site-${i}", kind: private}) { vantage { id } } }`, {}, charlie)));
    const made = asks.filter((a) => a.data?.createVantage).map((a) => a.data!.createVantage.vantage.id);
    const refused = asks.filter((a) => a.errors?.length).map((a) => a.errors![0]!);
    expect(made).toHaveLength(4);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.kind' });
    expect(refused[0]!.message).toMatch(/already has 4 private vantages, the most it may hold \(VIGIA_MAX_PRIVATE_VANTAGES = 4\)/);
    const [{ n }]: { n: number }[] = await db.query("SELECT count(*)::int AS n FROM vantages v JOIN tenants t ON t.id = v.tenant_id WHERE t.slug = 'charlie'");
    expect(n).toBe(4);
    await api.ok(`mutation { revokeVantage(id: "${made[0]}") { id } }`, {}, charlie);
    await api.ok('mutation { createVantage(input: {name: "site-6", kind: private}) { vantage { id } } }', {}, charlie);
  });
});
