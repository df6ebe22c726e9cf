import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleet } from '#lib/fleet';
import { FLEET_COUNTS, generateFleetFile } from '../bench/fleet-file.js';
import { APPLY, fleetCalls, type FleetResult as Result, PLAN } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

/** What the CLI sends: the file's data as JSON (it keeps the text to place problems). */
const data = (text: string): string => {
  const read = readFleet('fleet.yaml', text);
  expect(read.problems).toEqual([]);
  return JSON.stringify((read.source as unknown as { toJS(): unknown }).toJS());
};
/** The values of the generated fleet's secret references, as the CLI reads them from the environment: by monitor key (host/name). */
const SECRETS = Object.fromEntries(Array.from({ length: 10 }, (_, h) => String(h + 1).padStart(2, '0')).flatMap((h) =>
  Array.from({ length: 18 }, (_, k) => [`db-${h}/db-${h}-check-${String(k + 1).padStart(2, '0')}`, { password: 'monitor-pw' }])));

describe('fleet as code through the API (plan, apply, drift, export)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let ops: ApiClient;
  const fleet = generateFleetFile();
  // Read once: the file's data is what the CLI sends (reading 1,200 monitors of YAML takes a while on a loaded machine).
  const fleetData = data(fleet);
  // Also read before any request: a long pause between two requests on a loaded machine lets the server close the
  // kept-alive connection just as the next one is sent.
  const changedData = data(generateFleetFile({ web01Interval: '30s' }));
  const smaller = fleet.replace(/ {2}- \{ name: customer-0500,.*\n/, '').replace(', customer-0500]', ']').replace('customer-0500, ', '');
  const smallerData = data(smaller);
  const calls = fleetCalls(() => api, () => ops);
  const plan = (text: string, prune = true) => calls.plan(text, ops, prune);
  const apply = (text: string, prune = true) => calls.apply(text, ops, prune, SECRETS);
  const { sql } = calls;
  const count = async (table: string) => Number((await sql(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = $1 AND deleted_at IS NULL`, [owner.tenantId]))[0].n);

  beforeAll(async () => {
    // API role only: the TEST-NET monitors must not be probed.
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('fleetco');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('plans the whole fleet, applies it in one go, and plans nothing afterwards', async () => {
    const first = await plan(fleetData);
    expect(first.problems).toEqual([]);
    const creates = (kind: string) => first.changes.filter((c) => c.action === 'create' && c.kind === kind).length;
    expect({ sites: creates('sites'), hosts: creates('hosts'), customers: creates('customers'), services: creates('services'), monitors: creates('monitors'), runbooks: creates('runbooks'), resources: creates('resources') }).toEqual(FLEET_COUNTS);
    expect(first.changes).toHaveLength(Object.values(FLEET_COUNTS).reduce((a, b) => a + b));
    expect(await count('monitors')).toBe(0);

    const applied = await apply(fleetData);
    expect(applied.problems).toEqual([]);
    expect(applied.applied).toBe(true);
    expect(await count('monitors')).toBe(1200);
    expect(await count('hosts')).toBe(60);
    expect(await count('customers')).toBe(500);
    const [db] = await sql(`SELECT m.config, m.secrets_sealed IS NOT NULL AS sealed, h.name AS jump FROM monitors m JOIN hosts d ON d.id = m.host_id JOIN hosts h ON h.id = d.ssh_jump_host_id WHERE m.name = 'db-03-check-07'`);
    expect(db).toEqual({ config: { user: 'monitor', password: '<sealed>', database: 'shop7' }, sealed: true, jump: 'web-01' });
    const [links] = await sql(`SELECT count(*)::int AS n FROM service_customers WHERE tenant_id = $1 AND ends_at IS NULL`, [owner.tenantId]);
    expect(links.n).toBe(500);
    // The 10 resources bound to the file's runbooks (no built-in installed), two runbooks on a schedule.
    expect((await sql(`SELECT count(*)::int AS n FROM resources r JOIN runbooks b ON b.id = r.runbook_id WHERE r.tenant_id = $1 AND b.name = 'vip-failover'`, [owner.tenantId]))[0].n).toBe(10);
    expect(await sql(`SELECT b.name, b.schedule_every_minutes AS every, r.name AS resource FROM runbooks b LEFT JOIN resources r ON r.id = b.schedule_resource_id WHERE b.tenant_id = $1 AND b.schedule_every_minutes IS NOT NULL ORDER BY b.name`, [owner.tenantId]))
      .toEqual([{ name: 'vip-drill', every: 1440, resource: 'vip-01' }, { name: 'weekly-report', every: 10080, resource: null }]);

    const again = await plan(fleetData);
    expect(again).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
  });

  it('a field changed in the file plans exactly one update, field by field', async () => {
    const changed = await plan(changedData);
    expect(changed.changes).toEqual([{ action: 'update', kind: 'monitors', key: 'web-01/web-01-check-02', drift: false, fields: [{ field: 'interval', before: '1m', after: '30s' }] }]);
  });

  it('a monitor changed through the API (as the dashboard does) shows as drift, and applying the file puts it back', async () => {
    const { monitors } = await ops.ok<{ monitors: { nodes: { id: string }[] } }>('{ monitors(filter: { search: "web-02-check-03" }) { nodes { id } } }');
    await ops.ok('mutation($id: ID!) { updateMonitor(id: $id, input: { timeoutMs: 4000 }) { id } }', { id: monitors.nodes[0]!.id });
    const drifted = await plan(fleetData);
    expect(drifted.drift).toEqual([{ kind: 'monitors', key: 'web-02/web-02-check-03', changedAt: expect.any(String), fields: [{ field: 'timeout', before: '10s', after: '4s' }] }]);
    expect(drifted.changes).toEqual([{ action: 'update', kind: 'monitors', key: 'web-02/web-02-check-03', drift: true, fields: [{ field: 'timeout', before: '4s', after: '10s' }] }]);
    expect((await apply(fleetData)).applied).toBe(true);
    expect(await plan(fleetData)).toMatchObject({ changes: [], drift: [] });
  });

  it('a broken file changes nothing and reports every problem, the server\'s own checks included', async () => {
    const before = await sql('SELECT count(*)::int AS n, max(updated_at) AS at FROM monitors WHERE tenant_id = $1', [owner.tenantId]);
    const broken = fleet
      .replace('addresses: [192.0.2.5]', 'addresses: [169.254.169.254]')
      .replace('{ name: web-06, site: lis1, addresses: [192.0.2.6], tags: [web] }', '{ name: web-06, site: lis1, addresses: [192.0.2.6], tags: [web], ssh: { credential: no-such-key } }')
      .replace('url: "https://192.0.2.9/site/4"', 'url: "http://169.254.169.254/latest/meta-data"')
      .replace('{ name: customer-0002,', '{ name: customer-0002, colour: red,');
    // Schema problems are found first (no other check runs on a file that does not read); then the server's.
    const schema = await ops.ok<{ applyFleet: Result }>(APPLY, { d: broken, s: SECRETS });
    expect(schema.applyFleet.applied).toBe(false);
    expect(schema.applyFleet.problems.map((p) => `${p.line}:${p.column}: ${p.field}: ${p.message}`)).toEqual(['73:28: customer customer-0002, colour: is not a field here']);
    const server = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: broken.replace(' colour: red,', ''), s: SECRETS })).applyFleet;
    expect(server.applied).toBe(false);
    expect(server.changes).toEqual([]);
    expect(server.problems.map((p) => `${p.field}: ${p.message.slice(0, 60)}`)).toEqual([
      expect.stringMatching(/^host web-05, addresses\[0\]: .*metadata/),
      'host web-06, ssh.credential: SSH credential no-such-key does not exist in this tenant (cr',
      expect.stringMatching(/^monitor web-09\/web-09-check-04, config\.url: /),
    ]);
    expect(server.problems.every((p) => p.line > 0)).toBe(true);
    expect(await sql('SELECT count(*)::int AS n, max(updated_at) AS at FROM monitors WHERE tenant_id = $1', [owner.tenantId])).toEqual(before);
  });

  it('an export applies as a no-op; secrets are exported as references, never values', async () => {
    const { fleetExport } = await ops.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).not.toContain('monitor-pw');
    expect(fleetExport).toContain('password:\n');
    expect(fleetExport).toMatch(/env: FLEET_DB_PASSWORD/);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
  });

  it('removed from the file: deleted with prune, detached (kept, unmanaged) without', async () => {
    expect((await plan(smallerData)).changes.map((c) => [c.action, c.key])).toEqual([['delete', 'customer-0500'], ['update', 'web-21/www']]);
    expect((await plan(smallerData, false)).changes.map((c) => [c.action, c.key])).toEqual([['detach', 'customer-0500'], ['update', 'web-21/www']]);
    expect((await apply(smallerData, false)).applied).toBe(true);
    expect(await count('customers')).toBe(500);
    expect(await plan(smallerData)).toMatchObject({ changes: [], unmanaged: 1 });
  });

  it('a viewer plans but cannot apply; another tenant sees none of it', async () => {
    const viewer = await api.as('viewer', owner);
    expect((await viewer.ok<{ fleetPlan: Result }>(PLAN, { d: fleetData })).fleetPlan.problems).toEqual([]);
    await viewer.fails(APPLY, { d: fleetData }, { code: 'FORBIDDEN' });
    const other = await api.tenant('otherco');
    const theirs = (await api.ok<{ fleetPlan: Result }>(PLAN, { d: fleetData }, other.token)).fleetPlan;
    expect(theirs.changes.every((c) => c.action === 'create')).toBe(true);
    expect(theirs.changes).toHaveLength(Object.values(FLEET_COUNTS).reduce((a, b) => a + b));
  });
});
