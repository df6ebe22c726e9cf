import { createClient } from 'graphql-ws';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService, DeliveryWorker } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { FailoverReconciler, LostClaim, RunsService, RunStatus, RunStore, RunWorker } from '#lib/runbooks';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { RecordingServer } from './support/recording-server.js';

interface Run {
  id: string;
  status: string;
  statusReason: string | null;
  claims: number;
  steps: { name: string; phase: string; status: string; attempt: number; error: string | null; approvedBy: string | null; actions: { command: string; ok: boolean }[] }[];
}
const RUN = 'id status statusReason claims steps { name phase status attempt error approvedBy actions { command ok } }';

/**
 * The engine end to end in one API + watchdog process: every step calls a local HTTP server that records what it
 * received, so "executed once" and "never executed" are counted, not assumed.
 */
describe('runbook engine: checkpoints, resume after a crash, approvals, on_failure, policies', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  const server = new RecordingServer((hit) => ({ status: hit.path.startsWith('/fail') ? 500 : 200 }));
  let base = '';
  const ids: Record<string, string> = {};
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const runbook = async (source: string) => (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', { i: { source } })).createRunbook.id;
  const start = async (runbookId: string, extra = '') => (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${runbookId}"${extra}}) { id } }`)).startRun.id;
  const get = async (id: string) => (await gql<{ run: Run }>(`{ run(id: "${id}") { ${RUN} } }`)).run;
  const until = (id: string, statuses: string[], timeoutMs = 15_000): Promise<Run> =>
    eventually(`run ${id} to be ${statuses.join('/')}`, async () => {
      const run = await get(id);
      return statuses.includes(run.status) && run;
    }, { timeoutMs });
  const count = (path: string) => server.count(path);

  beforeAll(async () => {
    base = (await server.start()).url;
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_RUN_LEASE_SECONDS: '2' });
    const t = await api.tenant('engine');
    token = t.token;
    tenantId = t.tenantId;
    for (const [name, address] of [['app1', '127.0.0.11'], ['app2', '127.0.0.12']]) {
      ids[name!] = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["${address}"]}) { id } }`)).createHost.id;
      ids[`${name}-mon`] = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name} tcp", type: tcp, hostId: "${ids[name!]}", config: {port: 9}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`)).createMonitor.id;
    }
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await server.stop();
  });

  it('continue goes on past a failed step; compensate runs the undo steps, then fails the run', async () => {
    const id = await start(await runbook(`name: failures
steps:
  - { name: optional, type: http.request, with: { url: "${base}/fail/optional" }, on_failure: continue }
  - { name: main, type: http.request, with: { method: POST, url: "${base}/fail/main" }, on_failure: { compensate: [ { name: undo, type: http.request, with: { url: "${base}/undo" } } ] } }
  - { name: never, type: http.request, with: { url: "${base}/never" } }
`));
    const run = await until(id, ['failed']);
    expect(run.steps.map((s) => `${s.phase}:${s.name}:${s.status}`)).toEqual(['main:optional:failed', 'main:main:failed', 'compensate:undo:succeeded']);
    expect(run.steps[1]!.error).toMatch(/HTTP 500/);
    expect([count('GET /fail/optional'), count('POST /fail/main'), count('GET /undo'), count('GET /never')]).toEqual([1, 1, 1, 0]);
  });

  it('pauses at an approval step; approving continues it, aborting another stops it before its next step', async () => {
    const book = await runbook(`name: gated
params: { tag: { type: string } }
steps:
  - { name: before, type: http.request, with: { url: "${base}/before/{{ params.tag }}" } }
  - { name: ok, type: approval, with: { message: "restart the database?" } }
  - { name: after, type: http.request, with: { url: "${base}/after/{{ params.tag }}" } }
`);
    const first = await start(book, ', params: {tag: "a"}');
    const paused = await until(first, ['waiting_approval']);
    expect(paused.statusReason).toBe('restart the database?');
    expect(count('GET /after/a')).toBe(0);
    await gql(`mutation { approveRun(id: "${first}") { id } }`);
    const done = await until(first, ['succeeded']);
    expect(done.steps.find((s) => s.name === 'ok')).toMatchObject({ status: 'succeeded', approvedBy: 'owner@engine.test' });
    expect(count('GET /after/a')).toBe(1);

    const second = await start(book, ', params: {tag: "b"}');
    await until(second, ['waiting_approval']);
    await gql(`mutation { abortRun(id: "${second}") { id } }`);
    await new Promise((r) => setTimeout(r, 600));
    expect((await get(second)).status).toBe('aborted');
    expect([count('GET /before/b'), count('GET /after/b')]).toEqual([1, 0]);
    const again = await api.gql(`mutation { approveRun(id: "${second}") { id } }`, {}, token);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("streams a run's status, step checkpoints and output to subscribers of its tenant only", async () => {
    const id = await start(await runbook(`name: streamed
steps:
  - { name: hold, type: approval, with: { message: go? } }
  - { name: fetch, type: http.request, with: { url: "${base}/stream-body" } }
`));
    await until(id, ['waiting_approval']);
    const other = await api.tenant('engine-other');
    const subscribe = (bearer: string) => {
      const events: { kind: string; status?: string; step?: string; text?: string }[] = [];
      const client = createClient({ url: `${api.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` } });
      client.subscribe<{ runUpdated: { kind: string; status?: string; step?: string; text?: string } }>(
        { query: `subscription { runUpdated(runId: "${id}") { runId kind status step stream text } }` },
        { next: (m) => m.data && events.push(m.data.runUpdated), error: () => undefined, complete: () => undefined },
      );
      return { events, client };
    };
    const mine = subscribe(token);
    const theirs = subscribe(other.token);
    await new Promise((r) => setTimeout(r, 300));
    await gql(`mutation { approveRun(id: "${id}") { id } }`);
    await until(id, ['succeeded']);
    await eventually('the succeeded event', () => mine.events.some((e) => e.kind === 'status' && e.status === 'succeeded'), { timeoutMs: 5000, everyMs: 50 });
    expect(mine.events.map((e) => [e.kind, e.status ?? e.text ?? '', e.step ?? ''].join(':'))).toEqual([
      'status:running:', 'step:running:hold', 'step:succeeded:hold', 'step:running:fetch', 'output:ok:fetch', 'step:succeeded:fetch', 'status:succeeded:',
    ]);
    expect(theirs.events).toEqual([]);
    await mine.client.dispose();
    await theirs.client.dispose();
  });

  it('runs a scheduled runbook when it is due, once, and sets the next time', async () => {
    const book = await runbook(`name: nightly-check\nsteps:\n  - { name: ping, type: http.request, with: { url: "${base}/scheduled" } }\n`);
    const scheduled = await gql<{ setRunbookSchedule: { scheduleEveryMinutes: number } }>(`mutation { setRunbookSchedule(id: "${book}", everyMinutes: 60) { scheduleEveryMinutes } }`);
    expect(scheduled.setRunbookSchedule.scheduleEveryMinutes).toBe(60);
    const bad = await api.gql(`mutation { setRunbookSchedule(id: "${book}", everyMinutes: 0) { id } }`, {}, token);
    expect(bad.errors?.[0]?.extensions?.field).toBe('everyMinutes');
    const db = api.app.get(DataSource);
    await db.query("UPDATE runbooks SET next_run_at = now() - interval '1 second' WHERE id = $1", [book]);
    await eventually('the scheduled run', () => count('GET /scheduled') > 0, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(count('GET /scheduled')).toBe(1);
    const [row] = await db.query('SELECT next_run_at > now() + interval \'59 minutes\' AS later FROM runbooks WHERE id = $1', [book]);
    expect(row.later).toBe(true);
    const runs = await db.query("SELECT trigger, actor, status FROM runbook_runs WHERE runbook_id = $1", [book]);
    expect(runs).toEqual([{ trigger: 'schedule', actor: 'schedule', status: 'succeeded' }]);
  });

  it('resumes a run whose watchdog died: completed steps are not repeated, an idempotent step is, an unsafe one is handed to an operator', async () => {
    const book = await runbook(`name: resumable
steps:
  - { name: one, type: http.request, with: { method: POST, url: "${base}/one" } }
  - { name: two, type: http.request, with: { method: GET, url: "${base}/two" } }
  - { name: three, type: http.request, with: { method: POST, url: "${base}/three" } }
  - { name: four, type: http.request, with: { method: POST, url: "${base}/four" } }
`);
    const definition = (await gql<{ runbook: { current: { definition: Record<string, unknown> } } }>(`{ runbook(id: "${book}") { current { definition } } }`)).runbook.current.definition;
    const db = api.app.get(DataSource);
    // The state a watchdog leaves when killed inside step "two": "one" done, "two" started, its lease running out.
    const [{ id, fencing_token: deadToken }] = await db.query(
      `INSERT INTO runbook_runs (tenant_id, runbook_id, runbook_version, runbook_name, lock_key, trigger, actor, params, definition, status, fencing_token, owner, lease_until, claims, started_at)
       VALUES ($1, $2, 1, 'resumable', $3, 'manual', 'test', '{}', $4, 'running', nextval('runbook_fencing_seq'), 'dead-watchdog', now() + interval '1 second', 1, now()) RETURNING id, fencing_token`,
      [tenantId, book, `runbook:${book}`, JSON.stringify(definition)],
    );
    await db.query(`INSERT INTO runbook_run_steps (run_id, phase, index, name, type, status, started_at, finished_at) VALUES ($1, 'main', 0, 'one', 'http.request', 'succeeded', now(), now()), ($1, 'main', 1, 'two', 'http.request', 'running', now(), NULL)`, [id]);
    // The dead watchdog's token can no longer write once another has claimed the run.
    const run = await until(id, ['needs_operator', 'succeeded', 'failed'], 20_000);
    // "two" (GET: safe) was repeated; "three" (POST) was not interrupted, so it ran; nothing ran twice.
    expect(run.status).toBe('succeeded');
    expect(run.claims).toBe(2);
    expect(run.steps.map((s) => `${s.name}:${s.status}:${s.attempt}`)).toEqual(['one:succeeded:1', 'two:succeeded:2', 'three:succeeded:1', 'four:succeeded:1']);
    expect([count('POST /one'), count('GET /two'), count('POST /three')]).toEqual([0, 1, 1]);
    // The dead watchdog, were it only paused, could not write a thing with its old fencing token.
    await expect(api.app.get(RunStore).finishRun({ runId: id, token: String(deadToken) }, RunStatus.failed, 'stale')).rejects.toBeInstanceOf(LostClaim);
    expect((await get(id)).status).toBe('succeeded');

    // Now killed inside "three" (POST: not safe to repeat).
    const [{ id: id2 }] = await db.query(
      `INSERT INTO runbook_runs (tenant_id, runbook_id, runbook_version, runbook_name, lock_key, trigger, actor, params, definition, status, fencing_token, owner, lease_until, claims, started_at)
       VALUES ($1, $2, 1, 'resumable', $3, 'manual', 'test', '{}', $4, 'running', nextval('runbook_fencing_seq'), 'dead-watchdog', now(), 1, now()) RETURNING id`,
      [tenantId, book, `runbook:${book}`, JSON.stringify(definition)],
    );
    await db.query(`INSERT INTO runbook_run_steps (run_id, phase, index, name, type, status, started_at, finished_at) VALUES ($1, 'main', 0, 'one', 'http.request', 'succeeded', now(), now()), ($1, 'main', 1, 'two', 'http.request', 'succeeded', now(), now()), ($1, 'main', 2, 'three', 'http.request', 'running', now(), NULL)`, [id2]);
    const stuck = await until(id2, ['needs_operator'], 20_000);
    expect(stuck.statusReason).toMatch(/three was interrupted and is not safe to repeat/);
    expect(stuck.steps.find((s) => s.name === 'three')!.status).toBe('unknown');
    expect(count('POST /three')).toBe(1);
    // The resource stays locked: a new run of the same lock waits for the operator.
    const blocked = await api.gql(`mutation { startRun(input: {runbookId: "${book}"}) { id } }`, {}, token);
    // It names the holder: the run waiting for the operator, not the earlier run of this runbook that finished.
    expect(blocked.errors?.[0]?.message).toBe(`another run (${id2}, needs_operator) holds this runbook`);
    // The operator checked by hand that "three" happened: approving marks it done and runs the rest.
    await gql(`mutation { approveRun(id: "${id2}") { id } }`);
    const finished = await until(id2, ['succeeded']);
    expect(finished.steps.find((s) => s.name === 'three')).toMatchObject({ status: 'succeeded', approvedBy: 'owner@engine.test' });
    expect([count('POST /three'), count('POST /four')]).toEqual([1, 2]);
  });

  it('holds one active run per resource, asks for approval when the policy says so, and keeps the cooldown', async () => {
    const book = await runbook(`name: app-failover
params: { from: { type: host, required: false }, to: { type: host } }
steps:
  - { name: switch, type: http.request, with: { url: "${base}/switch/{{ params.to.name }}" } }
`);
    const resource = (await gql<{ createResource: { id: string } }>(`mutation { createResource(input: {name: "app", kind: dns_record, config: {server: "127.0.0.53", zone: "app.test", name: "www"}, members: [{hostId: "${ids.app1}"}, {hostId: "${ids.app2}"}], runbookId: "${book}", approvalRequired: true, cooldownMinutes: 10}) { id } }`)).createResource.id;
    const incidents = api.app.get(IncidentsService);
    const failovers = api.app.get(FailoverReconciler);
    const open = async (host: string) => (await incidents.open({ id: ids[`${host}-mon`]!, tenantId, hostId: ids[host]!, serviceId: null, name: `${host} tcp` }, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: false }))!;
    const incident = await open('app1');
    await failovers.incidentChanged(incident, true);
    const runs = await gql<{ runs: { nodes: Run[] } }>(`{ runs(filter: {resourceId: "${resource}"}) { nodes { ${RUN} } } }`);
    expect(runs.runs.nodes).toHaveLength(1);
    const gated = runs.runs.nodes[0]!;
    expect(gated).toMatchObject({ status: 'waiting_approval', statusReason: 'the resource requires approval before a failover' });
    const asked = (await gql<{ incident: { timeline: { kind: string; message: string }[] } }>(`{ incident(id: "${incident.id}") { timeline { kind message } } }`)).incident.timeline;
    // (app2's monitor is disabled: Vigia cannot see it, so the timeline says first that it is taken without being seen.)
    expect(asked.filter((e) => e.kind === 'runbook').map((e) => e.message).join('\n')).toMatch(/app2 has no enabled monitor: Vigia cannot see it[\s\S]*app-failover \(run .*, incident\) waiting approval: the resource requires approval/);
    expect(count('GET /switch/app2')).toBe(0);
    // A second trigger while it waits does not start another run.
    await failovers.incidentChanged(incident, true);
    const manual = await api.gql(`mutation { startRun(input: {runbookId: "${book}", resourceId: "${resource}", params: {to: "app2"}}) { id } }`, {}, token);
    expect(manual.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    await gql(`mutation { approveRun(id: "${gated.id}") { id } }`);
    await until(gated.id, ['succeeded']);
    expect(count('GET /switch/app2')).toBe(1);
    const state = (await gql<{ resource: { primaryHostId: string } }>(`{ resource(id: "${resource}") { primaryHostId } }`)).resource;
    expect(state.primaryHostId).toBe(ids.app1); // http.request does not claim to have moved anything
    // Within the cooldown, a new failure is not acted on yet: the incident's timeline says why, and people are paged.
    await incidents.resolve({ id: ids['app1-mon']!, tenantId, hostId: ids.app1!, serviceId: null, name: 'app1 tcp' }, new Date(), 'back');
    const again = await open('app1');
    await failovers.incidentChanged(again, true);
    const timeline = (await gql<{ incident: { timeline: { kind: string; message: string }[] } }>(`{ incident(id: "${again.id}") { timeline { kind message } } }`)).incident.timeline;
    expect(timeline.map((e) => e.message).join('\n')).toMatch(/failover refused: cooldown: .*it runs when the cooldown ends/);
    // An operator may force it.
    const forced = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}", resourceId: "${resource}", params: {to: "app2"}, force: true}) { id } }`)).startRun.id;
    await until(forced, ['succeeded']);
    expect(count('GET /switch/app2')).toBe(2);
    await api.app.get(RunWorker).idle();
  });
  it('alerts say what the run is doing: waiting for approval, or failed with its step’s own error', async () => {
    await gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'hook', type: 'webhook', config: { url: `${base}/hook` }, secret: 'hook-secret-0123456789' } });
    const incidents = api.app.get(IncidentsService);
    const incident = (await incidents.open({ id: ids['app2-mon']!, tenantId, hostId: ids.app2!, serviceId: null, name: 'app2 tcp' }, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: false }))!;
    const runs = api.app.get(RunsService);
    const startFor = async (runbookId: string): Promise<string> => {
      const outcome = await runs.start({ tenantId, runbookId, params: {}, trigger: 'incident', actor: 'test', incidentId: incident.id });
      if (!('run' in outcome)) throw new Error(outcome.refused);
      return outcome.run.id;
    };
    const db = api.app.get(DataSource);
    const runbookPage = async (match: (details: Record<string, unknown>) => boolean): Promise<{ summary: string; details: Record<string, unknown> }> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const rows: { payload: { summary: string; details: Record<string, unknown> } }[] = await db.query("SELECT payload FROM notifications WHERE incident_id = $1 AND kind = 'runbook'", [incident.id]);
        const found = rows.find((r) => match(r.payload.details));
        if (found) return found.payload;
        if (Date.now() > deadline) throw new Error(`no runbook alert matched; have: ${JSON.stringify(rows)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const asking = await startFor(await runbook(`name: approve-me
steps:
  - { name: ask, type: approval, with: { message: "move the VIP to app2?" } }
`));
    await until(asking, ['waiting_approval']);
    const waiting = await runbookPage((d) => String(d.runbook).includes(asking));
    expect(waiting.details.runbook).toBe(`approve-me (run ${asking}, incident) waiting approval: move the VIP to app2?`);

    const failing = await startFor(await runbook(`name: move-it
steps:
  - { name: move vip, type: http.request, with: { url: "${base}/fail/vip" } }
`));
    const failed = await until(failing, ['failed']);
    // The reason is the step's own error, not only its name.
    const why = `step move vip failed: http on ${new URL(base).host} failed: HTTP 500`;
    expect(failed.statusReason).toBe(why);
    const page = await runbookPage((d) => String(d.runbook).includes(failing));
    expect(page.summary).toContain(why);
    // The still waiting run comes first: it is the one the pager can act on; then the one that failed, and why.
    expect(page.details.runbook).toBe(`approve-me (run ${asking}, incident) waiting approval: move the VIP to app2?; move-it (run ${failing}, incident) failed: ${why}`);

    // A page queued before any run (it waits the grouping window) says what the runs are when it goes out, not "none
    // started" about a failover that finished meanwhile.
    // A host of its own: the earlier tests leave app1's and app2's incidents open.
    const app3 = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "app3", addresses: ["127.0.0.13"]}) { id } }')).createHost.id;
    const app3Mon = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "app3 tcp", type: tcp, hostId: "${app3}", config: {port: 9}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`)).createMonitor.id;
    const app3Ref = { id: app3Mon, tenantId, hostId: app3, serviceId: null, name: 'app3 tcp' };
    const later = (await incidents.open(app3Ref, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: false }))!;
    expect(later).toBeDefined();
    await api.app.get(AlertsService).incidentOpened(later, 'app3 tcp');
    const [queued] = await db.query("SELECT payload FROM notifications WHERE incident_id = $1 AND kind = 'trigger'", [later.id]);
    expect(queued.payload.details.runbook).toBe('none started');
    const outcome = await runs.start({ tenantId, runbookId: await runbook(`name: quick-move
steps:
  - { name: move vip, type: http.request, with: { url: "${base}/switch/app9" } }
`), params: {}, trigger: 'incident', actor: 'test', incidentId: later.id });
    if (!('run' in outcome)) throw new Error(outcome.refused);
    await until(outcome.run.id, ['succeeded']);
    await db.query("UPDATE notifications SET next_attempt_at = now() WHERE incident_id = $1 AND kind = 'trigger'", [later.id]);
    const sent = await eventually('the page sent', async () => {
      await api.app.get(DeliveryWorker).runOnce();
      return server.hits.find((h) => h.path === '/hook' && h.body.includes(later.id) && h.body.includes('"event":"trigger"'));
    }, { timeoutMs: 15_000 });
    expect(JSON.parse(sent.body).details.runbook).toBe(`quick-move (run ${outcome.run.id}, incident) succeeded`);
    await incidents.resolve(app3Ref, new Date(), 'back');
  });

  it('an outage over before its first message went out is told when a runbook acted on it, and only then', async () => {
    const incidents = api.app.get(IncidentsService);
    const runs = api.app.get(RunsService);
    const db = api.app.get(DataSource);
    const host = async (name: string, address: string) => {
      const hostId = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["${address}"]}) { id } }`)).createHost.id;
      const id = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${name} tcp", type: tcp, hostId: "${hostId}", config: {port: 9}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`)).createMonitor.id;
      return { id, tenantId, hostId, serviceId: null, name: `${name} tcp` };
    };
    const resolves = (incidentId: string) => db.query("SELECT status, payload FROM notifications WHERE incident_id = $1 AND kind = 'resolve'", [incidentId]) as Promise<{ status: string; payload: { summary: string; details: Record<string, unknown> } }[]>;
    const briefOutage = async (ref: Awaited<ReturnType<typeof host>>, act: (incidentId: string) => Promise<void>) => {
      const opened = (await incidents.open(ref, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: false }))!;
      await api.app.get(AlertsService).incidentOpened(opened, ref.name);
      await act(opened.id);
      // Back before the grouping window let its first message out: the queued trigger is withdrawn.
      // (12 s after it opened, whatever the runbook took: "down for 12 s" read 13 on a loaded machine.)
      await incidents.resolve(ref, new Date(opened.openedAt.getTime() + 12_000), 'back');
      await eventually('the queued trigger withdrawn', async () => {
        const rows: { status: string }[] = await db.query("SELECT status FROM notifications WHERE incident_id = $1 AND kind = 'trigger' AND channel_id IS NOT NULL", [opened.id]);
        return rows.length > 0 && rows.every((r) => r.status === 'cancelled');
      }, { timeoutMs: 15_000 });
      return opened.id;
    };

    // Nothing acted: a 12-second blip nobody heard of stays unsaid (grouping is there to keep it quiet).
    const quiet = await briefOutage(await host('app5', '127.0.0.15'), async () => undefined);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await resolves(quiet)).toEqual([]);

    // A runbook moved something: the people on call hear that it happened, what ran, and for how long it was down.
    let runId = '';
    const moved = await briefOutage(await host('app4', '127.0.0.14'), async (incidentId) => {
      const outcome = await runs.start({ tenantId, runbookId: await runbook(`name: brief-move
steps:
  - { name: move vip, type: http.request, with: { url: "${base}/switch/app4" } }
`), params: {}, trigger: 'incident', actor: 'test', incidentId });
      if (!('run' in outcome)) throw new Error(outcome.refused);
      runId = outcome.run.id;
      await until(runId, ['succeeded']);
    });
    const [told] = await eventually('the recovery told', async () => (await resolves(moved)).length > 0 && resolves(moved), { timeoutMs: 15_000 });
    expect(told!.payload.summary).toBe('app4 was down for 12 s and recovered before its alert went out; a runbook acted on it (app4 tcp)');
    expect(told!.payload.details.runbook).toBe(`brief-move (run ${runId}, incident) succeeded`);
    const sent = await eventually('the recovery sent', async () => {
      await api.app.get(DeliveryWorker).runOnce();
      return server.hits.find((h) => h.path === '/hook' && h.body.includes(moved) && h.body.includes('"event":"resolve"'));
    }, { timeoutMs: 15_000 });
    expect(JSON.parse(sent.body).summary).toContain('a runbook acted on it');
  });
});
