/**
 * npm run bench:reports — one tenant with 9,000 customers, 20,000 monitors (one per service, 2,000 hosts) and a year
 * of incidents (one failure a month per monitor, 1–60 min each, with their state changes), in a throwaway embedded
 * PostgreSQL. Prints: one customer's yearly report (target < 50 ms), all customers' monthly figures (target < 10 s),
 * and whether the plans of the report queries use indexes.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import pg from 'pg';
import { ClockModule } from '#lib/common';
import { loadVigiaConfig, VigiaConfigModule } from '#lib/config';
import { MailModule } from '#lib/mail';
import { ObservabilityModule } from '#lib/observability';
import { PersistenceModule, runPendingMigrations, startEmbeddedPostgres } from '#lib/persistence';
import { ReportsModule, ReportsService } from '#lib/reports';
import { SecretsModule } from '#lib/secrets';
import { Role } from '#lib/tenancy';

const CUSTOMERS = 9000;
const MONITORS = 20_000;
const HOSTS = 2000;
const YEAR = { start: Date.UTC(2025, 0, 1), end: Date.UTC(2026, 0, 1) };
const MONTH = { start: Date.UTC(2025, 5, 1), end: Date.UTC(2025, 6, 1) };

async function seed(url: string): Promise<{ tenantId: string; customerId: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = performance.now();
  const [{ id: tenantId }] = (await c.query("INSERT INTO tenants (slug, name) VALUES ('bench', 'Bench hosting') RETURNING id")).rows;
  await c.query(`INSERT INTO hosts (tenant_id, name, addresses) SELECT $1, 'web' || i, ARRAY['192.0.2.' || (i % 250 + 1)] FROM generate_series(1, $2) i`, [tenantId, HOSTS]);
  await c.query(`INSERT INTO customers (tenant_id, name, email) SELECT $1, 'customer ' || i, 'c' || i || '@example.test' FROM generate_series(1, $2) i`, [tenantId, CUSTOMERS]);
  await c.query(
    `INSERT INTO services (tenant_id, name, type, host_id)
     SELECT $1, 'site ' || i, 'web', h.id FROM generate_series(1, $2) i JOIN (SELECT id, row_number() OVER () AS n FROM hosts) h ON h.n = 1 + i % $3`,
    [tenantId, MONITORS, HOSTS],
  );
  await c.query(
    `INSERT INTO monitors (tenant_id, name, type, host_id, service_id, config, interval_ms, timeout_ms, created_at)
     SELECT $1, 'http ' || s.name, 'http', s.host_id, s.id, '{"url":"http://192.0.2.1/"}', 60000, 10000, '2024-06-01' FROM services s`,
    [tenantId],
  );
  // Every service serves one customer; every third also a second one: 2–3 services per customer.
  await c.query(
    `WITH s AS (SELECT id, row_number() OVER () AS n FROM services), cu AS (SELECT id, row_number() OVER () AS n FROM customers)
     INSERT INTO service_customers (tenant_id, service_id, customer_id, starts_at)
     SELECT $2::uuid, id, customer_id, '2024-06-01' FROM (
       SELECT s.id, cu.id AS customer_id FROM s JOIN cu ON cu.n = 1 + s.n % $1
       UNION SELECT s.id, cu.id FROM s JOIN cu ON cu.n = 1 + (s.n * 7) % $1 WHERE s.n % 3 = 0) links`,
    [CUSTOMERS, tenantId],
  );
  await c.query(
    `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason)
     SELECT $1, m.id, m.host_id, m.service_id, 'resolved', o.at, o.at + (1 + floor(random() * 60)) * interval '1 minute', 'bench'
       FROM monitors m CROSS JOIN generate_series(0, 11) k
       CROSS JOIN LATERAL (SELECT make_timestamptz(2025, k + 1, 1 + floor(random() * 27)::int, floor(random() * 24)::int, 0, 0, 'UTC') AS at) o`,
    [tenantId],
  );
  await c.query(
    `INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason)
     SELECT tenant_id, monitor_id, opened_at + interval '2 seconds', opened_at, 'suspect', 'down', false, 'bench' FROM incidents
     UNION ALL
     SELECT tenant_id, monitor_id, resolved_at + interval '1 second', resolved_at, 'down', 'up', false, 'bench' FROM incidents`,
  );
  await c.query('ANALYZE');
  const counts = (await c.query('SELECT (SELECT count(*) FROM incidents) AS incidents, (SELECT count(*) FROM monitor_state_changes) AS changes')).rows[0];
  const [{ id: customerId }] = (await c.query("SELECT id FROM customers WHERE name = 'customer 42'")).rows;
  await c.end();
  console.log(`seeded ${CUSTOMERS} customers, ${MONITORS} monitors, ${counts.incidents} incidents, ${counts.changes} state changes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { tenantId, customerId };
}

async function plans(url: string, tenantId: string, customerId: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const ids = (await c.query('SELECT m.id FROM monitors m JOIN service_customers sc ON sc.service_id = m.service_id WHERE sc.customer_id = $1', [customerId])).rows.map((r) => r.id);
  const queries: [string, string, unknown[]][] = [
    ['incidents of a customer’s monitors', `SELECT monitor_id, opened_at, resolved_at FROM incidents WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND opened_at < $4 AND (resolved_at IS NULL OR resolved_at > $3)`, [tenantId, ids, new Date(YEAR.start), new Date(YEAR.end)]],
    ['state changes before the period', `SELECT c.monitor_id FROM unnest($2::uuid[]) AS m(id) CROSS JOIN LATERAL (SELECT monitor_id FROM monitor_state_changes WHERE monitor_id = m.id AND tenant_id = $1 AND effective_at < $3 ORDER BY effective_at DESC LIMIT 1) c`, [tenantId, ids, new Date(YEAR.start)]],
    ['state changes inside the period', `SELECT monitor_id FROM monitor_state_changes WHERE tenant_id = $1 AND monitor_id = ANY($2::uuid[]) AND effective_at >= $3 AND effective_at < $4`, [tenantId, ids, new Date(YEAR.start), new Date(YEAR.end)]],
  ];
  for (const [name, sql, params] of queries) {
    const plan = (await c.query(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
    const index = /Index (?:Only )?Scan (?:Backward )?using (\S+)|Bitmap Index Scan on (\S+)/.exec(plan);
    console.log(`plan, ${name}: ${index ? `index ${index[1] ?? index[2]}` : 'NO INDEX (sequential scan)'}`);
  }
  await c.end();
}

const folder = await mkdtemp(join(tmpdir(), 'vigia-bench-reports-'));
const db = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: 0 });
try {
  await runPendingMigrations(db.url);
  const { tenantId, customerId } = await seed(db.url);
  await plans(db.url, tenantId, customerId);
  const config = loadVigiaConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', VIGIA_DATA_DIR: folder }, ['api']);
  const app = await NestFactory.createApplicationContext(
    { module: class ReportsBenchModule {}, imports: [VigiaConfigModule.forRoot(config), ClockModule, ObservabilityModule.forRoot('bench'), PersistenceModule.forRoot(), SecretsModule, MailModule, ReportsModule] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  const reports = app.get(ReportsService);
  const principal = { tenantId, role: Role.viewer, kind: 'token' as const };
  const input = { subject: { kind: 'customer', id: customerId }, from: new Date(YEAR.start), to: new Date(YEAR.end), granularity: 'month' } as never;
  const times: number[] = [];
  let last;
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    last = await reports.availabilityReport(principal, input, Date.UTC(2026, 0, 15));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`one customer, one year (12 monthly buckets, ${last!.incidents.length} incidents): median ${times[12]!.toFixed(1)} ms, worst of the last 20 ${Math.max(...times.slice(5)).toFixed(1)} ms, first (cold) ${times.at(-1)!.toFixed(1)} ms; availability ${(last!.totals.availability! * 100).toFixed(4)} %`);
  const t1 = performance.now();
  const all = await reports.allCustomers(tenantId, MONTH, Date.UTC(2026, 0, 15));
  const allMs = performance.now() - t1;
  const mean = [...all.values()].reduce((s, f) => s + (f.availability ?? 0), 0) / all.size;
  console.log(`all customers, one month: ${all.size} customers in ${(allMs / 1000).toFixed(2)} s (mean availability ${(mean * 100).toFixed(4)} %)`);
  await app.close();
} finally {
  await db.stop();
  await rm(folder, { recursive: true, force: true });
}
process.exit(0);
