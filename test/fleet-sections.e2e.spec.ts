import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetSource, readFleet } from '#lib/fleet';
import { inlineRunbookFiles } from '../apps/cli/src/commands/fleet-files.js';
import { APPLY, fleetCalls, type FleetResult as Result } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

// The sections of a fleet file beyond the inventory (issue 16, part 2): each through its owning library's port.
const INVENTORY = `version: 1
hosts:
  - { name: web-01, addresses: [192.0.2.10] }
  - { name: web-02, addresses: [192.0.2.11] }
services:
  - { name: www, host: web-01, type: web, port: 443 }
monitors:
  - { name: web-01-home, host: web-01, service: www, type: http, config: { url: "https://192.0.2.10/" } }
`;
const MAINTENANCE = `maintenance:
  - name: kernel-updates
    from: 2026-12-01T02:00
    until: 2026-12-01T04:00
    timeZone: Europe/Madrid
    recurrence: FREQ=WEEKLY;BYDAY=TU
    hosts: [web-02, web-01]
  - name: shop-migration
    from: 2026-12-10T20:00Z
    until: 2026-12-10T22:30Z
    services: [web-01/www]
    monitors: [web-01-home]
`;
const FILE = INVENTORY + MAINTENANCE;

describe('fleet files: maintenance windows (detection’s, through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let ops: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => ops);
  const windows = (tenantId: string) => sql(
    `SELECT name, starts_at, ends_at, recurrence, time_zone, recurs_until, host_ids, service_ids, monitor_ids FROM maintenance_windows WHERE tenant_id = $1 ORDER BY name`,
    [tenantId],
  );

  beforeAll(async () => {
    // API role only: the TEST-NET monitors must not be probed.
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('maintco');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('creates one-off and recurring windows from the file, by name, and plans nothing afterwards', async () => {
    const first = await plan(FILE);
    expect(first.problems).toEqual([]);
    expect(first.changes.filter((c) => c.kind === 'maintenance')).toEqual([
      { action: 'create', kind: 'maintenance', key: 'kernel-updates', drift: false, fields: expect.arrayContaining([{ field: 'recurrence', before: null, after: 'FREQ=WEEKLY;BYDAY=TU' }, { field: 'hosts', before: null, after: ['web-01', 'web-02'] }]) },
      { action: 'create', kind: 'maintenance', key: 'shop-migration', drift: false, fields: expect.arrayContaining([{ field: 'from', before: null, after: '2026-12-10T20:00Z' }]) },
    ]);
    const applied = await apply(FILE);
    expect(applied.problems).toEqual([]);
    expect(applied.applied).toBe(true);

    const [host1] = await sql(`SELECT id FROM hosts WHERE tenant_id = $1 AND name = 'web-01'`, [owner.tenantId]);
    const [service] = await sql(`SELECT id FROM services WHERE tenant_id = $1 AND name = 'www'`, [owner.tenantId]);
    const [monitor] = await sql(`SELECT id FROM monitors WHERE tenant_id = $1 AND name = 'web-01-home'`, [owner.tenantId]);
    const [kernel, migration] = await windows(owner.tenantId);
    // 02:00 in Madrid in December is 01:00 UTC; repeating for ever: no last end.
    expect(kernel).toMatchObject({ name: 'kernel-updates', recurrence: 'FREQ=WEEKLY;BYDAY=TU', time_zone: 'Europe/Madrid', recurs_until: null, service_ids: [], monitor_ids: [] });
    expect(kernel.starts_at.toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(kernel.ends_at.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(kernel.host_ids).toHaveLength(2);
    expect(kernel.host_ids).toContain(host1.id);
    expect(migration).toMatchObject({ name: 'shop-migration', recurrence: null, time_zone: null, host_ids: [], service_ids: [service.id], monitor_ids: [monitor.id] });
    expect(migration.recurs_until.toISOString()).toBe('2026-12-10T22:30:00.000Z');

    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
    // The same window written another way (an instant instead of the wall-clock time, the hosts in another order) is the same window.
    const sameKernel = FILE.replace('from: 2026-12-01T02:00', 'from: 2026-12-01T01:00Z').replace('hosts: [web-02, web-01]', 'hosts: [web-01, web-02]');
    expect((await plan(sameKernel)).changes).toEqual([]);
  });

  it('a field changed in the file plans exactly one update, before → after', async () => {
    const changed = await plan(FILE.replace('BYDAY=TU', 'BYDAY=TH'));
    expect(changed.changes).toEqual([{ action: 'update', kind: 'maintenance', key: 'kernel-updates', drift: false, fields: [{ field: 'recurrence', before: 'FREQ=WEEKLY;BYDAY=TU', after: 'FREQ=WEEKLY;BYDAY=TH' }] }]);
  });

  it('a window changed through the API shows as drift, and applying the file puts it back', async () => {
    const { maintenanceWindows } = await ops.ok<{ maintenanceWindows: { nodes: { id: string; name: string; startsAt: string; recurrence: string; timeZone: string; hostIds: string[] }[] } }>(
      '{ maintenanceWindows { nodes { id name startsAt recurrence timeZone hostIds } } }',
    );
    const kernel = maintenanceWindows.nodes.find((w) => w.name === 'kernel-updates')!;
    await ops.ok('mutation($id: ID!, $i: MaintenanceWindowInput!) { updateMaintenanceWindow(id: $id, input: $i) { id } }', {
      id: kernel.id,
      i: { name: kernel.name, startsAt: kernel.startsAt, endsAt: '2026-12-01T04:00:00Z', recurrence: kernel.recurrence, timeZone: kernel.timeZone, hostIds: kernel.hostIds },
    });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([{ kind: 'maintenance', key: 'kernel-updates', changedAt: null, fields: [{ field: 'until', before: '2026-12-01T04:00', after: '2026-12-01T05:00' }] }]);
    expect(drifted.changes).toEqual([{ action: 'update', kind: 'maintenance', key: 'kernel-updates', drift: true, fields: [{ field: 'until', before: '2026-12-01T05:00', after: '2026-12-01T04:00' }] }]);
    expect((await apply(FILE)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
    expect((await windows(owner.tenantId))[0].ends_at.toISOString()).toBe('2026-12-01T03:00:00.000Z');
  });

  it('bad windows are reported with line and field, all at once, and nothing is applied', async () => {
    const before = await windows(owner.tenantId);
    // Read problems (the file alone): every one, in file order (references are checked once every item reads).
    const unreadable = FILE
      .replace('    hosts: [web-02, web-01]', '    hosts: [web-02, web-01]\n    colour: red')
      .replace('from: 2026-12-10T20:00Z', 'from: 2026-13-10T20:00Z');
    const read = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: unreadable })).applyFleet;
    expect(read.applied).toBe(false);
    expect(read.problems.map((p) => `${p.line}:${p.column}: ${p.field}: ${p.message}`)).toEqual([
      '16:5: maintenance window kernel-updates, colour: is not a field here',
      '18:11: maintenance window shop-migration, from: is not a date and time that exists (month 1-12, day of the month, hour 0-23)',
    ]);
    const ghost = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('hosts: [web-02, web-01]', 'hosts: [web-02, ghost]') })).applyFleet;
    expect(ghost.problems.map((p) => `${p.line}:${p.column}: ${p.field}: ${p.message}`)).toEqual(['15:21: maintenance window kernel-updates, hosts[1]: host ghost is not defined in this file']);
    // Detection's own rules (those of createMaintenanceWindow), checked on the server with the lines.
    const refused = FILE
      .replace('FREQ=WEEKLY;BYDAY=TU', 'FREQ=HOURLY')
      .replace('until: 2026-12-10T22:30Z', 'until: 2026-12-10T19:00Z')
      .replace('timeZone: Europe/Madrid', 'timeZone: Mars/Olympus');
    const server = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: refused })).applyFleet;
    expect(server.applied).toBe(false);
    expect(server.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '13: maintenance window kernel-updates, timeZone: must be a time zone name such as Europe/Madrid or America/New_York',
    ]);
    const server2 = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: refused.replace('timeZone: Mars/Olympus', 'timeZone: Europe/Madrid') })).applyFleet;
    expect(server2.applied).toBe(false);
    expect(server2.changes).toEqual([]);
    expect(server2.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '14: maintenance window kernel-updates, recurrence: must repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)',
      '18: maintenance window shop-migration, until: must end after it starts',
    ]);
    const empty = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('    services: [web-01/www]\n    monitors: [web-01-home]\n', '') })).applyFleet;
    expect(empty.problems.map((p) => `${p.field}: ${p.message}`)).toEqual(['maintenance window shop-migration, hosts: name at least one host, service or monitor']);
    expect(await windows(owner.tenantId)).toEqual(before);
  });

  it('export writes the windows and applies as a no-op', async () => {
    const { fleetExport } = await ops.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toContain('maintenance:\n');
    expect(fleetExport).toContain('recurrence: FREQ=WEEKLY;BYDAY=TU');
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
  });

  it('a window removed from the file is deleted with prune, detached (kept) without', async () => {
    const without = INVENTORY + MAINTENANCE.slice(0, MAINTENANCE.indexOf('  - name: shop-migration'));
    expect((await plan(without, ops, false)).changes).toEqual([{ action: 'detach', kind: 'maintenance', key: 'shop-migration', drift: false, fields: [] }]);
    expect((await plan(without)).changes).toEqual([{ action: 'delete', kind: 'maintenance', key: 'shop-migration', drift: false, fields: [] }]);
    expect((await apply(without)).applied).toBe(true);
    expect((await windows(owner.tenantId)).map((w) => w.name)).toEqual(['kernel-updates']);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('another tenant: a name of this tenant\'s host is "not defined", its ids are refused, its own windows are its own', async () => {
    const other = await api.tenant('othermaint');
    const theirs = api.client(other.token);
    const borrowed = `version: 1\nhosts:\n  - { name: own-01, addresses: [192.0.2.50] }\nmaintenance:\n  - { name: borrowed, from: 2026-12-01T01:00Z, until: 2026-12-01T02:00Z, hosts: [web-01] }\n`;
    const refused = (await theirs.ok<{ applyFleet: Result }>(APPLY, { d: borrowed })).applyFleet;
    expect(refused.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['5: maintenance window borrowed, hosts[0]: host web-01 is not defined in this file']);
    const [host] = await sql(`SELECT id FROM hosts WHERE tenant_id = $1 AND name = 'web-01'`, [owner.tenantId]);
    const byId = (await theirs.ok<{ applyFleet: Result }>(APPLY, { d: borrowed.replace('hosts: [web-01]', `hosts: [${host.id}]`) })).applyFleet;
    expect(byId.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^is a database id/)]);
    expect(await windows(other.tenantId)).toEqual([]);
    // The same file in another tenant creates that tenant's own windows; the first tenant's are untouched.
    expect((await apply(FILE, theirs)).applied).toBe(true);
    expect((await windows(other.tenantId)).map((w) => w.name)).toEqual(['kernel-updates', 'shop-migration']);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [], unmanaged: 0 });
  });
});

describe('fleet files: customers\' SLA targets (reports\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let admin: ApiClient;
  const FILE = `version: 1
customers:
  - { name: Acme, sla: { target: 99.9 } }
  - { name: Globex, sla: { target: 99.95, unobserved: down, customerCombination: weighted } }
  - { name: Initech }
`;
  const { plan, apply, sql } = fleetCalls(() => api, () => admin);
  const targets = (tenantId: string) => sql(
    `SELECT c.name, t.target_percent::float AS target, t.policy FROM sla_targets t JOIN customers c ON c.id = t.customer_id WHERE t.tenant_id = $1 ORDER BY c.name`,
    [tenantId],
  );

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('slaco');
    admin = await api.as('admin', owner);
  });
  afterAll(() => api?.close());

  it('sets targets with their accounting policy from the file, and plans nothing afterwards', async () => {
    expect((await apply(FILE)).problems).toEqual([]);
    const rows = await targets(owner.tenantId);
    expect(rows.map((r) => [r.name, r.target, r.policy.unobserved, r.policy.customerCombination, r.policy.version])).toEqual([
      ['Acme', 99.9, 'exclude', 'any-down', 2],
      ['Globex', 99.95, 'down', 'weighted', 2],
    ]);
    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
  });

  it('a target changed in the file plans one update of that field; the customer row itself is not rewritten', async () => {
    const changed = FILE.replace('target: 99.9 }', 'target: 99.99 }');
    expect((await plan(changed)).changes).toEqual([{ action: 'update', kind: 'customers', key: 'Acme', drift: false, fields: [{ field: 'sla.target', before: 99.9, after: 99.99 }] }]);
    const [before] = await sql(`SELECT updated_at FROM customers WHERE tenant_id = $1 AND name = 'Acme'`, [owner.tenantId]);
    expect((await apply(changed)).applied).toBe(true);
    expect((await targets(owner.tenantId))[0].target).toBe(99.99);
    expect((await sql(`SELECT updated_at FROM customers WHERE tenant_id = $1 AND name = 'Acme'`, [owner.tenantId]))[0]).toEqual(before);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('a target set through the API shows as drift; a file that omits sla leaves targets alone; sla: null removes one', async () => {
    const [acme] = await sql(`SELECT id FROM customers WHERE tenant_id = $1 AND name = 'Acme'`, [owner.tenantId]);
    await admin.ok('mutation($c: ID!) { setSlaTarget(customerId: $c, targetPercent: 99.5) { id } }', { c: acme.id });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([{ kind: 'customers', key: 'Acme', changedAt: expect.any(String), fields: [{ field: 'sla.target', before: 99.9, after: 99.5 }] }]);
    expect(drifted.changes).toEqual([{ action: 'update', kind: 'customers', key: 'Acme', drift: true, fields: [{ field: 'sla.target', before: 99.5, after: 99.9 }] }]);
    // Not written in the file: not managed by it (targets are often set in the dashboard).
    expect((await plan(FILE.replace('{ name: Acme, sla: { target: 99.9 } }', '{ name: Acme }'))).changes).toEqual([]);
    const removed = FILE.replace('{ name: Globex, sla: { target: 99.95, unobserved: down, customerCombination: weighted } }', '{ name: Globex, sla: null }');
    expect((await apply(removed)).applied).toBe(true);
    expect((await targets(owner.tenantId)).map((r) => [r.name, r.target])).toEqual([['Acme', 99.9]]);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('export writes the targets (defaults left out) and applies as a no-op', async () => {
    const { fleetExport } = await admin.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toContain('sla:\n      target: 99.95\n      unobserved: down\n      customerCombination: weighted');
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
  });

  it('bad targets are reported with line and field and nothing is applied; an operator cannot change a target', async () => {
    const before = await targets(owner.tenantId);
    const bad = await apply(FILE.replace('target: 99.9 }', 'target: 99.99999 }').replace('{ name: Initech }', '{ name: Initech, sla: { target: 101, colour: red } }'));
    expect(bad.problems.map((p) => `${p.line}:${p.column}: ${p.field}: ${p.message}`)).toEqual(['5:42: customer Initech, sla.colour: is not a field here']);
    const server = await apply(FILE.replace('target: 99.9 }', 'target: 99.99999 }').replace('{ name: Initech }', '{ name: Initech, sla: { target: 101 } }'));
    expect(server.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '3: customer Acme, sla.target: at most four decimals (e.g. 99.9995)',
      '5: customer Initech, sla.target: must be a percentage above 0 and at most 100',
    ]);
    const operator = await api.as('operator', owner);
    const refused = await apply(FILE.replace('target: 99.9 }', 'target: 99.8 }'), operator);
    expect(refused.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['3: customer Acme, sla: changing an SLA target takes the admin role (as in the dashboard)']);
    expect(await targets(owner.tenantId)).toEqual(before);
  });

  it('another tenant\'s file sets its own targets only', async () => {
    const other = await api.tenant('othersla');
    expect((await apply(FILE.replace('target: 99.9 }', 'target: 98 }'), api.client(other.token))).applied).toBe(true);
    expect((await targets(other.tenantId)).map((r) => [r.name, r.target])).toEqual([['Acme', 98], ['Globex', 99.95]]);
    expect((await targets(owner.tenantId)).map((r) => [r.name, r.target])).toEqual([['Acme', 99.9], ['Globex', 99.95]]);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });
});

describe('fleet files: monitors\' vantage assignment (vantages\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let admin: ApiClient;
  const FILE = `version: 1
hosts:
  - { name: web-01, addresses: [192.0.2.10] }
monitors:
  - { name: home, host: web-01, type: http, config: { url: "https://192.0.2.10/" }, vantages: { from: [fra-1, ams-1], quorum: 2 } }
  - { name: api, host: web-01, type: http, config: { url: "https://192.0.2.10/api" }, vantages: { from: [ams-1, fra-1, lis-1], count: 2 } }
  - { name: cart, host: web-01, type: http, config: { url: "https://192.0.2.10/cart" } }
`;
  const { plan, apply, sql } = fleetCalls(() => api, () => admin);
  const assignments = (tenantId: string) => sql(
    `SELECT m.name, (SELECT array_agg(v.name ORDER BY v.name) FROM vantages v WHERE v.id = ANY(a.vantage_ids)) AS vantages, a.quorum, a.vantage_count AS count
       FROM monitor_vantages a JOIN monitors m ON m.id = a.monitor_id WHERE a.tenant_id = $1 ORDER BY m.name`,
    [tenantId],
  );
  const createVantage = (client: ApiClient, name: string) => client.ok('mutation($i: CreateVantageInput!) { createVantage(input: $i) { token } }', { i: { name, kind: 'private' } });

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('vantco');
    admin = await api.as('admin', owner);
    for (const name of ['fra-1', 'ams-1', 'lis-1']) await createVantage(admin, name);
  });
  afterAll(() => api?.close());

  it('assigns vantages by name with quorum and count, and plans nothing afterwards', async () => {
    expect((await apply(FILE)).problems).toEqual([]);
    expect(await assignments(owner.tenantId)).toEqual([
      { name: 'api', vantages: ['ams-1', 'fra-1', 'lis-1'], quorum: null, count: 2 },
      { name: 'home', vantages: ['ams-1', 'fra-1'], quorum: 2, count: null },
    ]);
    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
  });

  it('a quorum changed in the file plans one update of that field', async () => {
    expect((await plan(FILE.replace('quorum: 2', 'quorum: 1'))).changes).toEqual([
      { action: 'update', kind: 'monitors', key: 'web-01/home', drift: false, fields: [{ field: 'vantages.quorum', before: 2, after: 1 }] },
    ]);
  });

  it('an assignment changed through the API shows as drift; omitted in the file: left alone; null: back to the default', async () => {
    const [home] = await sql(`SELECT id FROM monitors WHERE tenant_id = $1 AND name = 'home'`, [owner.tenantId]);
    await admin.ok('mutation($m: ID!) { setMonitorVantages(monitorId: $m, input: { quorum: 1 }) { quorum } }', { m: home.id });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([{ kind: 'monitors', key: 'web-01/home', changedAt: expect.any(String), fields: [{ field: 'vantages.from', before: ['ams-1', 'fra-1'], after: null }, { field: 'vantages.quorum', before: 2, after: 1 }] }]);
    expect(drifted.changes).toEqual([{ action: 'update', kind: 'monitors', key: 'web-01/home', drift: true, fields: [{ field: 'vantages.from', before: null, after: ['ams-1', 'fra-1'] }, { field: 'vantages.quorum', before: 1, after: 2 }] }]);
    expect((await plan(FILE.replace(', vantages: { from: [fra-1, ams-1], quorum: 2 }', ''))).changes).toEqual([]);
    expect((await apply(FILE.replace('vantages: { from: [fra-1, ams-1], quorum: 2 }', 'vantages: null'))).applied).toBe(true);
    expect((await assignments(owner.tenantId)).map((a) => a.name)).toEqual(['api']);
    expect((await apply(FILE)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('export writes the assignments by name and applies as a no-op', async () => {
    const { fleetExport } = await admin.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toMatch(/vantages:\n\s+from:\n\s+- ams-1\n\s+- fra-1\n\s+quorum: 2/);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
  });

  it('bad assignments are reported with line and field, nothing applied; another tenant\'s vantage is not usable', async () => {
    const before = await assignments(owner.tenantId);
    const other = await api.tenant('othervant');
    const theirs = api.client(other.token);
    await createVantage(await api.as('admin', other), 'their-1');
    const bad = await apply(FILE.replace('quorum: 2', 'quorum: 3').replace('[ams-1, fra-1, lis-1], count: 2', '[ams-1, their-1], count: 2'));
    expect(bad.applied).toBe(false);
    expect(bad.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '5: monitor web-01/home, vantages.quorum: 3 is more than the 2 vantage(s) assigned: down could never be confirmed',
      '6: monitor web-01/api, vantages.from[1]: vantage their-1 is not one this tenant can use (the platform\'s and its own live vantages)',
    ]);
    const count = await apply(FILE.replace('count: 2', 'count: 4'));
    expect(count.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['6: monitor web-01/api, vantages.count: must be between 1 and the 3 vantage(s) it chooses from (or leave it out for all of them)']);
    expect(await assignments(owner.tenantId)).toEqual(before);
    // The other tenant: this tenant's vantage names mean nothing there.
    const borrowed = (await apply(FILE, theirs)).problems.map((p) => `${p.field}: ${p.message.slice(0, 36)}`);
    expect(borrowed).toEqual([
      'monitor web-01/home, vantages.from[0]: vantage fra-1 is not one this tenant',
      'monitor web-01/home, vantages.from[1]: vantage ams-1 is not one this tenant',
      'monitor web-01/api, vantages.from[0]: vantage ams-1 is not one this tenant',
      'monitor web-01/api, vantages.from[1]: vantage fra-1 is not one this tenant',
      'monitor web-01/api, vantages.from[2]: vantage lis-1 is not one this tenant',
    ]);
    expect(await assignments(other.tenantId)).toEqual([]);
  });
});

describe('fleet files: runbooks (runbooks\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let ops: ApiClient;
  const RUNBOOK = (unit: string) => `name: restart-nginx
params: { host: { type: host }, unit: { type: string, default: ${unit} } }
steps:
  - name: restart
    type: ssh.exec
    with: { host: "{{ params.host }}", argv: [systemctl, restart, "{{ params.unit }}"] }
`;
  const indent = (text: string) => text.split('\n').map((l) => (l ? `      ${l}` : l)).join('\n');
  const fileWith = (source: string) => `version: 1\nrunbooks:\n  - name: restart-nginx\n    source: |\n${indent(source)}`;
  const FILE = fileWith(RUNBOOK('nginx'));
  const { plan, apply, sql } = fleetCalls(() => api, () => ops);
  const runbooks = (tenantId: string) => sql(
    `SELECT r.name, r.version, v.source, v.created_by FROM runbooks r JOIN runbook_versions v ON v.runbook_id = r.id AND v.version = r.version WHERE r.tenant_id = $1 ORDER BY r.name`,
    [tenantId],
  );

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('bookco');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('creates a runbook from its inline source, and plans nothing afterwards', async () => {
    expect((await apply(FILE)).problems).toEqual([]);
    const [book] = await runbooks(owner.tenantId);
    expect(book).toMatchObject({ name: 'restart-nginx', version: 1, source: RUNBOOK('nginx'), created_by: expect.stringMatching(/^fleet apply \(user:/) });
    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
  });

  it('a changed source plans one update and saves a new version', async () => {
    const changed = fileWith(RUNBOOK('apache2'));
    expect((await plan(changed)).changes).toEqual([{ action: 'update', kind: 'runbooks', key: 'restart-nginx', drift: false, fields: [{ field: 'source', before: RUNBOOK('nginx'), after: RUNBOOK('apache2') }] }]);
    expect((await apply(changed)).applied).toBe(true);
    expect((await runbooks(owner.tenantId))[0]).toMatchObject({ version: 2, source: RUNBOOK('apache2') });
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('a runbook saved in the dashboard shows as drift', async () => {
    const { runbooks: list } = await ops.ok<{ runbooks: { nodes: { id: string }[] } }>('{ runbooks { nodes { id } } }');
    await ops.ok('mutation($id: ID!, $i: RunbookSourceInput!) { updateRunbook(id: $id, input: $i) { version } }', { id: list.nodes[0]!.id, i: { source: RUNBOOK('haproxy') } });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([{ kind: 'runbooks', key: 'restart-nginx', changedAt: expect.any(String), fields: [{ field: 'source', before: RUNBOOK('nginx'), after: RUNBOOK('haproxy') }] }]);
    expect(drifted.changes).toMatchObject([{ action: 'update', kind: 'runbooks', key: 'restart-nginx', drift: true }]);
    expect((await apply(FILE)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('bad runbooks are reported with line and field (the runbook\'s own path too), nothing applied', async () => {
    const before = await runbooks(owner.tenantId);
    const broken = `${FILE}  - name: other\n    source: |\n      name: not-other\n      steps:\n        - { name: x, type: ssh.exec, with: { host: web-01, argv: [ls] } }\n  - name: broken\n    source: |\n      name: broken\n      steps:\n        - { name: x, type: ssh.exec, with: { argv: [ls] } }\n  - { name: nothing }\n`;
    const read = await apply(broken);
    expect(read.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['21: runbook nothing: give the runbook either its source (inline) or a file beside the fleet file, one of them']);
    const server = await apply(broken.replace('  - { name: nothing }\n', ''));
    expect(server.applied).toBe(false);
    expect(server.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '11: runbook other, name: the runbook\'s source names it not-other: the two names must be the same',
      '17: runbook broken, source: steps[0].with.host: is required',
    ]);
    const sentNoText = await apply('version: 1\nrunbooks:\n  - { name: restart-nginx, file: restart.yaml }\n');
    expect(sentNoText.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['3: runbook restart-nginx, file: the text of restart.yaml was not sent (the CLI reads it beside the fleet file and sends it)']);
    expect(await runbooks(owner.tenantId)).toEqual(before);
  });

  it('the CLI sends a runbook written as file: beside the fleet file as its source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleet-'));
    await writeFile(join(dir, 'restart.yaml'), RUNBOOK('nginx'));
    const text = 'version: 1\nrunbooks:\n  - { name: restart-nginx, file: restart.yaml }\n';
    const read = readFleet(join(dir, 'fleet.yaml'), text);
    expect(read.problems).toEqual([]);
    const inlined = await inlineRunbookFiles((read.source as FleetSource).toJS(), read.source as FleetSource, join(dir, 'fleet.yaml'));
    expect(inlined.problems).toEqual([]);
    expect(await plan(JSON.stringify(inlined.data))).toMatchObject({ problems: [], changes: [], drift: [] });
    const missing = await inlineRunbookFiles((readFleet('fleet.yaml', text.replace('restart.yaml', 'gone.yaml')).source as FleetSource).toJS(), read.source as FleetSource, join(dir, 'fleet.yaml'));
    expect(missing.problems.map((p) => `${p.line}: ${p.field}: ${p.message.slice(0, 21)}`)).toEqual(['3: runbook restart-nginx, file: cannot read gone.yaml']);
  });

  it('a runbook a resource uses is not deleted by a prune (refused with the reason), only detached', async () => {
    const hosts = 'hosts:\n  - { name: dns-a, addresses: [192.0.2.31] }\n  - { name: dns-b, addresses: [192.0.2.32] }\n';
    expect((await apply(`${FILE.replace('runbooks:', `${hosts}runbooks:`)}`)).applied).toBe(true);
    const ids = await sql(`SELECT id FROM hosts WHERE tenant_id = $1 ORDER BY name`, [owner.tenantId]);
    const [book] = await sql(`SELECT id FROM runbooks WHERE tenant_id = $1`, [owner.tenantId]);
    const admin = await api.as('admin', owner);
    await admin.ok('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'www-dns', kind: 'dns_record', config: { server: '192.0.2.53', zone: 'shop.test', name: 'www' }, members: ids.map((h: { id: string }) => ({ hostId: h.id })), runbookId: book.id },
    });
    const without = `version: 1\n${hosts}`;
    const refused = await apply(without);
    expect(refused.applied).toBe(false);
    expect(refused.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^runbook restart-nginx is no longer in the file but resource www-dns uses it/)]);
    expect((await apply(without, ops, false)).applied).toBe(true);
    expect((await runbooks(owner.tenantId)).map((r) => r.name)).toEqual(['restart-nginx']);
    expect((await apply(FILE.replace('runbooks:', `${hosts}runbooks:`))).applied).toBe(true);
  });

  it('export writes the source inline and applies as a no-op; another tenant\'s runbooks are its own', async () => {
    const { fleetExport } = await ops.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toContain('runbooks:\n  - name: restart-nginx\n    source: |');
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
    const other = await api.tenant('otherbook');
    const theirs = api.client(other.token);
    expect((await plan(FILE, theirs)).changes).toMatchObject([{ action: 'create', kind: 'runbooks', key: 'restart-nginx' }]);
    expect((await apply(fileWith(RUNBOOK('caddy')), theirs)).applied).toBe(true);
    expect((await runbooks(other.tenantId)).map((r) => r.source)).toEqual([RUNBOOK('caddy')]);
    expect((await runbooks(owner.tenantId)).map((r) => r.source)).toEqual([RUNBOOK('nginx')]);
  });
});
