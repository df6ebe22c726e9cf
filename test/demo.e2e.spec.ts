import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoService } from '#lib/demo';
import { EgressPolicy } from '#lib/egress';
import { eventually } from './support/eventually.js';
import { ROOT } from './support/process-harness.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/** Refused or accepted: whether anything listens on 127.0.0.1:port now. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function sql(url: string, text: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

const DEMO = 'query { demoCompany { frontUpstream resourceId monitorIds servers { name port running url } } }';
type Demo = { demoCompany: { frontUpstream: string; resourceId: string; monitorIds: string[]; servers: { name: string; port: number; running: boolean; url: string | null }[] } | null };

describe('the live demo company', () => {
  let api: TestApi;
  let owner: { tenantId: string; token: string };
  let demo: NonNullable<Demo['demoCompany']>;
  const port = (name: string) => demo.servers.find((s) => s.name === name)!.port;
  const monitorId = async (name: string) =>
    (await api.ok<{ monitors: { nodes: { id: string; name: string }[] } }>('query { monitors { nodes { id name } } }', {}, owner.token)).monitors.nodes.find((m) => m.name === name)!.id;
  const front = async () => (await fetch(`http://127.0.0.1:${port('front')}/`)).text();

  beforeAll(async () => {
    // No VIGIA_EGRESS_ALLOW: loopback is refused as in production, so the demo works only through its exact exception.
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_EGRESS_ALLOW: '', VIGIA_ALERT_GROUP_SECONDS: '1' });
    owner = await api.tenant('demo-co');
    const service = api.app.get(DemoService);
    const owners = (await sql(api.db.url, `SELECT id FROM users WHERE tenant_id = $1`, [owner.tenantId])) as { id: string }[];
    const { incidents } = await service.install(owner.tenantId, owners[0]!.id, api.url);
    expect(incidents).toBeGreaterThan(3);
    demo = (await api.ok<Demo>(DEMO, {}, owner.token)).demoCompany!;
  }, 60_000);
  afterAll(() => api?.close());

  it('is not in a tenant that did not ask for it (startTestApi installs none)', async () => {
    const other = await api.tenant('plain');
    expect((await api.ok<Demo>(DEMO, {}, other.token)).demoCompany).toBeNull();
    expect((await api.ok<{ hosts: { totalCount: number } }>('query { hosts { totalCount } }', {}, other.token)).hosts.totalCount).toBe(0);
  });

  it('grants exactly its own endpoints to its own tenant, nothing else of loopback', async () => {
    const policy = api.app.get(EgressPolicy);
    const mine = { tenantId: owner.tenantId, vantage: 'platform' as const };
    expect(policy.judge('127.0.0.1', mine, port('web-a')).allowed).toBe(true);
    expect(policy.judge('127.0.0.1', mine, 5432).allowed).toBe(false);
    expect(policy.judge('127.0.0.1', mine).allowed).toBe(false);
    expect(policy.judge('127.0.0.2', mine, port('web-a')).allowed).toBe(false);
    expect(policy.judge('127.0.0.1', { tenantId: 'someone-else', vantage: 'platform' }, port('web-a')).allowed).toBe(false);
    // A monitor of the demo tenant aimed at another local port is refused at save.
    const hostId = ((await api.ok<{ hosts: { nodes: { id: string; name: string }[] } }>('query { hosts { nodes { id name } } }', {}, owner.token)).hosts.nodes.find((h) => h.name === 'web-a'))!.id;
    await api.fails('mutation($i: CreateMonitorInput!) { createMonitor(input: $i) { id } }', { i: { name: 'sneaky', type: 'http', hostId, config: { url: `http://127.0.0.1:${api.url.split(':').pop()}/metrics` }, intervalMs: 60000, timeoutMs: 1000 } }, owner.token, { code: 'VALIDATION_FAILED' });
  });

  it('has its monitors up through the API within 30 s, a month of history and customers with SLA targets', async () => {
    await eventually('every demo monitor up', async () => {
      const { monitors } = await api.ok<{ monitors: { nodes: { name: string; state: { health: string } | null }[] } }>('query { monitors { nodes { name state { health } } } }', {}, owner.token);
      return monitors.nodes.length === 7 && monitors.nodes.every((m) => m.state?.health === 'up');
    }, { timeoutMs: 30_000 }).catch(async () => {
      const states = await sql(api.db.url, `SELECT m.name, s.health, s.reason FROM monitors m LEFT JOIN monitor_states s ON s.monitor_id = m.id WHERE m.tenant_id = $1`, [owner.tenantId]);
      throw new Error(`demo monitors not up: ${JSON.stringify(states)}`);
    });
    const past = await sql(api.db.url, `SELECT count(*)::int AS n FROM incidents WHERE tenant_id = $1 AND open_reason LIKE '[demo history]%' AND opened_at < now() - interval '1 day'`, [owner.tenantId]);
    expect(past[0]!.n).toBeGreaterThan(3);
    const customers = await sql(api.db.url, `SELECT c.name, t.target_percent FROM customers c JOIN sla_targets t ON t.customer_id = c.id WHERE c.tenant_id = $1`, [owner.tenantId]);
    expect(customers).toHaveLength(3);
    expect(await front()).toContain('web-a');
  });

  it('stop web-a: incident, e-mail in the mail catcher, runbook run succeeded, failover unit switched, the front serves web-b', async () => {
    const started = Date.now();
    const stopped = await api.ok<{ stopDemoServer: { servers: { name: string; running: boolean }[] } }>('mutation { stopDemoServer(name: "web-a") { servers { name running } } }', {}, owner.token);
    expect(stopped.stopDemoServer.servers.find((s) => s.name === 'web-a')!.running).toBe(false);
    expect(await listening(port('web-a'))).toBe(false);
    const webA = await monitorId('web-a http');
    await eventually('an incident on web-a', async () => (await api.ok<{ incidents: { nodes: { status: string }[] } }>(`query { incidents(filter: {monitorId: "${webA}", status: open}) { nodes { status } } }`, {}, owner.token)).incidents.nodes.length > 0, { timeoutMs: 20_000 });
    const hosts = (await api.ok<{ hosts: { nodes: { id: string; name: string }[] } }>('query { hosts { nodes { id name } } }', {}, owner.token)).hosts.nodes;
    const webB = hosts.find((h) => h.name === 'web-b')!.id;
    await eventually('the failover unit on web-b', async () => (await api.ok<{ resource: { primaryHostId: string } }>(`query { resource(id: "${demo.resourceId}") { primaryHostId } }`, {}, owner.token)).resource.primaryHostId === webB, { timeoutMs: 20_000 }).catch(async (error: unknown) => {
      const state = await api.ok(`query { resource(id: "${demo.resourceId}") { primaryHostId decision decisionKind } runs { nodes { status statusReason trigger steps { name status error actions { command ok note } } } } }`, {}, owner.token);
      throw new Error(`${String(error)}: ${JSON.stringify(state)}`);
    });
    await eventually('the failover run succeeded', async () =>
      (await api.ok<{ runs: { nodes: { status: string }[] } }>(`query { runs(filter: {resourceId: "${demo.resourceId}"}) { nodes { status } } }`, {}, owner.token)).runs.nodes[0]?.status === 'succeeded', { timeoutMs: 15_000 });
    expect(await front()).toContain('web-b');
    expect((await api.ok<Demo>(DEMO, {}, owner.token)).demoCompany!.frontUpstream).toBe('web-b');
    const mail = await eventually('the alert e-mail in the mail catcher', async () => {
      const { caughtMails } = await api.ok<{ caughtMails: { to: string; subject: string; text: string }[] }>('query { caughtMails { to subject text } }', {}, owner.token);
      return caughtMails.find((m) => m.subject.includes('web-a'));
    }, { timeoutMs: 20_000 });
    expect(mail.to).toBe('oncall@demo-hosting.example');
    console.log(`demo failover: web-a stopped → unit on web-b, e-mail caught in ${Date.now() - started} ms`);
  }, 60_000);

  it('start web-a again: recovery and failback', async () => {
    await api.ok('mutation { startDemoServer(name: "web-a") { frontUpstream } }', {}, owner.token);
    const webA = await monitorId('web-a http');
    await eventually('web-a incident resolved', async () => (await api.ok<{ incidents: { nodes: { status: string; resolvedAt: string | null }[] } }>(`query { incidents(filter: {monitorId: "${webA}"}) { nodes { status resolvedAt } } }`, {}, owner.token)).incidents.nodes.every((i) => i.status === 'resolved'), { timeoutMs: 20_000 });
    await eventually('failback to web-a (hold 10 s)', async () => (await front()).includes('web-a'), { timeoutMs: 40_000 });
    const { caughtMails } = await api.ok<{ caughtMails: { subject: string }[] }>('query { caughtMails { subject } }', {}, owner.token);
    expect(caughtMails.some((m) => m.subject.startsWith('[RESOLVED]'))).toBe(true);
  }, 70_000);

  it('stop imap: mail is still accepted but never arrives — the round trip goes down, SMTP stays up; start it: up again', async () => {
    const health = async (name: string) =>
      (await api.ok<{ monitors: { nodes: { name: string; state: { health: string; reason: string } | null }[] } }>('query { monitors { nodes { name state { health reason } } } }', {}, owner.token)).monitors.nodes.find((m) => m.name === name)!.state;
    await api.ok('mutation { stopDemoServer(name: "imap") { frontUpstream } }', {}, owner.token);
    const down = await eventually('the mail round trip down', async () => {
      const state = await health('mail round trip');
      return state?.health === 'down' ? state : undefined;
    }, { timeoutMs: 60_000 });
    expect(down.reason).toMatch(/IMAP|did not arrive/);
    expect((await health('mail smtp'))!.health).toBe('up');
    await api.ok('mutation { startDemoServer(name: "imap") { frontUpstream } }', {}, owner.token);
    const up = await eventually('the mail round trip up again', async () => {
      const state = await health('mail round trip');
      return state?.health === 'up' ? state : undefined;
    }, { timeoutMs: 60_000 });
    expect(up.reason).toContain('arrived in');
    expect((await health('dns web-a'))!.health).toBe('up');
  }, 130_000);

  it('remove the demo: servers stopped (ports refuse), rows gone, the tenant stays', async () => {
    const ports = demo.servers.map((s) => s.port);
    // As an operator would: `vigia demo remove` (the compiled CLI, the API by VIGIA_URL/VIGIA_TOKEN); without a terminal it needs --yes.
    const cli = (args: string[]) => new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [`${ROOT}dist/apps/cli/src/main.js`, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', VIGIA_URL: api.url, VIGIA_TOKEN: owner.token }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}` }));
    });
    const asked = await cli(['demo', 'remove']);
    expect(asked).toMatchObject({ code: 6, out: expect.stringContaining('needs --yes') });
    expect(await cli(['demo', 'remove', '--yes'])).toEqual({ code: 0, out: 'demo removed\n' });
    for (const p of ports) expect(await listening(p)).toBe(false);
    const left = await sql(api.db.url, 
      `SELECT (SELECT count(*) FROM hosts WHERE tenant_id = $1)::int AS hosts, (SELECT count(*) FROM monitors WHERE tenant_id = $1)::int AS monitors,
              (SELECT count(*) FROM services WHERE tenant_id = $1)::int AS services, (SELECT count(*) FROM customers WHERE tenant_id = $1)::int AS customers,
              (SELECT count(*) FROM incidents WHERE tenant_id = $1)::int AS incidents, (SELECT count(*) FROM monitor_state_changes WHERE tenant_id = $1)::int AS changes,
              (SELECT count(*) FROM resources WHERE tenant_id = $1)::int AS resources, (SELECT count(*) FROM runbooks WHERE tenant_id = $1)::int AS runbooks,
              (SELECT count(*) FROM runbook_runs WHERE tenant_id = $1)::int AS runs, (SELECT count(*) FROM alert_channels WHERE tenant_id = $1)::int AS channels,
              (SELECT count(*) FROM escalation_policies WHERE tenant_id = $1)::int AS policies, (SELECT count(*) FROM sla_targets WHERE tenant_id = $1)::int AS targets,
              (SELECT count(*) FROM caught_mails WHERE tenant_id = $1)::int AS mails, (SELECT count(*) FROM demo_installations WHERE tenant_id = $1)::int AS demo,
              (SELECT count(*) FROM tenant_mail_transports WHERE tenant_id = $1)::int AS transports, (SELECT count(*) FROM tenants WHERE id = $1)::int AS tenant`,
      [owner.tenantId],
    );
    expect(left[0]).toEqual({ hosts: 0, monitors: 0, services: 0, customers: 0, incidents: 0, changes: 0, resources: 0, runbooks: 0, runs: 0, channels: 0, policies: 0, targets: 0, mails: 0, demo: 0, transports: 0, tenant: 1 });
    expect(api.app.get(EgressPolicy).exceptions.list()).toEqual([]);
    expect((await api.ok<Demo>(DEMO, {}, owner.token)).demoCompany).toBeNull();
  }, 60_000);
});
