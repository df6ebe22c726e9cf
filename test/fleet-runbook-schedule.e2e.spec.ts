import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleet } from '#lib/fleet';
import { fleetCalls, type FleetResult } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

// A runbook's schedule in a fleet file (issue 16): `schedule: { everyMinutes, resource }`, runbooks' columns, through
// its RunbookFleetPort, by setRunbookSchedule's rule.
const RUNBOOK = `name: check-vip
params: { host: { type: host } }
steps:
  - { name: look, type: ssh.exec, with: { host: "{{ params.host }}", argv: [ip, addr] } }
`;
const indent = (text: string) => text.split('\n').map((l) => (l ? `      ${l}` : l)).join('\n');
const FILE = `version: 1
hosts:
  - { name: web-01, addresses: [192.0.2.10] }
  - { name: web-02, addresses: [192.0.2.11] }
resources:
  - name: web-vip
    kind: vip_group
    config: { address: 10.0.0.100/24, interface: eth0 }
    members: [{ host: web-01 }, { host: web-02 }]
runbooks:
  - name: check-vip
    schedule: { everyMinutes: 60, resource: web-vip }
    source: |
${indent(RUNBOOK)}`;
const lines = (r: FleetResult) => r.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`);

describe('fleet files: a runbook\'s schedule (runbooks\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string; email: string };
  let ops: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => ops);
  const scheduled = async (tenantId: string) => (await sql(
    `SELECT b.id, b.schedule_every_minutes AS every, r.name AS resource, b.next_run_at FROM runbooks b LEFT JOIN resources r ON r.id = b.schedule_resource_id WHERE b.tenant_id = $1 AND b.name = 'check-vip'`,
    [tenantId],
  ))[0];

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('runbookschedule');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('reads the schedule; a resource the file does not define is refused at its line', () => {
    const read = readFleet('fleet.yaml', FILE);
    expect(read.problems).toEqual([]);
    expect(read.document!.runbooks[0]!.schedule).toEqual({ everyMinutes: 60, resource: 'web-vip' });
    const bad = readFleet('fleet.yaml', FILE.replace('resource: web-vip', 'resource: db-vip').replace('everyMinutes: 60', 'everyMinutes: 0'));
    expect(bad.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['12: runbook check-vip, schedule.everyMinutes: must be 1 to 44640 minutes']);
    const unknown = readFleet('fleet.yaml', FILE.replace('resource: web-vip', 'resource: db-vip'));
    expect(unknown.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['12: runbook check-vip, schedule.resource: resource db-vip is not defined in this file']);
  });

  it('schedules the runbook for the resource created in the same apply, and plans nothing afterwards', async () => {
    const first = await plan(FILE);
    expect(first.problems).toEqual([]);
    expect(first.changes.find((c) => c.kind === 'runbooks')!.fields).toContainEqual({ field: 'schedule', before: null, after: { everyMinutes: 60, resource: 'web-vip' } });
    const before = Date.now();
    expect((await apply(FILE)).applied).toBe(true);
    const row = await scheduled(owner.tenantId);
    expect(row).toMatchObject({ every: 60, resource: 'web-vip' });
    // The first run one period after the apply, as setRunbookSchedule sets it.
    expect(new Date(row.next_run_at).getTime()).toBeGreaterThanOrEqual(before + 59 * 60_000);
    // (The resource's built-in failover runbook, installed by the apply, is the one object no file manages.)
    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 1, applied: false });
  });

  it('a field changed in the file plans exactly one update; a runbook without schedule: leaves it alone', async () => {
    expect((await plan(FILE.replace('everyMinutes: 60', 'everyMinutes: 30'))).changes).toEqual([
      { action: 'update', kind: 'runbooks', key: 'check-vip', drift: false, fields: [{ field: 'schedule.everyMinutes', before: 60, after: 30 }] },
    ]);
    expect((await plan(FILE.replace('    schedule: { everyMinutes: 60, resource: web-vip }\n', ''))).changes).toEqual([]);
  });

  it('a schedule changed through the API shows as drift; the file puts it back; null removes it', async () => {
    const { id } = await scheduled(owner.tenantId);
    await ops.ok('mutation($id: ID!) { setRunbookSchedule(id: $id, everyMinutes: 15) { id } }', { id });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([expect.objectContaining({
      kind: 'runbooks', key: 'check-vip', changedAt: expect.any(String),
      fields: [{ field: 'schedule.everyMinutes', before: 60, after: 15 }, { field: 'schedule.resource', before: 'web-vip', after: null }],
    })]);
    expect(drifted.changes).toEqual([{ action: 'update', kind: 'runbooks', key: 'check-vip', drift: true, fields: [{ field: 'schedule.everyMinutes', before: 15, after: 60 }, { field: 'schedule.resource', before: null, after: 'web-vip' }] }]);
    expect((await apply(FILE)).applied).toBe(true);
    expect(await scheduled(owner.tenantId)).toMatchObject({ every: 60, resource: 'web-vip' });
    expect((await apply(FILE.replace('schedule: { everyMinutes: 60, resource: web-vip }', 'schedule: null'))).applied).toBe(true);
    expect(await scheduled(owner.tenantId)).toMatchObject({ every: null, resource: null, next_run_at: null });
    // The source unchanged: no new version for a schedule.
    expect((await sql(`SELECT count(*)::int AS n FROM runbook_versions WHERE runbook_id = $1`, [id]))[0].n).toBe(1);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('export writes the schedule by resource name and applies as a no-op', async () => {
    const { fleetExport } = await ops.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toMatch(/schedule:\n\s+everyMinutes: 60\n\s+resource: web-vip/);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
    expect((await apply(fleetExport)).applied).toBe(true);
    expect(await plan(fleetExport)).toMatchObject({ changes: [], drift: [], unmanaged: 0 });
  });

  it('drift says who: the user of the last change through the API since the apply (the audit trail), or the runbook version\'s author; none for a change the API did not make', async () => {
    const DRIFT = `query($d: String!) { fleetPlan(document: $d) { drift { kind key changedAt changedBy fields { field } } } }`;
    const drift = async () => (await ops.ok<{ fleetPlan: { drift: { kind: string; key: string; changedAt: string | null; changedBy: string | null; fields: { field: string }[] }[] } }>(DRIFT, { d: FILE })).fleetPlan.drift;
    expect((await apply(FILE)).applied).toBe(true);
    const { id } = await scheduled(owner.tenantId);
    // Only the schedule: runbooks record no actor for it; the audit trail of the API's mutations does.
    await ops.ok('mutation($id: ID!) { setRunbookSchedule(id: $id, everyMinutes: 15, resourceId: null) { id } }', { id });
    const [{ actor }] = await sql(`SELECT actor FROM audit_log WHERE object_id = $1 AND action = 'setRunbookSchedule' ORDER BY id DESC LIMIT 1`, [id]);
    expect(actor).toMatch(/^operator-.*@runbookschedule\.test$/);
    expect(await drift()).toEqual([{ kind: 'runbooks', key: 'check-vip', changedAt: expect.any(String), changedBy: actor, fields: [{ field: 'schedule.everyMinutes' }, { field: 'schedule.resource' }] }]);
    // The source, by a user of the dashboard: its version records them.
    const editor = await api.as('operator', owner);
    await editor.ok('mutation($id: ID!, $s: String!) { updateRunbook(id: $id, input: { source: $s }) { id } }', { id, s: RUNBOOK.replace('[ip, addr]', '[ip, -br, addr]') });
    const [{ created_by: by }] = await sql('SELECT created_by FROM runbook_versions WHERE runbook_id = $1 ORDER BY version DESC LIMIT 1', [id]);
    expect(by).toMatch(/^operator-.*@runbookschedule\.test$/);
    expect(await drift()).toEqual([{ kind: 'runbooks', key: 'check-vip', changedAt: expect.any(String), changedBy: by, fields: [{ field: 'schedule.everyMinutes' }, { field: 'schedule.resource' }, { field: 'source' }] }]);
    // A host edited by the tenant's owner: named by the audit trail.
    const [{ id: hostId }] = await sql(`SELECT id FROM hosts WHERE tenant_id = $1 AND name = 'web-01'`, [owner.tenantId]);
    await api.ok('mutation($id: ID!) { updateHost(id: $id, input: { addresses: ["192.0.2.20"] }) { id } }', { id: hostId }, owner.token);
    expect((await drift()).find((d) => d.kind === 'hosts')).toEqual({ kind: 'hosts', key: 'web-01', changedAt: expect.any(String), changedBy: owner.email, fields: [{ field: 'addresses' }] });
    // A later mutation that only acts with the host (as "probe now" or "test" would) is in the trail, but changed nothing.
    await sql(`INSERT INTO audit_log (tenant_id, actor, action, object_id) VALUES ($1, 'bob@runbookschedule.test', 'probeNow', $2)`, [owner.tenantId, hostId]);
    expect((await drift()).find((d) => d.kind === 'hosts')!.changedBy).toBe(owner.email);
    // An apply of the file is no change outside it: afterwards, no drift and no actor.
    expect((await apply(FILE)).applied).toBe(true);
    expect(await drift()).toEqual([]);
    // A change the API did not make (here: straight in the database) after that apply: drift, and nobody named — the
    // owner's edit before the apply is not what drifted.
    await sql(`UPDATE hosts SET addresses = '{192.0.2.30}', updated_at = now() WHERE id = $1`, [hostId]);
    expect(await drift()).toEqual([{ kind: 'hosts', key: 'web-01', changedAt: expect.any(String), changedBy: null, fields: [{ field: 'addresses' }] }]);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('the audit trail: admins read it, newest first, by object; an operator may not; another tenant\'s entries never show', async () => {
    const { id } = await scheduled(owner.tenantId);
    await ops.ok('mutation($id: ID!) { setRunbookSchedule(id: $id, everyMinutes: 20) { id } }', { id });
    const AUDIT = 'query($o: ID) { auditLog(objectId: $o, first: 5) { actor action objectId at } }';
    const log = (await api.ok<{ auditLog: { actor: string; action: string; objectId: string | null; at: string }[] }>(AUDIT, { o: id }, owner.token)).auditLog;
    expect(log[0]).toEqual({ actor: expect.stringMatching(/^operator-.*@runbookschedule\.test$/), action: 'setRunbookSchedule', objectId: id, at: expect.any(String) });
    expect(log.every((e) => e.objectId === id)).toBe(true);
    // Without an object: the tenant's whole trail.
    expect((await api.ok<{ auditLog: { action: string }[] }>(AUDIT, { o: null }, owner.token)).auditLog.map((e) => e.action)).toContain('setRunbookSchedule');
    expect((await ops.gql(AUDIT, { o: id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = await api.tenant('otheraudit');
    expect((await api.ok<{ auditLog: unknown[] }>(AUDIT, { o: id }, other.token)).auditLog).toEqual([]);
    expect((await api.ok<{ auditLog: unknown[] }>(AUDIT, { o: null }, other.token)).auditLog).toEqual([]);
    // Bad input: the field named.
    expect((await api.gql('{ auditLog(first: 0) { id } }', {}, owner.token)).errors?.[0]?.message).toMatch(/first/);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('bad schedules are refused with the line, nothing applied; another tenant\'s resource name is not defined', async () => {
    const before = await scheduled(owner.tenantId);
    const bad = await apply(FILE.replace('everyMinutes: 60', 'everyMinutes: 50000'));
    expect(bad.applied).toBe(false);
    expect(lines(bad)).toEqual(['12: runbook check-vip, schedule.everyMinutes: must be 1 to 44640 minutes']);
    expect(await scheduled(owner.tenantId)).toEqual(before);
    const other = await api.tenant('otherschedule');
    const theirs = await api.as('operator', other);
    const borrowed = `version: 1\nrunbooks:\n  - name: check-vip\n    schedule: { everyMinutes: 5, resource: web-vip }\n    source: |\n${indent(RUNBOOK)}`;
    const refused = await apply(borrowed, theirs);
    expect(lines(refused)).toEqual(['4: runbook check-vip, schedule.resource: resource web-vip is not defined in this file']);
    expect(await scheduled(other.tenantId)).toBeUndefined();
    const byId = await apply(borrowed.replace('resource: web-vip', `resource: ${(await sql('SELECT id FROM resources WHERE tenant_id = $1', [owner.tenantId]))[0].id}`), theirs);
    expect(byId.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^is a database id/)]);
    expect(await scheduled(owner.tenantId)).toEqual(before);
  });
});
