import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleet, writeFleet } from '#lib/fleet';
import { fleetCalls, type FleetResult } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

// The tenant's default vantage assignment in a fleet file (issue 16): `tenant: { vantages }`, vantages' table, through
// its VantageFleetPort, by the rules of setVantageDefaults.
const FILE = `version: 1
tenant:
  vantages: { from: [fra-1, ams-1], quorum: 2 }
hosts:
  - { name: web-01, addresses: [192.0.2.10] }
`;
const lines = (r: FleetResult) => r.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`);

describe('fleet files: the tenant\'s default vantage assignment (vantages\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let admin: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => admin);
  const defaults = async (tenantId: string) => (await sql(
    `SELECT (SELECT array_agg(v.name ORDER BY v.name) FROM vantages v WHERE v.id = ANY(d.vantage_ids)) AS vantages, d.quorum, d.vantage_count AS count
       FROM tenant_vantage_defaults d WHERE d.tenant_id = $1`,
    [tenantId],
  ))[0] ?? null;
  const createVantage = (client: ApiClient, name: string) => client.ok('mutation($i: CreateVantageInput!) { createVantage(input: $i) { token } }', { i: { name, kind: 'private' } });

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('tenantdefaults');
    admin = await api.as('admin', owner);
    for (const name of ['fra-1', 'ams-1', 'lis-1']) await createVantage(admin, name);
  });
  afterAll(() => api?.close());

  it('reads tenant: as a mapping and writes it back the same', () => {
    const read = readFleet('fleet.yaml', FILE);
    expect(read.problems).toEqual([]);
    expect(read.document!.tenant).toEqual([{ name: 'tenant', vantages: { from: ['fra-1', 'ams-1'], quorum: 2, count: null } }]);
    const again = readFleet('again.yaml', writeFleet(read.document!));
    expect(again.document).toEqual(read.document);
    expect(writeFleet(read.document!)).toMatch(/^version: 1\ntenant:\n {2}vantages:\n/);
    const bad = readFleet('fleet.yaml', 'version: 1\ntenant:\n  vantages: { from: [], quorum: 0 }\n  colour: blue\n');
    expect(bad.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '3: tenant, vantages.from: must name at least one vantage (or leave it out for every platform vantage)',
      '3: tenant, vantages.quorum: must be at least 1',
      '4: tenant, colour: is not a field here',
    ]);
    expect(readFleet('fleet.yaml', 'tenant: [a]\n').problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['1: tenant: must be a mapping of the tenant\'s settings (vantages:)']);
  });

  it('sets the default by vantage names, and plans nothing afterwards', async () => {
    const first = await plan(FILE);
    expect(first.problems).toEqual([]);
    expect(first.changes.filter((c) => c.kind === 'tenant')).toEqual([{
      action: 'update', kind: 'tenant', key: 'tenant', drift: false,
      fields: [{ field: 'vantages', before: null, after: { from: ['ams-1', 'fra-1'], quorum: 2, count: null } }],
    }]);
    expect((await apply(FILE)).applied).toBe(true);
    expect(await defaults(owner.tenantId)).toEqual({ vantages: ['ams-1', 'fra-1'], quorum: 2, count: null });
    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
    // The same default written another way (names in another order).
    expect((await plan(FILE.replace('[fra-1, ams-1]', '[ams-1, fra-1]'))).changes).toEqual([]);
  });

  it('a field changed in the file plans exactly one update; a file without tenant: leaves it alone', async () => {
    expect((await plan(FILE.replace('quorum: 2', 'quorum: 1'))).changes).toEqual([
      { action: 'update', kind: 'tenant', key: 'tenant', drift: false, fields: [{ field: 'vantages.quorum', before: 2, after: 1 }] },
    ]);
    const without = FILE.replace(/tenant:\n.*\n/, '');
    expect(await plan(without)).toMatchObject({ changes: [], drift: [], unmanaged: 0 });
    expect((await plan(FILE.replace('  vantages: { from: [fra-1, ams-1], quorum: 2 }\n', '  {}\n'))).changes).toEqual([]);
  });

  it('a default changed through the API shows as drift with its time; the file puts it back; null removes it', async () => {
    await admin.ok('mutation { setVantageDefaults(input: { quorum: 1 }) }');
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([expect.objectContaining({
      kind: 'tenant', key: 'tenant', changedAt: expect.any(String),
      fields: [{ field: 'vantages.from', before: ['ams-1', 'fra-1'], after: null }, { field: 'vantages.quorum', before: 2, after: 1 }],
    })]);
    expect(drifted.changes).toEqual([{ action: 'update', kind: 'tenant', key: 'tenant', drift: true, fields: [{ field: 'vantages.from', before: null, after: ['ams-1', 'fra-1'] }, { field: 'vantages.quorum', before: 1, after: 2 }] }]);
    expect((await apply(FILE)).applied).toBe(true);
    expect(await defaults(owner.tenantId)).toEqual({ vantages: ['ams-1', 'fra-1'], quorum: 2, count: null });
    expect((await apply(FILE.replace('vantages: { from: [fra-1, ams-1], quorum: 2 }', 'vantages: null'))).applied).toBe(true);
    expect(await defaults(owner.tenantId)).toBeNull();
    expect((await apply(FILE)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('export writes the default by name and applies as a no-op', async () => {
    const { fleetExport } = await admin.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toMatch(/\nversion: 1\ntenant:\n {2}vantages:\n {4}from:\n {6}- ams-1\n {6}- fra-1\n {4}quorum: 2\n/);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
    expect((await apply(fleetExport)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('bad defaults are refused at their line by the API\'s rules, nothing applied; an operator may not change it', async () => {
    const before = await defaults(owner.tenantId);
    const bad = await apply(FILE.replace('quorum: 2', 'quorum: 3'));
    expect(bad.applied).toBe(false);
    expect(lines(bad)).toEqual(['3: tenant, vantages.quorum: 3 is more than the 2 vantage(s) assigned: down could never be confirmed']);
    const unknown = await apply(FILE.replace('[fra-1, ams-1]', '[fra-1, nowhere-9]'));
    expect(lines(unknown)).toEqual(['3: tenant, vantages.from[1]: vantage nowhere-9 is not one this tenant can use (the platform\'s and its own live vantages)']);
    const count = await apply(FILE.replace('quorum: 2', 'count: 4'));
    expect(lines(count)).toEqual(['3: tenant, vantages.count: must be between 1 and the 2 vantage(s) it chooses from (or leave it out for all of them)']);
    const operator = await api.as('operator', owner);
    const refused = await apply(FILE.replace('quorum: 2', 'quorum: 1'), operator);
    expect(lines(refused)).toEqual(['3: tenant, vantages: changing the tenant\'s default vantages takes the admin role (as in the dashboard)']);
    expect(await defaults(owner.tenantId)).toEqual(before);
  });

  it('another tenant: this tenant\'s vantage names are not ones it can use, and nothing of it changes', async () => {
    const other = await api.tenant('othertenantdefaults');
    const theirAdmin = await api.as('admin', other);
    await createVantage(theirAdmin, 'their-1');
    const borrowed = await apply(FILE, theirAdmin);
    expect(borrowed.applied).toBe(false);
    expect(lines(borrowed)).toEqual([
      '3: tenant, vantages.from[0]: vantage fra-1 is not one this tenant can use (the platform\'s and its own live vantages)',
      '3: tenant, vantages.from[1]: vantage ams-1 is not one this tenant can use (the platform\'s and its own live vantages)',
    ]);
    expect(await defaults(other.tenantId)).toBeNull();
    // Nor does this tenant see theirs.
    expect(lines(await apply(FILE.replace('[fra-1, ams-1]', '[their-1]').replace('quorum: 2', 'quorum: 1')))).toEqual(['3: tenant, vantages.from[0]: vantage their-1 is not one this tenant can use (the platform\'s and its own live vantages)']);
    expect((await apply(FILE.replace('[fra-1, ams-1]', '[their-1]').replace('quorum: 2', 'quorum: 1'), theirAdmin)).applied).toBe(true);
    expect(await defaults(other.tenantId)).toEqual({ vantages: ['their-1'], quorum: 1, count: null });
    expect(await defaults(owner.tenantId)).toEqual({ vantages: ['ams-1', 'fra-1'], quorum: 2, count: null });
  });
});
