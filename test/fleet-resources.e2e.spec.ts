import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetSource, readFleet } from '#lib/fleet';
import { resolveSecrets } from '../apps/cli/src/commands/fleet-secrets.js';
import { APPLY, fleetCalls, type FleetResult as Result } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

// Resources (failover units) in a fleet file (issue 16): runbooks' table, through its ResourceFleetPort.
const FILE = `version: 1
hosts:
  - { name: web-01, addresses: [192.0.2.10] }
  - { name: web-02, addresses: [192.0.2.11] }
  - { name: db-01, addresses: [192.0.2.20] }
  - { name: db-02, addresses: [192.0.2.21] }
monitors:
  - { name: http, host: web-01, type: tcp, config: { port: 80 } }
  - { name: http, host: web-02, type: tcp, config: { port: 80 } }
  - { name: mysql, host: db-01, type: tcp, config: { port: 3306 } }
  - { name: mysql, host: db-02, type: tcp, config: { port: 3306 } }
resources:
  - name: web-vip
    kind: vip_group
    config: { address: 10.0.0.100/24, interface: eth0 }
    members:
      - { host: web-01, monitors: [http] }
      - { host: web-02, monitors: [web-02/http] }
    cooldownMinutes: 10
    failback: auto
  - name: db
    kind: mysql_group
    config: { writerAddress: 10.0.1.100/24, writerInterface: eth0 }
    members: [{ host: db-01, monitors: [mysql] }, { host: db-02, monitors: [mysql] }]
    approvalRequired: true
    secrets: { user: { env: DB_ADMIN_USER }, password: { env: DB_ADMIN_PASSWORD } }
`;
const PASSWORD = 'S3cret-admin-pw';
const SECRETS = { 'resource:db': { user: 'vigia', password: PASSWORD } };
const lines = (r: Result) => r.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`);

describe('fleet files: resources (runbooks\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let ops: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => ops);
  const resources = (tenantId: string) => sql(`SELECT r.id, r.name, r.kind, r.config, r.members, r.primary_host_id, r.approval_required, r.cooldown_minutes, r.failback, r.secret_sealed, b.name AS runbook, rb.name AS recovery
    FROM resources r LEFT JOIN runbooks b ON b.id = r.runbook_id LEFT JOIN runbooks rb ON rb.id = r.recovery_runbook_id WHERE r.tenant_id = $1 ORDER BY r.name`, [tenantId]);
  const ids = async (table: 'hosts' | 'monitors', tenantId: string) => new Map((await sql(
    table === 'hosts' ? `SELECT id, name FROM hosts WHERE tenant_id = $1` : `SELECT m.id, h.name || '/' || m.name AS name FROM monitors m JOIN hosts h ON h.id = m.host_id WHERE m.tenant_id = $1`, [tenantId],
  )).map((r: { id: string; name: string }) => [r.name, r.id]));

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('resourceco');
    ops = await api.as('operator', owner);
  });
  afterAll(() => api?.close());

  it('creates a VIP group and a MySQL group with members, monitors and the built-in runbooks, secrets sealed; plans nothing afterwards', async () => {
    const first = await plan(FILE);
    expect(first.problems).toEqual([]);
    expect(first.changes.filter((c) => c.kind === 'resources').map((c) => `${c.action} ${c.key}`)).toEqual(['create web-vip', 'create db']);
    const unsent = await apply(FILE);
    expect(unsent.applied).toBe(false);
    expect(lines(unsent)).toEqual([
      '26: resource db, secrets.user: the value of {"env":"DB_ADMIN_USER"} was not sent (the CLI reads it from the environment or the secrets file)',
      '26: resource db, secrets.password: the value of {"env":"DB_ADMIN_PASSWORD"} was not sent (the CLI reads it from the environment or the secrets file)',
    ]);
    expect(await resources(owner.tenantId)).toEqual([]);
    const applied = await apply(FILE, ops, true, SECRETS);
    expect(applied.problems).toEqual([]);
    expect(applied.applied).toBe(true);

    const hosts = await ids('hosts', owner.tenantId);
    const monitors = await ids('monitors', owner.tenantId);
    const [db, vip] = await resources(owner.tenantId);
    expect(vip).toMatchObject({
      name: 'web-vip', kind: 'vip_group', config: { address: '10.0.0.100/24', interface: 'eth0' }, primary_host_id: hosts.get('web-01'), cooldown_minutes: 10, failback: 'auto',
      runbook: 'builtin/web-vip-failover', recovery: null, secret_sealed: null,
      members: [{ hostId: hosts.get('web-01'), monitorIds: [monitors.get('web-01/http')], weight: null, value: null }, { hostId: hosts.get('web-02'), monitorIds: [monitors.get('web-02/http')], weight: null, value: null }],
    });
    expect(db).toMatchObject({ kind: 'mysql_group', approval_required: true, runbook: 'builtin/mysql-failover', primary_host_id: hosts.get('db-01') });
    expect(db.secret_sealed).toMatch(/^v1:/);
    expect(db.secret_sealed).not.toContain(PASSWORD);
    // The members' check the dashboard's save runs (a MySQL group's boot configuration over SSH) ran after the commit:
    // these hosts have no SSH access, which each member's warning says; a VIP group's kind checks nothing.
    expect(db.members.map((m: { warning?: string }) => m.warning)).toEqual([expect.stringMatching(/^not checked: /), expect.stringMatching(/^not checked: /)]);
    expect(vip.members.map((m: { warning?: string }) => m.warning)).toEqual([undefined, undefined]);
    // The API reads them as resources it made itself (its secrets by name only).
    const { resources: listed } = await ops.ok<{ resources: { nodes: { name: string; storedSecrets: string[] }[] } }>('{ resources { nodes { name storedSecrets } } }');
    expect(listed.nodes).toEqual([{ name: 'db', storedSecrets: ['password', 'user'] }, { name: 'web-vip', storedSecrets: [] }]);

    expect(await plan(FILE)).toMatchObject({ problems: [], changes: [], drift: [] });
    // Naming the built-in runbook the kind binds anyway is the same resource.
    expect((await plan(FILE.replace('failback: auto', 'failback: auto\n    runbook: builtin/web-vip-failover'))).changes).toEqual([]);
  });

  it('a field changed in the file plans one update; a change through the API shows as drift and the file puts it back', async () => {
    expect((await plan(FILE.replace('cooldownMinutes: 10', 'cooldownMinutes: 15'))).changes).toEqual([
      { action: 'update', kind: 'resources', key: 'web-vip', drift: false, fields: [{ field: 'cooldownMinutes', before: 10, after: 15 }] },
    ]);
    const [db, vip] = await resources(owner.tenantId);
    await ops.ok('mutation($id: ID!, $i: ResourceInput!) { updateResource(id: $id, input: $i) { id } }', { id: vip.id, i: { config: { address: '10.0.0.200/24', interface: 'eth0' } } });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([
      { kind: 'resources', key: 'web-vip', changedAt: expect.any(String), fields: [{ field: 'config.address', before: '10.0.0.100/24', after: '10.0.0.200/24' }] },
    ]);
    expect(drifted.changes).toEqual([
      { action: 'update', kind: 'resources', key: 'web-vip', drift: true, fields: [{ field: 'config.address', before: '10.0.0.200/24', after: '10.0.0.100/24' }] },
    ]);
    // No secret values sent: the sealed ones stay.
    expect((await apply(FILE)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
    const [dbAfter, vipAfter] = await resources(owner.tenantId);
    expect(vipAfter.config).toEqual({ address: '10.0.0.100/24', interface: 'eth0' });
    expect(vipAfter.members).toEqual(vip.members);
    expect(dbAfter.secret_sealed).toBe(db.secret_sealed);
    // A changed policy on the MySQL group without secret values sent keeps its sealed secrets as they are.
    expect((await apply(FILE.replace('approvalRequired: true', 'approvalRequired: false'))).applied).toBe(true);
    expect((await resources(owner.tenantId))[0]).toMatchObject({ approval_required: false, secret_sealed: db.secret_sealed });
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('a bad kind, config or member is refused at its field, and nothing is applied', async () => {
    const before = await resources(owner.tenantId);
    const read = (await ops.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('kind: vip_group', 'kind: floating_ip').replace('{ host: web-02, monitors: [web-02/http] }', '{ host: web-02, monitors: [web-01/http] }') })).applyFleet;
    expect(lines(read)).toEqual([
      '14: resource web-vip, kind: must be one of vip_group, dns_record, lb_pool, mysql_group, vm',
      '18: resource web-vip, members[1].monitors[0]: monitor web-01/http does not watch web-02 (a member\'s monitors are those of its host)',
    ]);
    // The kind's own rules, checked on the server as the API checks them (createResource).
    const server = await apply(FILE.replace('address: 10.0.0.100/24', 'address: 10.0.0.100').replace('config: { writerAddress: 10.0.1.100/24, writerInterface: eth0 }', 'config: { port: 99999 }').replace('cooldownMinutes: 10', 'cooldownMinutes: 1'), ops, true, SECRETS);
    expect(server.applied).toBe(false);
    expect(server.changes).toEqual([]);
    expect(lines(server)).toEqual([
      '15: resource web-vip, config.address: must be an IPv4 address with prefix length, e.g. 10.0.0.100/24',
      '23: resource db, config.port: must be an integer from 1 to 65535',
    ]);
    const unknown = await apply(FILE.replace('interface: eth0 }', 'interface: eth0, colour: red }'));
    expect(lines(unknown)).toEqual(['15: resource web-vip, config.colour: is not a setting of a vip_group resource (known: address, interface, mode, trackFile, demoteWeight, flapStableSeconds)']);
    // Without a writer address the built-in MySQL failover cannot work: refused, as the API refuses it.
    const needs = await apply(FILE.replace('config: { writerAddress: 10.0.1.100/24, writerInterface: eth0 }', 'config: {}'));
    expect(lines(needs)).toEqual([expect.stringMatching(/^23: resource db, config\.writerAddress: is required for a MySQL group with the built-in failover/)]);
    expect(await resources(owner.tenantId)).toEqual(before);
  });

  it('export writes resources by name, secrets as references (never values), and applies as a no-op', async () => {
    const { fleetExport } = await ops.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toContain('resources:\n');
    expect(fleetExport).toContain('- host: web-01\n        monitors:\n          - web-01/http');
    expect(fleetExport).toContain('password:\n        env: DB_ADMIN_PASSWORD');
    expect(fleetExport).not.toContain(PASSWORD);
    // Who is primary is the failovers' to change: an export does not write it.
    expect(readFleet('export.yaml', fleetExport).document!.resources.map((r) => r.primary)).toEqual([undefined, undefined]);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
    // A resource made in the dashboard with a secret: a placeholder reference, adopted by the file that names it.
    const hosts = await ids('hosts', owner.tenantId);
    await ops.ok('mutation($i: ResourceInput!) { createResource(input: $i) { id } }', {
      i: { name: 'www-dns', kind: 'dns_record', config: { server: '192.0.2.53', zone: 'shop.test', name: 'www' }, members: [{ hostId: hosts.get('web-01') }], secrets: { tsigSecret: 'c2VjcmV0' } },
    });
    const again = (await ops.ok<{ fleetExport: string }>('{ fleetExport }')).fleetExport;
    expect(again).toContain('env: VIGIA_SECRET_RESOURCE_WWW_DNS_TSIGSECRET');
    expect(again).not.toContain('c2VjcmV0');
    expect(await plan(again)).toMatchObject({ problems: [], changes: [], drift: [] });
    expect((await plan(FILE)).unmanaged).toBeGreaterThan(0);
    await ops.ok('mutation($id: ID!) { deleteResource(id: $id) }', { id: (await resources(owner.tenantId)).find((r) => r.name === 'www-dns').id });
  });

  it('prune deletes a resource removed from the file; one with an active run is refused in words; --prune=false detaches', async () => {
    const withoutVip = FILE.slice(0, FILE.indexOf('  - name: web-vip')) + FILE.slice(FILE.indexOf('  - name: db'));
    expect((await plan(withoutVip)).changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['delete resources web-vip']);
    const [, vip] = await resources(owner.tenantId);
    const [book] = await sql(`SELECT id FROM runbooks WHERE tenant_id = $1 AND name = 'builtin/web-vip-failover'`, [owner.tenantId]);
    const [run] = await sql(`INSERT INTO runbook_runs (tenant_id, runbook_id, runbook_version, runbook_name, resource_id, lock_key, trigger, actor, params, definition, status)
      VALUES ($1, $2, 1, 'builtin/web-vip-failover', $3, $4, 'manual', 'test', '{}', '{}', 'waiting_approval') RETURNING id`, [owner.tenantId, book.id, vip.id, `test:${vip.id}`]);
    const refused = await apply(withoutVip);
    expect(refused.applied).toBe(false);
    expect(refused.problems.map((p) => p.message)).toEqual([`resource web-vip is no longer in the file but has an active run (${run.id}): it cannot be deleted until the run ends or is aborted (or apply with --prune=false)`]);
    expect((await apply(withoutVip, ops, false)).changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['detach resources web-vip']);
    expect((await resources(owner.tenantId)).map((r) => r.name)).toEqual(['db', 'web-vip']);
    await sql(`UPDATE runbook_runs SET status = 'aborted' WHERE id = $1`, [run.id]);
    expect((await apply(FILE)).applied).toBe(true);
    expect((await apply(withoutVip)).changes.map((c) => `${c.action} ${c.key}`)).toEqual(['delete web-vip']);
    expect((await resources(owner.tenantId)).map((r) => r.name)).toEqual(['db']);
    expect((await apply(FILE)).applied).toBe(true);
  });

  it('the CLI reads a resource\'s secrets from their references and sends them under resource:<name>', async () => {
    const read = readFleet('fleet.yaml', FILE);
    const sent = await resolveSecrets(read.document!, read.source as FleetSource, '/tmp/fleet.yaml', { DB_ADMIN_USER: 'vigia', DB_ADMIN_PASSWORD: PASSWORD });
    expect(sent).toEqual({ values: SECRETS, problems: [] });
    const unset = await resolveSecrets(read.document!, read.source as FleetSource, '/tmp/fleet.yaml', { DB_ADMIN_USER: 'vigia' });
    expect(unset.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['26: resource db, secrets.password: environment variable DB_ADMIN_PASSWORD is not set']);
  });

  it('another tenant: a host name of this tenant is "not defined"; the same file makes that tenant\'s own resources', async () => {
    const other = await api.tenant('otherresource');
    const theirs = await api.as('operator', other);
    const borrowed = 'version: 1\nresources:\n  - { name: stolen, kind: vip_group, config: { address: 10.0.0.1/24, interface: eth0 }, members: [{ host: web-01 }] }\n';
    expect(lines((await theirs.ok<{ applyFleet: Result }>(APPLY, { d: borrowed })).applyFleet)).toEqual(['3: resource stolen, members[0].host: host web-01 is not defined in this file']);
    const hosts = await ids('hosts', owner.tenantId);
    const byId = (await theirs.ok<{ applyFleet: Result }>(APPLY, { d: borrowed.replace('host: web-01', `host: ${hosts.get('web-01')}`) })).applyFleet;
    expect(byId.problems.map((p) => p.message)).toEqual([expect.stringMatching(/is a database id|must be a host name/)]);
    expect((await apply(FILE, theirs, true, SECRETS)).applied).toBe(true);
    const mine = await resources(owner.tenantId);
    const theirsNow = await resources(other.tenantId);
    expect(theirsNow.map((r) => r.name)).toEqual(['db', 'web-vip']);
    expect(theirsNow.map((r) => r.id)).not.toContain(mine[0].id);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('a VM\'s storage folder is its tenant\'s alone: another tenant\'s file naming a folder inside it is refused at its line', async () => {
    const vm = (path: string) => `  - { name: app-vm, kind: vm, config: { driver: libvirt, domain: app, storagePath: ${path} }, members: [{ host: web-01 }, { host: web-02 }] }\n`;
    expect((await apply(FILE + vm('/srv/vms/resourceco'), ops, true, SECRETS)).applied).toBe(true);
    const other = await api.tenant('foldersteal');
    const theirs = await api.as('operator', other);
    const refused = await apply(FILE + vm('/srv/vms/resourceco/inside'), theirs, true, SECRETS);
    expect(refused.applied).toBe(false);
    expect(lines(refused)).toEqual(["27: resource app-vm, config.storagePath: overlaps the storagePath of another tenant's vm resource: each tenant needs a folder of its own"]);
    expect(await resources(other.tenantId)).toEqual([]);
    expect((await apply(FILE + vm('/srv/vms/foldersteal'), theirs, true, SECRETS)).applied).toBe(true);
    expect((await resources(other.tenantId)).map((r) => r.name)).toEqual(['app-vm', 'db', 'web-vip']);
  });

  it('a runbook of the file bound to a resource: rebinding the resource, or removing both, prunes the runbook in the same apply', async () => {
    const book = 'runbooks:\n  - { name: move-vip, source: "name: move-vip\\nsteps:\\n  - { name: say, type: notify, with: { message: moving } }\\n" }\n';
    const bound = FILE.replace('resources:\n', `${book}resources:\n`).replace('failback: auto', 'failback: auto\n    runbook: move-vip');
    expect((await apply(bound, ops, true, SECRETS)).problems).toEqual([]); // (the VM of the test before is pruned)
    expect((await resources(owner.tenantId)).find((r) => r.name === 'web-vip').runbook).toBe('move-vip');
    // Back to the built-in and the runbook gone from the file: the resource no longer holds it.
    const rebound = await apply(FILE);
    expect(rebound.problems).toEqual([]);
    expect(rebound.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['delete runbooks move-vip', 'update resources web-vip']);
    expect((await resources(owner.tenantId)).find((r) => r.name === 'web-vip').runbook).toBe('builtin/web-vip-failover');
    expect((await apply(bound)).applied).toBe(true);
    const withoutBoth = bound.replace(book, '').slice(0, bound.replace(book, '').indexOf('  - name: web-vip')) + bound.slice(bound.indexOf('  - name: db'));
    const pruned = await apply(withoutBoth);
    expect(pruned.problems).toEqual([]);
    expect(pruned.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['delete runbooks move-vip', 'delete resources web-vip']);
    expect((await resources(owner.tenantId)).map((r) => r.name)).toEqual(['db']);
    expect(await sql(`SELECT name FROM runbooks WHERE tenant_id = $1 AND name = 'move-vip'`, [owner.tenantId])).toEqual([]);
  });
});
