import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { type RunningProcess, startProcess } from './support/process-harness.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { waitUntil } from './support/eventually.js';

/**
 * The watchdog dies (SIGKILL, armed failpoint) the instant an incident commits — before any page or failover. After a
 * restart the incident's outbox carries both through: the page is delivered exactly once, the failover run starts
 * exactly once.
 */
describe('a watchdog killed right after an incident commits', () => {
  let api: TestApi;
  // The pager's webhook and the failover's target record every request; the monitored app answers 503 (down).
  const receiver = new RecordingServer();
  const target = new RecordingServer(() => ({ status: 503, body: 'down' }));
  const watchdogs: RunningProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    await receiver.start();
    // The service being watched: it fails from the start.
    const targetPort = (await target.start()).port;
    api = await startTestApi();
    const { token } = await api.tenant('crash');
    const gql = <T,>(query: string, variables?: Record<string, unknown>): Promise<T> => api.ok<T>(query, variables, token);
    await gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', {
      i: { name: 'noc hook', type: 'webhook', config: { url: `${receiver.url}/page` }, secret: 'crash-test-secret-0123456789' },
    });
    const app1 = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "app1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
    const app2 = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "app2", addresses: ["127.0.0.2"]}) { id } }')).createHost.id;
    await gql(`mutation { createMonitor(input: {name: "app1 http", type: http, hostId: "${app1}", config: {url: "http://127.0.0.1:${targetPort}/"}, intervalMs: 1000, timeoutMs: 500}) { id } }`);
    const book = (
      await gql<{ createRunbook: { id: string } }>('mutation($i: RunbookSourceInput!) { createRunbook(input: $i) { id } }', {
        i: { source: `name: app-failover\nparams: { from: { type: host, required: false }, to: { type: host } }\nsteps:\n  - { name: switch, type: http.request, with: { url: "${receiver.url}/failover/{{ params.to.name }}" } }\n` },
      })
    ).createRunbook.id;
    await gql(`mutation { createResource(input: {name: "app", kind: dns_record, config: {server: "127.0.0.53", zone: "app.test", name: "www"}, members: [{hostId: "${app1}"}, {hostId: "${app2}"}], runbookId: "${book}"}) { id } }`);
    env = { DATABASE_URL: api.db.url, VIGIA_WATCHDOG_HEARTBEAT_SECONDS: '1', VIGIA_ALERT_GROUP_SECONDS: '0', LOG_LEVEL: 'warn' };
  }, 60_000);

  afterAll(async () => {
    for (const w of watchdogs) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await target.stop();
    await receiver.stop();
    await api?.close();
  });

  const count = (prefix: string) => receiver.hits.filter((h) => h.path.startsWith(prefix)).length;

  it('delivers the page once and starts the failover once, after a restart', { timeout: 120_000 }, async () => {
    const doomed = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()), VIGIA_FAILPOINTS: 'after-incident-commit' });
    watchdogs.push(doomed);
    await doomed.waitFor(/watchdog \S+ running/);
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => doomed.child.on('exit', (_code, signal) => resolve(signal)));
    expect(exit).toBe('SIGKILL');

    const db = api.app.get(DataSource);
    const [incident] = await db.query("SELECT id, status FROM incidents WHERE status = 'open'");
    expect(incident, 'the incident committed before the crash').toBeDefined();
    // Nothing acted on it: no page queued, no run, and the outbox holds it for both consumers.
    expect((await db.query('SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1', [incident.id]))[0].n).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM runbook_runs WHERE incident_id = $1', [incident.id]))[0].n).toBe(0);
    // (The status pages' row may already be handled by the API process, which runs that consumer.)
    const pending = await db.query("SELECT consumer FROM incident_outbox WHERE incident_id = $1 AND handled_at IS NULL AND consumer <> 'status-pages' ORDER BY consumer", [incident.id]);
    expect(pending.map((r: { consumer: string }) => r.consumer)).toEqual(['alerts', 'runbooks']);
    expect(receiver.hits).toHaveLength(0);

    const survivor = startProcess('apps/watchdog/src/main.js', { ...env, PORT: String(await freePort()) });
    watchdogs.push(survivor);
    await survivor.waitFor(/watchdog \S+ running/);
    await waitUntil('the page and the failover after the restart', () => count('/page') > 0 && count('/failover') > 0, { timeoutMs: 30_000, everyMs: 200 });
    // Handled late, never lost — and then never again.
    await new Promise((r) => setTimeout(r, 4000));
    expect(count('/page'), survivor.output()).toBe(1);
    expect(JSON.parse(receiver.hits.find((h) => h.path === '/page')!.body)).toMatchObject({ event: 'trigger' });
    expect(count('/failover/app2')).toBe(1);
    expect((await db.query("SELECT count(*)::int AS n FROM runbook_runs WHERE incident_id = $1 AND trigger = 'incident'", [incident.id]))[0].n).toBe(1);
    expect((await db.query('SELECT count(*)::int AS n FROM incident_outbox WHERE incident_id = $1 AND handled_at IS NULL', [incident.id]))[0].n).toBe(0);
  });
});
