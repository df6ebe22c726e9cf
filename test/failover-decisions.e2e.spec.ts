import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Incident, IncidentsService, type MonitorRef } from '#lib/incidents';
import { startTestApi, type TestApi } from './support/test-api.js';
import { eventually } from './support/eventually.js';
import { RecordingServer } from './support/recording-server.js';

interface ResourceState {
  primaryHostId: string;
  decision: string | null;
  decisionKind: string | null;
  decisionPagedAt: string | null;
  lastRunAt: string | null;
}

/**
 * Failover as a standing decision (issue 22): held by flap damping, released, cooldown, an operator's "act now" —
 * each re-evaluated by the watchdog's sweep until the service is whole, each paged, none swallowed. One API +
 * watchdog process; the failover runbook calls a local HTTP server that records what it received.
 */
describe('failover decisions: delayed, paged, re-evaluated — never swallowed', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  const server = new RecordingServer();
  let base = '';
  let book = '';
  const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
  const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> => eventually(what, probe, { timeoutMs });
  const state = async (id: string) => (await gql<{ resource: ResourceState }>(`{ resource(id: "${id}") { primaryHostId decision decisionKind decisionPagedAt lastRunAt } }`)).resource;
  const pages = async (incidentId: string, kind: string) =>
    (await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1 AND kind = $2', [incidentId, kind]) as { n: number }[])[0]!.n;
  const timeline = async (incidentId: string) => (await gql<{ incident: { timeline: { message: string }[] } }>(`{ incident(id: "${incidentId}") { timeline { message } } }`)).incident.timeline.map((e) => e.message).join('\n');

  /** Two hosts (127.0.0.x, monitors disabled: the test opens incidents itself) and a DNS failover unit over them. */
  const unit = async (name: string, config: Record<string, unknown> = {}, cooldownMinutes = 0) => {
    const ids: Record<string, string> = {};
    for (const [i, member] of ['a', 'b'].entries()) {
      const host = `${name}-${member}`;
      ids[member] = (await gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${host}", addresses: ["127.0.0.${20 + i}"]}) { id } }`)).createHost.id;
      ids[`${member}-mon`] = (await gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "${host} tcp", type: tcp, hostId: "${ids[member]}", config: {port: 9}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`)).createMonitor.id;
    }
    const resource = (await gql<{ createResource: { id: string } }>('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name, kind: 'dns_record', config: { server: '127.0.0.53', zone: `${name}.test`, name: 'www', ...config }, members: [{ hostId: ids.a }, { hostId: ids.b }], runbookId: book, cooldownMinutes },
    })).createResource.id;
    const ref: MonitorRef = { id: ids['a-mon']!, tenantId, hostId: ids.a!, serviceId: null, name: `${name}-a tcp` };
    return { ids, resource, ref };
  };
  /** What the detector does for a flapping monitor going down: the incident opens suppressed and flapping. */
  const down = async (ref: MonitorRef, flapping: boolean): Promise<Incident> =>
    (await api.app.get(IncidentsService).open(ref, new Date(), 'connection refused', { planned: false, flapping, suppressed: flapping }))!;
  const switched = (name: string) => server.count(`GET /switch/${name}-b`);

  beforeAll(async () => {
    base = (await server.start()).url;
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog' });
    const t = await api.tenant('decisions');
    token = t.token;
    tenantId = t.tenantId;
    await gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'hook', type: 'webhook', config: { url: `${base}/hook` }, secret: 'a-signing-secret-of-some-length' } });
    book = (await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
      i: { source: `name: dns-failover\nparams: { from: { type: host, required: false }, to: { type: host } }\nsteps:\n  - { name: switch, type: http.request, with: { url: "${base}/switch/{{ params.to.name }}" } }\n` },
    })).createRunbook.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await server.stop();
  });

  it('a flapping primary: the failover is held and paged at once, then runs once the primary stays down', async () => {
    const { resource, ref } = await unit('flap', { flapStableSeconds: 3 });
    const incident = await down(ref, true);
    const held = await until('the held decision', async () => {
      const s = await state(resource);
      return s.decisionKind === 'held_flapping' && !!s.decisionPagedAt && s;
    }, 5000);
    expect(held.decision).toMatch(/^failover held: the primary is flapping \(1 loss in 10 min\); it runs once the primary has been down steadily for 3 s \(at \d\d:\d\d:\d\d UTC\), or now by an operator/);
    // The held failover is an alert in its own right, although the flapping incident itself pages nobody.
    await until('the page of the held failover', async () => (await pages(incident.id, 'runbook')) === 1, 5000);
    expect(await pages(incident.id, 'trigger')).toBe(0);
    expect(switched('flap')).toBe(0);
    await until('the failover once the primary stayed down', async () => switched('flap') === 1, 8000);
    expect(Date.now() - incident.openedAt.getTime()).toBeGreaterThanOrEqual(3000);
    const after = await until('the decision cleared', async () => {
      const s = await state(resource);
      return !s.decisionKind && s;
    });
    expect(after.decision).toBeNull();
    const lines = await timeline(incident.id);
    expect(lines.match(/failover held/g)).toHaveLength(1); // written once, not every sweep
    expect(lines).toMatch(/dns-failover run .* started for flap \(incident\)/);
    // Re-evaluated every sweep, but acted on once: no second run for the same outage.
    await new Promise((r) => setTimeout(r, 2500));
    expect(switched('flap')).toBe(1);
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'back');
  });

  it('flapping ends while still down: the held incident pages and the failover runs (damping delays, never swallows)', async () => {
    const { resource, ref } = await unit('released', { flapStableSeconds: 3600 });
    const incident = await down(ref, true);
    await until('the held decision', async () => (await state(resource)).decisionKind === 'held_flapping', 5000);
    expect(await pages(incident.id, 'trigger')).toBe(0);
    await api.app.get(IncidentsService).note(ref, new Date(), 'flapping', 'stable again', false);
    await until('the failover after release', async () => switched('released') === 1, 8000);
    await until('the page after release', async () => (await pages(incident.id, 'trigger')) >= 1, 8000);
    expect((await state(resource)).decisionKind).toBeNull();
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'back');
  });

  it('an operator acts now on a held failover: it runs at once, with the operator on the timeline', async () => {
    const { resource, ref } = await unit('actnow', { flapStableSeconds: 3600 });
    const incident = await down(ref, true);
    await until('the held decision', async () => (await state(resource)).decisionKind === 'held_flapping', 5000);
    const refused = await api.gql(`mutation { actNow(id: "${(await unit('nothing-held')).resource}") { id } }`, {}, token);
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/nothing is held on nothing-held/), extensions: { code: 'CONFLICT' } });
    await gql(`mutation { actNow(id: "${resource}") { id } }`);
    await until('the failover after act now', async () => switched('actnow') === 1, 8000);
    expect(await timeline(incident.id)).toMatch(/actnow: act now, by .*\(was: failover held/);
    // The run's line begins with its kind, once: "runbook X run … started for actnow", never "actnow: runbook X …".
    expect(await timeline(incident.id)).toMatch(/^runbook \S+ run [0-9a-f-]{36} started for actnow \(incident\)$/m);
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'back');
  });

  it('a standby nobody can see is never the target: no failover, paged with why; it runs once the standby is seen', async () => {
    const { ids, resource, ref } = await unit('blind');
    // The standby's only vantage is the tenant's own agent, which never connected: its monitor is unknown, not up.
    const office = (await gql<{ createVantage: { vantage: { id: string } } }>('mutation { createVantage(input: {name: "blind-office", kind: private}) { vantage { id } } }')).createVantage.vantage.id;
    await gql(`mutation { setMonitorVantages(monitorId: "${ids['b-mon']}", input: {vantageIds: ["${office}"], quorum: 1}) { quorum } }`);
    await gql(`mutation { updateMonitor(id: "${ids['b-mon']}", input: {enabled: true}) { id } }`);
    const incident = await down(ref, false);
    const held = await until('the no-standby decision', async () => {
      const s = await state(resource);
      return s.decisionKind === 'no_standby' && !!s.decisionPagedAt && s;
    }, 8000);
    // Named as the operator named it, with the vantage that is silent and why: what to fix, without opening the monitor.
    expect(held.decision).toMatch(/^no healthy standby to fail over to: blind-b nobody can see it now \(its monitor "blind-b tcp" is unknown: (no verdict recorded yet: none of its vantages has reported on it|no fresh result from any vantage; blind-office: (no result yet|not voting, impaired \(no heartbeat yet \(its agent has never connected\)\)))\); an operator must act$/);
    await until('the page of the decision', async () => (await pages(incident.id, 'runbook')) === 1, 5000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(switched('blind')).toBe(0);
    // Seen again: its monitor goes back to the tenant's default (the central watchdog) and finds a server answering
    // on the standby's address; once it is up, the standing decision runs the failover — with no doubt to say.
    await gql(`mutation { updateHost(id: "${ids.b}", input: {addresses: ["127.0.0.1"]}) { id } }`);
    await gql(`mutation { updateMonitor(id: "${ids['b-mon']}", input: {intervalMs: 1000, timeoutMs: 500, config: {port: ${new URL(base).port}}}) { id } }`);
    await gql(`mutation { setMonitorVantages(monitorId: "${ids['b-mon']}", input: null) { quorum } }`);
    await until('the failover once the standby is seen up', async () => switched('blind') === 1, 15_000);
    expect((await state(resource)).decisionKind).toBeNull();
    expect(await timeline(incident.id)).not.toContain('no standby is fully healthy');
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'back');
  });

  it("an operator's run does not start the cooldown; an automatic failover refused by cooldown pages, then runs when it ends", async () => {
    const { ids, resource, ref } = await unit('cool', {}, 1);
    const manual = (await gql<{ startRun: { id: string } }>(`mutation { startRun(input: {runbookId: "${book}", resourceId: "${resource}", params: {to: "cool-b"}}) { id } }`)).startRun.id;
    await until('the manual run', async () => (await gql<{ run: { status: string } }>(`{ run(id: "${manual}") { status } }`)).run.status === 'succeeded');
    expect((await state(resource)).lastRunAt).toBeNull();
    // An automatic run ended 57 s ago: the cooldown (1 min) has 3 s left.
    await api.app.get(DataSource).query("UPDATE resources SET last_run_at = now() - interval '57 seconds' WHERE id = $1", [resource]);
    const incident = await down(ref, false);
    const refused = await until('the cooldown decision', async () => {
      const s = await state(resource);
      return s.decisionKind === 'cooldown' && !!s.decisionPagedAt && s;
    }, 5000);
    expect(refused.decision).toMatch(/^failover refused: cooldown: .*it runs when the cooldown ends, or now by an operator/);
    await until('the page of the refusal', async () => (await pages(incident.id, 'runbook')) === 1, 5000);
    const before = switched('cool');
    await until('the failover once the cooldown ended', async () => switched('cool') === before + 1, 10_000);
    expect((await state(resource)).primaryHostId).toBe(ids.a); // http.request does not claim to have moved anything
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'back');
  });
});
