/**
 * npm run bench:fleet
 *
 * Plan and apply of the generated fleet (bench/fleet-file.ts: 3 sites, 60 hosts, 500 customers, 180 services,
 * 1,200 monitors, 6 runbooks, 10 resources) against the real API on an embedded PostgreSQL, as the CLI does them: the file read and checked
 * locally, its data sent as JSON. Prints each phase; targets: plan < 2 s, apply < 10 s.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVigiaConfig } from '#lib/config';
import { type FleetSource, readFleet } from '#lib/fleet';
import { runPendingMigrations, startEmbeddedPostgres } from '#lib/persistence';
import { createVigiaApp } from '#lib/runtime';
import { TenantBootstrapService } from '#lib/tenancy';
import { ApiAppModule } from '../apps/api/src/api-app.module.js';
import { generateFleetFile } from './fleet-file.js';

const RESULT = 'problems { line column field message } changes { action kind key } drift { key } unmanaged applied';
// By monitor key (host/name), as the CLI sends them.
const SECRETS = Object.fromEntries(Array.from({ length: 10 }, (_, h) => String(h + 1).padStart(2, '0')).flatMap((h) =>
  Array.from({ length: 18 }, (_, k) => [`db-${h}/db-${h}-check-${String(k + 1).padStart(2, '0')}`, { password: 'bench-pw' }])));

const folder = await mkdtemp(join(tmpdir(), 'vigia-bench-fleet-'));
const db = await startEmbeddedPostgres({ dataDir: join(folder, 'pg'), port: 0 });
try {
  await runPendingMigrations(db.url);
  const config = loadVigiaConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'warn', VIGIA_ROLES: 'api', VIGIA_DATA_DIR: folder, VIGIA_DEMO: 'off' });
  const app = await createVigiaApp(ApiAppModule.forRoot(config));
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/graphql`;
  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    // A fresh connection per call: a kept-alive one idle past the server's keep-alive timeout (while the file is
    // read on a loaded machine) may be closed under the next request.
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  await app.get(TenantBootstrapService).createTenantWithOwner({ slug: 'bench', name: 'bench', ownerEmail: 'o@bench.test', ownerPassword: 'bench-password-long' });
  const { login } = await gql<{ login: { token: string } }>('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { tenant: 'bench', email: 'o@bench.test', password: 'bench-password-long' } });
  const token = login.token;

  // Wall time, and this process's CPU time (CLI side and API in one process; PostgreSQL's own is not in it): on a
  // shared, loaded machine the CPU time says what the work costs, the wall time what waiting for the cores added.
  const cpu: number[] = [];
  const time = async <T>(work: () => Promise<T> | T): Promise<[T, number]> => {
    const started = performance.now();
    const used = process.cpuUsage();
    const result = await work();
    const spent = process.cpuUsage(used);
    cpu.push((spent.user + spent.system) / 1000);
    return [result, performance.now() - started];
  };
  const text = generateFleetFile();
  const read = async () => {
    const r = readFleet('fleet.yaml', text);
    if (!r.document) throw new Error('the generated fleet does not read');
    return JSON.stringify((r.source as FleetSource).toJS());
  };
  type Result = { changes: unknown[]; applied: boolean; problems: unknown[] };
  const plan = async (data: string) => (await gql<{ fleetPlan: Result }>(`query($d: String!) { fleetPlan(document: $d) { ${RESULT} } }`, { d: data }, token)).fleetPlan;
  const apply = async (data: string) => (await gql<{ applyFleet: Result }>(`mutation($d: String!, $s: JSONObject) { applyFleet(document: $d, secrets: $s) { ${RESULT} } }`, { d: data, s: SECRETS }, token)).applyFleet;

  const rows: [string, number, string][] = [];
  const [data, readMs] = await time(read);
  rows.push(['read + check the file (CLI side, 240 kB of YAML)', readMs, '']);
  const [first, planMs] = await time(() => plan(data));
  rows.push(['plan, empty tenant (API round trip)', planMs, `${first.changes.length} changes`]);
  const [applied, applyMs] = await time(() => apply(data));
  if (!applied.applied) throw new Error(`not applied: ${JSON.stringify(applied.problems).slice(0, 500)}`);
  rows.push(['apply, empty tenant (API round trip, one transaction)', applyMs, `${applied.changes.length} changes`]);
  for (let i = 1; i <= 3; i++) {
    const [again, ms] = await time(() => plan(data));
    rows.push([`plan after apply, run ${i}`, ms, `${again.changes.length} changes`]);
  }
  const changed = JSON.stringify((readFleet('f.yaml', generateFleetFile({ web01Interval: '30s' })).source as FleetSource).toJS());
  const [one, oneMs] = await time(() => apply(changed));
  rows.push(['apply of a one-field change', oneMs, `${one.changes.length} change`]);

  process.stdout.write(`fleet bench ${new Date().toISOString()} — load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  process.stdout.write(`${'phase'.padEnd(56)} ${'wall'.padStart(9)} ${'CPU'.padStart(9)}\n`);
  rows.forEach(([what, ms, note], i) => process.stdout.write(`${what.padEnd(56)} ${ms.toFixed(0).padStart(6)} ms ${cpu[i]!.toFixed(0).padStart(6)} ms  ${note}\n`));
  const planTotal = readMs + rows[3]![1];
  process.stdout.write(`plan as the CLI runs it (read + plan after apply): ${planTotal.toFixed(0)} ms (target < 2000); apply (read + apply): ${(readMs + applyMs).toFixed(0)} ms (target < 10000)\n`);
  await app.close();
} finally {
  await db.stop();
  await rm(folder, { recursive: true, force: true });
}
