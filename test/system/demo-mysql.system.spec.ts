import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoService } from '#lib/demo';
import { EgressPolicy } from '#lib/egress';
import { eventually } from '../support/eventually.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { MariaDbInstance, mariadbAvailable } from './support/mariadb.js';

async function sql(url: string, text: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

// A password a URL must escape: the setting's percent-decoding is part of what is tested.
const PASSWORD = 'demo p@ss/word:1';
const MONITORS = 'query { monitors { nodes { id name type config state { health reason } } } }';
type Monitors = { monitors: { nodes: { id: string; name: string; type: string; config: Record<string, unknown>; state: { health: string; reason: string } | null }[] } };
const DEMO = 'query { demoCompany { mysqlTarget monitorIds servers { name } } }';
type Demo = { demoCompany: { mysqlTarget: string | null; monitorIds: string[]; servers: { name: string }[] } | null };

/**
 * The live demo with VIGIA_DEMO_MYSQL_URL pointing at a real MariaDB (a private mariadbd of this test: own data
 * folder, own loopback port, never the machine's service): its `db mysql` monitor goes up through the API, down with
 * an incident when that mariadbd stops; removing the demo removes its rows and leaves the MariaDB as it was.
 */
describe.skipIf(!mariadbAvailable)('the live demo watching the machine\'s MariaDB (VIGIA_DEMO_MYSQL_URL)', () => {
  let db: MariaDbInstance;
  let api: TestApi;
  let owner: { tenantId: string; token: string };
  let before: { gtid: string; orders: number };
  const mysqlMonitor = async () => (await api.ok<Monitors>(MONITORS, {}, owner.token)).monitors.nodes.find((m) => m.name === 'db mysql');
  /** What Vigia must never change: the binlog position (nothing written) and the test's own rows. */
  const fingerprint = async () => {
    const [status] = (await db.sql('SELECT @@global.gtid_binlog_pos AS gtid, (SELECT count(*) FROM shop.orders) AS orders')) as { gtid: string; orders: number }[];
    return { gtid: status!.gtid, orders: Number(status!.orders) };
  };

  beforeAll(async () => {
    db = await MariaDbInstance.start(41);
    await db.sql(`
      CREATE DATABASE shop; CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, note TEXT);
      INSERT INTO shop.orders (note) VALUES ('first'), ('second');
      CREATE USER 'vigia_demo'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
      GRANT SELECT ON shop.* TO 'vigia_demo'@'127.0.0.1'; GRANT SLAVE MONITOR ON *.* TO 'vigia_demo'@'127.0.0.1';`);
    before = await fingerprint();
    // No VIGIA_EGRESS_ALLOW: loopback is refused as in production; the demo reaches this MariaDB only by its exact exception.
    api = await startTestApi({
      VIGIA_ROLES: 'api,watchdog',
      VIGIA_EGRESS_ALLOW: '',
      VIGIA_ALERT_GROUP_SECONDS: '1',
      VIGIA_DEMO_MYSQL_URL: `mysql://vigia_demo:${encodeURIComponent(PASSWORD)}@127.0.0.1:${db.port}/shop`,
    });
    owner = await api.tenant('demo-db');
    const owners = (await sql(api.db.url, 'SELECT id FROM users WHERE tenant_id = $1', [owner.tenantId])) as { id: string }[];
    await api.app.get(DemoService).install(owner.tenantId, owners[0]!.id, api.url);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.destroy();
  });

  it('adds a db host, the shop database service of every demo customer and a mysql monitor whose password is sealed', async () => {
    const monitor = (await mysqlMonitor())!;
    expect(monitor).toMatchObject({ type: 'mysql', config: { port: db.port, user: 'vigia_demo', password: '<sealed>', database: 'shop' } });
    const demo = (await api.ok<Demo>(DEMO, {}, owner.token)).demoCompany!;
    expect(demo.mysqlTarget).toBe(`127.0.0.1:${db.port}`);
    expect(demo.monitorIds).toContain(monitor.id);
    // Not one of Vigia's servers: no stop/start for it, and a clear word why.
    expect(demo.servers.map((s) => s.name)).not.toContain('db');
    const refused = await api.fails('mutation { stopDemoServer(name: "db") { mysqlTarget } }', {}, owner.token, { code: 'VALIDATION_FAILED' });
    expect(refused.message).toMatch(/never stops or starts it/);
    // The password is nowhere in plain text: not in the monitor's row, not in what the demo remembers.
    const [row] = await sql(api.db.url, 'SELECT config::text AS config, secrets_sealed FROM monitors WHERE id = $1', [monitor.id]);
    expect(row!.config).not.toContain(PASSWORD);
    expect(row!.secrets_sealed).toEqual(expect.any(String));
    expect(row!.secrets_sealed).not.toContain(PASSWORD);
    const [demoRow] = await sql(api.db.url, 'SELECT objects::text AS objects, servers::text AS servers FROM demo_installations WHERE tenant_id = $1', [owner.tenantId]);
    expect(`${String(demoRow!.objects)}${String(demoRow!.servers)}`).not.toContain('p@ss');
    const customers = await sql(api.db.url,
      `SELECT count(*)::int AS n FROM service_customers sc JOIN services s ON s.id = sc.service_id WHERE s.tenant_id = $1 AND s.name = 'shop database' AND s.type = 'mysql' AND sc.ends_at IS NULL`,
      [owner.tenantId]);
    expect(customers[0]!.n).toBe(3);
  });

  it('passes the egress policy through its exact exception only', () => {
    const policy = api.app.get(EgressPolicy);
    const mine = { tenantId: owner.tenantId, vantage: 'platform' as const };
    expect(policy.judge('127.0.0.1', mine, db.port).allowed).toBe(true);
    expect(policy.judge('127.0.0.1', mine, 3306 === db.port ? 3307 : 3306).allowed).toBe(false);
    expect(policy.judge('127.0.0.1', { tenantId: 'another-tenant', vantage: 'platform' }, db.port).allowed).toBe(false);
  });

  it('has a month of history on it that the customers\' reports count', async () => {
    const monitor = (await mysqlMonitor())!;
    const customerId = ((await sql(api.db.url, `SELECT id FROM customers WHERE tenant_id = $1 AND name LIKE 'Panadería%'`, [owner.tenantId]))[0]!.id) as string;
    const now = new Date();
    const { availabilityReport } = await api.ok<{ availabilityReport: { totals: { failures: number }; incidents: { monitorId: string; openReason: string }[] } }>(
      'query($i: AvailabilityReportInput!) { availabilityReport(input: $i) { totals { failures } incidents { monitorId openReason } } }',
      { i: { subject: { kind: 'customer', id: customerId }, from: new Date(now.getTime() - 31 * 86_400_000).toISOString(), to: now.toISOString() } },
      owner.token,
    );
    const dbOutages = availabilityReport.incidents.filter((i) => i.monitorId === monitor.id);
    expect(dbOutages).toHaveLength(1);
    expect(dbOutages[0]!.openReason).toMatch(/^\[demo history\] Too many connections/);
  });

  it('goes up through the API: a real login and query on the MariaDB', async () => {
    let last: unknown;
    const state = await eventually('db mysql up', async () => {
      const m = await mysqlMonitor();
      last = m?.state;
      return m?.state?.health === 'up' ? m.state : undefined;
    }, { timeoutMs: 30_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}; its state: ${JSON.stringify(last)}`);
    });
    expect(state.reason).toMatch(new RegExp(`^MySQL 127\\.0\\.0\\.1:${db.port} answered in `));
  }, 40_000);

  it('stop the mariadbd: down, with an incident; start it: up again, the incident resolved', async () => {
    const monitor = (await mysqlMonitor())!;
    await db.stop();
    const down = await eventually('db mysql down', async () => {
      const m = await mysqlMonitor();
      return m?.state?.health === 'down' ? m.state : undefined;
    }, { timeoutMs: 40_000 });
    expect(down.reason).toMatch(/ECONNREFUSED|refused/i);
    expect(down.reason).not.toMatch(/egress/);
    await eventually('an open incident on db mysql', async () =>
      (await api.ok<{ incidents: { nodes: { status: string }[] } }>(`query { incidents(filter: {monitorId: "${monitor.id}", status: open}) { nodes { status } } }`, {}, owner.token)).incidents.nodes.length === 1, { timeoutMs: 20_000 });
    await eventually('the alert e-mail in the mail catcher', async () =>
      (await api.ok<{ caughtMails: { subject: string }[] }>('query { caughtMails { subject } }', {}, owner.token)).caughtMails.some((m) => /\bdb\b/.test(m.subject)), { timeoutMs: 20_000 });
    await db.launch();
    await eventually('the incident resolved', async () =>
      (await api.ok<{ incidents: { nodes: { status: string }[] } }>(`query { incidents(filter: {monitorId: "${monitor.id}", status: open}) { nodes { status } } }`, {}, owner.token)).incidents.nodes.length === 0, { timeoutMs: 40_000 });
    expect((await mysqlMonitor())!.state!.health).toBe('up');
  }, 130_000);

  it('after a restart without the setting it still watches the server it was installed with (the exception comes back with the demo)', async () => {
    await api.close({ keepDatabase: true });
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_EGRESS_ALLOW: '', VIGIA_ALERT_GROUP_SECONDS: '1' }, api.db);
    expect(api.app.get(EgressPolicy).judge('127.0.0.1', { tenantId: owner.tenantId, vantage: 'platform' }, db.port).allowed).toBe(true);
    expect((await api.ok<Demo>(DEMO, {}, owner.token)).demoCompany!.mysqlTarget).toBe(`127.0.0.1:${db.port}`);
    const monitor = (await mysqlMonitor())!;
    // A probe run after the restart (not the state carried over): the unsealed password still logs in.
    const restarted = new Date();
    const fresh = await eventually('a fresh probe result of db mysql', async () => {
      const { monitor: m } = await api.ok<{ monitor: { state: { health: string; lastResultAt: string | null; lastStatus: string | null; lastReason: string | null } | null } }>(
        `query { monitor(id: "${monitor.id}") { state { health lastResultAt lastStatus lastReason } } }`, {}, owner.token);
      return m.state?.lastResultAt && new Date(m.state.lastResultAt) > restarted ? m.state : undefined;
    }, { timeoutMs: 30_000 });
    expect(fresh).toMatchObject({ health: 'up', lastStatus: 'up' });
    expect(fresh.lastReason).toMatch(/^MySQL 127\.0\.0\.1:\d+ answered in /);
  }, 90_000);

  it('remove the demo: its MySQL rows and exception gone, the MariaDB untouched (running, same data, nothing written)', async () => {
    expect(await api.ok('mutation { removeDemo }', {}, owner.token)).toEqual({ removeDemo: true });
    const [left] = await sql(api.db.url,
      `SELECT (SELECT count(*) FROM hosts WHERE tenant_id = $1)::int AS hosts, (SELECT count(*) FROM monitors WHERE tenant_id = $1)::int AS monitors,
              (SELECT count(*) FROM services WHERE tenant_id = $1)::int AS services, (SELECT count(*) FROM customers WHERE tenant_id = $1)::int AS customers,
              (SELECT count(*) FROM incidents WHERE tenant_id = $1)::int AS incidents, (SELECT count(*) FROM monitor_state_changes WHERE tenant_id = $1)::int AS changes,
              (SELECT count(*) FROM demo_installations WHERE tenant_id = $1)::int AS demo`,
      [owner.tenantId]);
    expect(left).toEqual({ hosts: 0, monitors: 0, services: 0, customers: 0, incidents: 0, changes: 0, demo: 0 });
    expect(api.app.get(EgressPolicy).exceptions.list()).toEqual([]);
    expect(api.app.get(EgressPolicy).judge('127.0.0.1', { tenantId: owner.tenantId, vantage: 'platform' }, db.port).allowed).toBe(false);
    // The MariaDB is not the demo's: still running, its user and rows as they were, not one transaction written.
    expect(await fingerprint()).toEqual(before);
    const users = (await db.sql(`SELECT user FROM mysql.user WHERE user = 'vigia_demo'`)) as unknown[];
    expect(users).toHaveLength(1);
  }, 60_000);
});
