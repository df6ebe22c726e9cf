import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetSource, readFleet } from '#lib/fleet';
import { InventoryFleetPort, Monitor } from '#lib/inventory';
import { resolveSecrets } from '../apps/cli/src/commands/fleet-secrets.js';
import { MonitorNamesPerHost1796142694167 } from '../migrations/1796142694167-monitor-names-per-host.js';
import { APPLY, fleetCalls, type FleetResult as Result } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

// Issue 21: monitor names are unique per host ("http" on each web server), so a fleet file keys a monitor host/name.
const INVENTORY = `version: 1
hosts:
  - { name: web-1, addresses: [192.0.2.10] }
  - { name: web-2, addresses: [192.0.2.11] }
monitors:
  - { name: http, host: web-1, type: tcp, config: { port: 80 } }
  - { name: http, host: web-2, type: tcp, config: { port: 80 } }
  - { name: ssh, host: web-2, type: tcp, config: { port: 22 } }
  - { name: mysql, host: web-1, type: mysql, config: { user: vigia, password: { env: PW_1 } } }
  - { name: mysql, host: web-2, type: mysql, config: { user: vigia, password: { env: PW_2 } } }
`;
/** One window by host/monitor, one by a bare name only web-2 has (a file written before names were per host). */
const WINDOWS = (first = 'web-1/http', second = 'ssh') => `maintenance:
  - { name: web-1-http, from: 2026-12-10T20:00Z, until: 2026-12-10T22:00Z, monitors: [${first}] }
  - { name: ssh-only, from: 2026-12-11T20:00Z, until: 2026-12-11T22:00Z, monitors: [${second}] }
`;
const FILE = INVENTORY + WINDOWS();
/** What the CLI sends for the file's references: by monitor key, so the two hosts' "mysql" get their own. */
const SECRETS = { 'web-1/mysql': { password: 'pw-of-web-1' }, 'web-2/mysql': { password: 'pw-of-web-2' } };

describe('fleet files: monitor names unique per host', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let ops: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => ops);
  const monitors = async () => (await sql(
    `SELECT h.name || '/' || m.name AS key, m.id FROM monitors m JOIN hosts h ON h.id = m.host_id WHERE m.tenant_id = $1 AND m.deleted_at IS NULL ORDER BY 1`, [owner.tenantId],
  )) as { key: string; id: string }[];
  const windows = async () => (await sql(`SELECT name, monitor_ids FROM maintenance_windows WHERE tenant_id = $1 ORDER BY name`, [owner.tenantId])) as { name: string; monitor_ids: string[] }[];
  const lines = (r: Result) => r.problems.map((p) => `${p.line}:${p.column}: ${p.field}: ${p.message}`);

  beforeAll(async () => {
    // API role only: the TEST-NET monitors must not be probed.
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('namesco');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('the CLI sends each monitor\'s secrets under its key (host/name)', async () => {
    const read = readFleet('fleet.yaml', FILE);
    expect(await resolveSecrets(read.document!, read.source as FleetSource, '/tmp/fleet.yaml', { PW_1: 'pw-of-web-1', PW_2: 'pw-of-web-2' })).toEqual({ values: SECRETS, problems: [] });
    const unset = await resolveSecrets(read.document!, read.source as FleetSource, '/tmp/fleet.yaml', { PW_1: 'pw-of-web-1' });
    expect(unset.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['10: monitor web-2/mysql, config.password: environment variable PW_2 is not set']);
  });

  it('applies "http" on two hosts, keyed host/name; a value not sent is the one host\'s monitor\'s; nothing to plan afterwards', async () => {
    const first = await plan(FILE);
    expect(first.problems).toEqual([]);
    expect(first.changes.filter((c) => c.kind === 'monitors').map((c) => `${c.action} ${c.key}`)).toEqual([
      'create web-1/http', 'create web-2/http', 'create web-2/ssh', 'create web-1/mysql', 'create web-2/mysql',
    ]);
    const missing = await apply(FILE, ops, true, { 'web-1/mysql': SECRETS['web-1/mysql'] });
    expect(lines(missing)).toEqual(['10:79: monitor web-2/mysql, config.password: the value of {"env":"PW_2"} was not sent (the CLI reads it from the environment or the secrets file)']);
    expect(await monitors()).toEqual([]);

    expect(lines(await apply(FILE, ops, true, SECRETS))).toEqual([]);
    const ids = new Map((await monitors()).map((m) => [m.key, m.id]));
    expect([...ids.keys()]).toEqual(['web-1/http', 'web-1/mysql', 'web-2/http', 'web-2/mysql', 'web-2/ssh']);
    // Each host's "mysql" sealed with its own value.
    const port = api.app.get(InventoryFleetPort);
    const stored = await api.app.get(DataSource).getRepository(Monitor).findBy({ tenantId: owner.tenantId, name: 'mysql' });
    expect(stored.map((m) => [m.id === ids.get('web-1/mysql') ? 'web-1' : 'web-2', port.monitorSecrets(m).password]).sort()).toEqual([['web-1', 'pw-of-web-1'], ['web-2', 'pw-of-web-2']]);
    // The window by host/monitor takes that host's "http"; the bare name, the one monitor of that name.
    expect(await windows()).toEqual([
      { name: 'ssh-only', monitor_ids: [ids.get('web-2/ssh')] },
      { name: 'web-1-http', monitor_ids: [ids.get('web-1/http')] },
    ]);
    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
    // The bare name and its host/name are the same window.
    expect((await plan(INVENTORY + WINDOWS('web-1/http', 'web-2/ssh'))).changes).toEqual([]);
  });

  it('a change to one host\'s "http" plans that monitor only, and drift names it host/name', async () => {
    expect((await plan(FILE.replace('{ name: http, host: web-2, type: tcp, config: { port: 80 } }', '{ name: http, host: web-2, type: tcp, config: { port: 8080 } }'))).changes).toEqual([
      { action: 'update', kind: 'monitors', key: 'web-2/http', drift: false, fields: [{ field: 'config.port', before: 80, after: 8080 }] },
    ]);
    const id = (await monitors()).find((m) => m.key === 'web-1/http')!.id;
    await ops.ok('mutation($id: ID!) { updateMonitor(id: $id, input: { timeoutMs: 4000 }) { id } }', { id });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([{ kind: 'monitors', key: 'web-1/http', changedAt: expect.any(String), fields: [{ field: 'timeout', before: '10s', after: '4s' }] }]);
    expect((await apply(FILE, ops, true, SECRETS)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('export writes host/name in maintenance windows, reads back to the same fleet, and applies as a no-op', async () => {
    const { fleetExport } = await ops.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).not.toContain('pw-of-web');
    const exported = readFleet('export.yaml', fleetExport);
    expect(exported.problems).toEqual([]);
    const doc = exported.document!;
    expect(doc.monitors.map((m) => `${m.host}/${m.name}`).sort()).toEqual(['web-1/http', 'web-1/mysql', 'web-2/http', 'web-2/mysql', 'web-2/ssh']);
    expect(Object.fromEntries(doc.maintenance.map((w) => [w.name, w.monitors]))).toEqual({ 'web-1-http': ['web-1/http'], 'ssh-only': ['web-2/ssh'] });
    expect(fleetExport).toMatch(/monitors:\n\s+- web-2\/ssh\n/);
    // The references the last apply used, each monitor its own.
    expect(doc.monitors.filter((m) => m.name === 'mysql').map((m) => [m.host, m.config.password]).sort()).toEqual([['web-1', { env: 'PW_1' }], ['web-2', { env: 'PW_2' }]]);
    expect(await plan(fleetExport)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
    expect(readFleet('file.yaml', FILE).document!.maintenance.map((w) => w.monitors)).toEqual([['web-1/http'], ['web-2/ssh']]);
  });

  it('refuses a bare name two hosts have, naming both, and one host having a name twice; nothing applied', async () => {
    const before = await windows();
    const ambiguous = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: INVENTORY + WINDOWS('http'), s: SECRETS })).applyFleet;
    expect(ambiguous.applied).toBe(false);
    expect(lines(ambiguous)).toEqual(['12:87: maintenance window web-1-http, monitors[0]: monitor http is on 2 hosts (web-1, web-2): write which one as host/monitor, e.g. web-1/http']);
    const twice = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('name: ssh, host: web-2', 'name: http, host: web-2'), s: SECRETS })).applyFleet;
    expect(lines(twice)).toEqual([
      '8:13: monitor web-2/http, name: web-2/http is defined twice (first as item 2 of monitors)',
      '13:85: maintenance window ssh-only, monitors[0]: monitor ssh is not defined in this file (write host/monitor)',
    ]);
    expect(await windows()).toEqual(before);
    expect((await monitors()).map((m) => m.key)).toEqual(['web-1/http', 'web-1/mysql', 'web-2/http', 'web-2/mysql', 'web-2/ssh']);
  });

  it('a monitor moved to another host in the file is deleted there and created on the new one', async () => {
    const moved = FILE.replace('{ name: ssh, host: web-2,', '{ name: ssh, host: web-1,').replace('monitors: [ssh]', 'monitors: [web-1/ssh]');
    expect((await plan(moved)).changes.filter((c) => c.kind === 'monitors').map((c) => `${c.action} ${c.key}`)).toEqual(['create web-1/ssh', 'delete web-2/ssh']);
  });

  it('a runbook\'s wait.until names a monitor host/monitor, or by a name one host only has', async () => {
    const preview = (monitor: string) => api.gql<{ dryRunRunbook: { actions: { kind: string; target: string }[] }[] }>(
      'query($i: DryRunInput!) { dryRunRunbook(input: $i) { actions { kind target } } }',
      { i: { source: `name: check\nsteps:\n  - { name: wait, type: wait.until, with: { monitor: "${monitor}", deadline: 10s } }\n` } }, owner.token,
    );
    expect((await preview('web-2/http')).data!.dryRunRunbook[0]!.actions).toEqual([{ kind: 'probe', target: 'monitor web-2/http' }]);
    expect((await preview('ssh')).data!.dryRunRunbook[0]!.actions).toEqual([{ kind: 'probe', target: 'monitor web-2/ssh' }]);
    const ambiguous = await preview('http');
    expect(ambiguous.errors?.[0]).toMatchObject({
      message: expect.stringContaining('monitor "http" is on 2 hosts (web-1, web-2): write which one as host/monitor, e.g. web-1/http'),
      extensions: { field: 'steps[0].with.monitor' },
    });
    expect((await preview('web-3/http')).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'steps[0].with.monitor' });
  });
});

/**
 * The upgrade: what an apply remembered before names were per host (fleet_applied keyed by bare monitor name, windows'
 * monitors by name — as the migration's down() writes it back) is moved by the migration, so the same file plans
 * nothing after it and drift is still seen against what was applied.
 */
describe('fleet files: a file applied before monitor names were per host, after the migration', () => {
  const OLD = `version: 1
hosts:
  - { name: web-1, addresses: [192.0.2.10] }
  - { name: db-1, addresses: [192.0.2.20] }
monitors:
  - { name: web-1-http, host: web-1, type: tcp, config: { port: 80 } }
  - { name: db-1-mysql, host: db-1, type: mysql, config: { user: vigia, password: { env: DB_PW } } }
maintenance:
  - { name: patch, from: 2026-12-10T20:00Z, until: 2026-12-10T22:00Z, monitors: [web-1-http, db-1-mysql] }
`;
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let ops: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => ops);
  const remembered = async () => (await sql(`SELECT kind || ':' || key AS k FROM fleet_applied WHERE tenant_id = $1 AND kind IN ('monitors', 'maintenance') ORDER BY 1`, [owner.tenantId])).map((r: { k: string }) => r.k);

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('upgradeco');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('plans nothing, and still sees drift by host/name', async () => {
    expect((await apply(OLD, ops, true, { 'db-1/db-1-mysql': { password: 'pw' } })).problems).toEqual([]);
    const runner = api.app.get(DataSource).createQueryRunner();
    try {
      // Back to what the code before issue 21 remembered, then forward again.
      await new MonitorNamesPerHost1796142694167().down(runner);
      expect(await remembered()).toEqual(['maintenance:patch', 'monitors:db-1-mysql', 'monitors:web-1-http']);
      await new MonitorNamesPerHost1796142694167().up(runner);
    } finally {
      await runner.release();
    }
    expect(await remembered()).toEqual(['maintenance:patch', 'monitors:db-1/db-1-mysql', 'monitors:web-1/web-1-http']);
    expect(await plan(OLD)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
    const [{ id }] = await sql(`SELECT id FROM monitors WHERE tenant_id = $1 AND name = 'web-1-http'`, [owner.tenantId]);
    await ops.ok('mutation($id: ID!) { updateMonitor(id: $id, input: { timeoutMs: 4000 }) { id } }', { id });
    expect((await plan(OLD)).drift).toEqual([{ kind: 'monitors', key: 'web-1/web-1-http', changedAt: expect.any(String), fields: [{ field: 'timeout', before: '10s', after: '4s' }] }]);
  });
});
