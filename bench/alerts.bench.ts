/**
 * npm run bench:alerts -- [--incidents 1000] [--hosts 50] [--group 5]
 *
 * 1,000 incidents opened at once across 50 hosts in 5 sites, with an e-mail channel (local smtp-server) and a
 * webhook channel (local HTTP receiver). Prints time from confirmation to delivery (p50/p99) of every incident,
 * messages sent, and whether each incident reached each channel exactly once. Bounded: it stops when all are
 * delivered or after 120 s.
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { AlertsModule, AlertsService, DeliveryWorker } from '#lib/alerts';
import { ClockModule } from '#lib/common';
import { loadVigiaConfig, VigiaConfigModule } from '#lib/config';
import { IncidentsService } from '#lib/incidents';
import { MailModule } from '#lib/mail';
import { ObservabilityModule } from '#lib/observability';
import { freePort, PersistenceModule, runPendingMigrations, startEmbeddedPostgres } from '#lib/persistence';
import { SecretsModule } from '#lib/secrets';

// The stand-in servers listen on loopback: opened as an operator would (VIGIA_EGRESS_ALLOW), the policy stays on.
const BENCH_EGRESS_ALLOW = '127.0.0.0/8';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const INCIDENTS = Number(args.get('incidents') ?? 1000);
const HOSTS = Number(args.get('hosts') ?? 50);
const GROUP_SECONDS = args.get('group') ?? '5';

const received = { mail: new Map<string, number>(), hook: new Map<string, number>(), mails: 0, hooks: 0 };
const firstSeen = new Map<string, number>();
function record(kind: 'mail' | 'hook', keys: string[]): void {
  const now = Date.now();
  for (const k of keys) {
    received[kind].set(k, (received[kind].get(k) ?? 0) + 1);
    if (!firstSeen.has(`${kind}:${k}`)) firstSeen.set(`${kind}:${k}`, now);
  }
}

const smtpPort = await freePort();
const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (s, _x, cb) => {
  let raw = '';
  s.on('data', (c: Buffer) => (raw += c.toString()));
  s.on('end', () => {
    received.mails++;
    record('mail', [...new Set(raw.replace(/=\r?\n/g, '').match(/vigia-incident-[0-9a-f-]{36}/g) ?? [])]);
    cb();
  });
} });
await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
const hook = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.hooks++;
    const b = JSON.parse(body) as { dedup_key: string; details: { outages?: { dedup_key: string }[] } };
    record('hook', b.details.outages ? b.details.outages.map((o) => o.dedup_key) : [b.dedup_key]);
    res.end('ok');
  });
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));

const folder = await mkdtemp(join(tmpdir(), 'vigia-bench-alerts-'));
const db = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: 0 });
try {
  await runPendingMigrations(db.url);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const [{ id: tenantId }] = (await c.query("INSERT INTO tenants (slug, name) VALUES ('bench', 'Bench') RETURNING id")).rows;
  await c.query(`INSERT INTO sites (tenant_id, name) SELECT $1, 'dc' || i FROM generate_series(1, 5) i`, [tenantId]);
  await c.query(`INSERT INTO hosts (tenant_id, name, addresses, site_id) SELECT $1, 'host' || i, ARRAY['192.0.2.' || i], (SELECT id FROM sites ORDER BY name OFFSET i % 5 LIMIT 1) FROM generate_series(1, $2) i`, [tenantId, HOSTS]);
  await c.query(`INSERT INTO services (tenant_id, name, type, host_id) SELECT $1, 'site ' || i, 'web', (SELECT id FROM hosts ORDER BY name OFFSET i % $3 LIMIT 1) FROM generate_series(1, $2) i`, [tenantId, INCIDENTS, HOSTS]);
  await c.query(`INSERT INTO monitors (tenant_id, name, type, host_id, service_id, config, interval_ms, timeout_ms, enabled) SELECT $1, 'http ' || s.name, 'http', s.host_id, s.id, '{"url":"http://192.0.2.1/"}', 60000, 10000, false FROM services s`, [tenantId]);
  const monitors = (await c.query('SELECT m.id, m.host_id, m.service_id, m.name FROM monitors m')).rows as { id: string; host_id: string; service_id: string; name: string }[];
  await c.end();

  const config = loadVigiaConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn', VIGIA_DATA_DIR: folder, VIGIA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIA_ALERT_GROUP_SECONDS: GROUP_SECONDS, VIGIA_EGRESS_ALLOW: BENCH_EGRESS_ALLOW }, ['watchdog']);
  const app = await NestFactory.createApplicationContext(
    { module: class AlertsBenchModule {}, imports: [VigiaConfigModule.forRoot(config), ClockModule, ObservabilityModule.forRoot('bench'), PersistenceModule.forRoot(), SecretsModule, MailModule, AlertsModule] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await app.init();
  const alerts = app.get(AlertsService);
  const principal = { tenantId, role: 'admin', kind: 'token' } as never;
  await alerts.create(principal, { name: 'on-call mail', type: 'email' as never, config: { to: ['oncall@bench.test'] } });
  await alerts.create(principal, { name: 'chat', type: 'webhook' as never, config: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/` }, secret: 'bench-secret-0123456789' });
  const incidents = app.get(IncidentsService);
  const confirmedAt = new Map<string, number>();
  const t0 = Date.now();
  await Promise.all(monitors.map(async (m) => {
    const incident = (await incidents.open({ id: m.id, tenantId, hostId: m.host_id, serviceId: m.service_id, name: m.name }, new Date(), 'HTTP 503', { planned: false, flapping: false, suppressed: false }))!;
    confirmedAt.set(`vigia-incident-${incident.id}`, Date.now());
    await alerts.incidentOpened(incident, m.name);
  }));
  console.log(`${INCIDENTS} incidents opened and queued in ${Date.now() - t0} ms (group window ${GROUP_SECONDS} s)`);
  const worker = app.get(DeliveryWorker);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && (received.mail.size < INCIDENTS || received.hook.size < INCIDENTS)) {
    await worker.runOnce();
    await new Promise((r) => setTimeout(r, 100));
  }
  const latencies = [...firstSeen.entries()].map(([k, t]) => t - confirmedAt.get(k.split(':')[1]!)!).sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const once = (m: Map<string, number>) => m.size === INCIDENTS && [...m.values()].every((n) => n === 1);
  console.table([{
    incidents: INCIDENTS,
    'confirmation → delivery p50 ms': pct(0.5),
    'p99 ms': pct(0.99),
    'e-mails sent': received.mails,
    'webhook calls': received.hooks,
    'each incident in exactly one e-mail': once(received.mail),
    'each incident in exactly one webhook call': once(received.hook),
  }]);
  await app.close();
} finally {
  await db.stop();
  await rm(folder, { recursive: true, force: true });
  smtp.close();
  hook.close();
}
process.exit(0);
