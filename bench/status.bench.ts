/**
 * npm run bench:status -- [--seconds 20] [--connections 50] [--rate 2000] [--monitors 2000] [--interval 10000]
 *
 * A throwaway embedded PostgreSQL; one tenant with 50 services (one HTTP monitor each, 90 days of history with an
 * outage every few days) on a status page of 50 components with 90-day bars, plus `--monitors` more HTTP monitors
 * at `--interval` against a local target so the watchdog has a schedule to keep. Vigia runs as the quick start runs
 * it (API and watchdog in one process, the worst case for the schedule); autocannon, in a second process, loads the
 * page on loopback for `--seconds`, twice: as fast as `--connections` connections go (autocannon: the most the machine gives,
 * the generator itself using about a core of the two), then at a steady `--rate` requests/s evenly spaced
 * (bench/paced-load.process.ts; the issue's "sustains 2,000 requests/s with p99 < 50 ms": latency at that rate, counted
 * from when each request was due, not at saturation, where a closed loop's latency only measures its own queue). Prints,
 * per run, the cold render, requests/s, latency p50/p99, non-2xx answers, and the watchdog's probe-schedule drift
 * p50/p99/max during that load. Every loop is bounded; everything started is stopped.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { loadVigiaConfig } from '#lib/config';
import { WatchdogService } from '#lib/detection';
import { runPendingMigrations, startEmbeddedPostgres } from '#lib/persistence';
import { createVigiaApp } from '#lib/runtime';
import { StatusComponentKind, StatusFastPath, StatusPagesService } from '#lib/status-pages';
import { Role } from '#lib/tenancy';
import { ApiAppModule } from '../apps/api/src/api-app.module.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const seconds = Number(args.get('seconds') ?? 20);
const connections = Number(args.get('connections') ?? 50);
const extraMonitors = Number(args.get('monitors') ?? 2000);
const intervalMs = Number(args.get('interval') ?? 10_000);
const rate = Number(args.get('rate') ?? 2000);
const COMPONENTS = 50;

const TARGET = `
  const http = require('http');
  http.createServer((q, r) => r.end('ok')).listen(0, '127.0.0.2', function () { process.stdout.write(this.address().port + '\\n'); });
  process.on('SIGTERM', () => process.exit(0));
`;

async function startTarget(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', TARGET], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { child, port };
}

async function seed(url: string, port: number): Promise<{ tenantId: string; services: string[] }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const [{ id: tenantId }] = (await c.query("INSERT INTO tenants (slug, name) VALUES ('bench', 'Bench hosting') RETURNING id")).rows;
  const [{ id: hostId }] = (await c.query("INSERT INTO hosts (tenant_id, name, addresses) VALUES ($1, 'target', ARRAY['127.0.0.2']) RETURNING id", [tenantId])).rows;
  const services = (
    await c.query(`INSERT INTO services (tenant_id, name, type, host_id) SELECT $1, 'service ' || i, 'web', $2 FROM generate_series(1, $3) i RETURNING id`, [tenantId, hostId, COMPONENTS])
  ).rows.map((r: { id: string }) => r.id);
  const url0 = `http://127.0.0.2:${port}/`;
  // The page's monitors: created 100 days ago, probed slowly (their history is seeded; the schedule is the others').
  await c.query(
    `INSERT INTO monitors (tenant_id, name, type, host_id, service_id, config, interval_ms, timeout_ms, created_at)
     SELECT $1, 'http ' || s.name, 'http', $2, s.id, jsonb_build_object('url', $3::text), 60000, 5000, now() - interval '100 days' FROM services s WHERE s.tenant_id = $1`,
    [tenantId, hostId, url0],
  );
  await c.query(
    `INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason)
     SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors WHERE tenant_id = $1`,
    [tenantId],
  );
  await c.query(
    `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason)
     SELECT $1, m.id, m.host_id, m.service_id, 'resolved', now() - k * interval '1 day' - floor(random() * 20) * interval '1 hour',
            now() - k * interval '1 day' - floor(random() * 20) * interval '1 hour' + (1 + floor(random() * 50)) * interval '1 minute', 'bench'
       FROM monitors m CROSS JOIN generate_series(1, 89, 4) k WHERE m.tenant_id = $1`,
    [tenantId],
  );
  // Resolved before opened when the random hours differ: keep only consistent rows.
  await c.query('DELETE FROM incidents WHERE resolved_at <= opened_at');
  await c.query(
    `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms)
     SELECT $1, 'load ' || i, 'http', $2, jsonb_build_object('url', $3::text), $4, $5 FROM generate_series(1, $6) i`,
    [tenantId, hostId, url0, intervalMs, Math.min(5000, intervalMs - 1), extraMonitors],
  );
  await c.end();
  return { tenantId, services };
}

interface PacedResult {
  asked: number;
  answered: number;
  reqPerS: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  errorCodes: Record<string, number>;
  non2xx: number;
  /** Requests sent in all, the warm-up's included. */
  sent: number;
  ownDelayP99: number;
  ownDelayMax: number;
}

/** `rate` requests a second, evenly spaced, latency from when each was due (bench/paced-load.process.ts). */
function pacedLoad(url: string, perSecond: number): Promise<PacedResult> {
  const script = new URL('./paced-load.process.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [script, url, String(perSecond), String(seconds), String(connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as PacedResult) : reject(new Error(`paced load exited ${code}`)))));
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

function autocannon(url: string): Promise<AutocannonResult> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const child = spawn(process.execPath, [bin, '-c', String(connections), '-d', String(seconds), '-H', 'accept-encoding=gzip', '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as AutocannonResult) : reject(new Error(`autocannon exited ${code}`)))));
}

const folder = await mkdtemp(join(tmpdir(), 'vigia-bench-status-'));
const db = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: 0 });
const target = await startTarget();
try {
  await runPendingMigrations(db.url);
  const { tenantId, services } = await seed(db.url, target.port);
  const config = loadVigiaConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'fatal', VIGIA_ROLES: 'api,watchdog', VIGIA_EGRESS_ALLOW: '127.0.0.0/8', VIGIA_WATCHDOG_CONCURRENCY: '256' });
  const app = await createVigiaApp(ApiAppModule.forRoot(config));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  await app.get(StatusPagesService).create(
    { tenantId, role: Role.owner, kind: 'token' },
    { slug: 'status', title: 'Bench hosting status', days: 90, components: services.map((id, i) => ({ kind: StatusComponentKind.service, subjectId: id, groupName: `group ${1 + (i % 5)}` })) },
  );
  const url = `http://127.0.0.1:${port}/status/bench/status`;
  const t0 = performance.now();
  const first = await fetch(url);
  const body = await first.text();
  const coldMs = performance.now() - t0;
  if (first.status !== 200 || (body.match(/<li class="(up|down|degraded|maintenance|none)" title=/g) ?? []).length !== (COMPONENTS + 5) * 90) throw new Error(`unexpected page: ${first.status}`);
  const gzipped = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
  await gzipped.arrayBuffer();
  const gzipBytes = gzipSync(body).length;
  const watchdog = app.get(WatchdogService);
  // Let the schedule settle, then measure drift during the load only.
  await new Promise((r) => setTimeout(r, 10_000));
  const rows: Record<string, string | number>[] = [];
  for (const paced of [undefined, rate]) {
    watchdog.takeDrift();
    const load0 = loadavg()[0]!;
    const fast0 = app.get(StatusFastPath).served;
    // How long the API's event loop was held up during the load (the answers wait behind it).
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const result =
      paced === undefined
        ? await autocannon(url)
        : await pacedLoad(url, paced).then((r) => {
            console.log(`paced generator's own event-loop delay: p99 ${r.ownDelayP99} ms, max ${r.ownDelayMax} ms${r.errors ? `; errors ${JSON.stringify(r.errorCodes)}` : ''}`);
            return { requests: { average: r.reqPerS, total: r.sent }, latency: { p50: r.p50, p99: r.p99, max: r.max }, non2xx: r.non2xx, errors: r.errors };
          });
    const fast = app.get(StatusFastPath).served - fast0;
    loopDelay.disable();
    const drift = watchdog.takeDrift().sort((a, b) => a - b);
    const load1 = loadavg()[0]!;
    rows.push({
      load: paced === undefined ? 'flat out (autocannon)' : `${paced}/s evenly`,
      'page KiB': (Buffer.byteLength(body) / 1024).toFixed(0),
      'gzip KiB': gzipped.headers.get('content-encoding') === 'gzip' ? (gzipBytes / 1024).toFixed(0) : 'none',
      'cold render ms': coldMs.toFixed(0),
      connections,
      'req/s': result.requests.average.toFixed(0),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      'max ms': result.latency.max,
      'non-2xx': result.non2xx,
      errors: result.errors,
      'API loop delay p99 / max ms': `${(loopDelay.percentile(99) / 1e6).toFixed(0)} / ${(loopDelay.max / 1e6).toFixed(0)}`,
      'before Express %': result.requests.total ? ((100 * fast) / result.requests.total).toFixed(0) : '—',
      'probes in load': drift.length,
      'drift p50 ms': percentile(drift, 0.5).toFixed(1),
      'drift p99 ms': percentile(drift, 0.99).toFixed(1),
      'drift max ms': (drift.at(-1) ?? NaN).toFixed(1),
      'load avg 1m (before → after)': `${load0.toFixed(2)} → ${load1.toFixed(2)}`,
    });
  }
  await app.close();
  console.table(rows);
} finally {
  target.child.kill('SIGTERM');
  await db.stop();
  await rm(folder, { recursive: true, force: true });
}
process.exit(0);
