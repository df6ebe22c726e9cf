import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetSource, readFleet } from '#lib/fleet';
import { resolveSecrets } from '../apps/cli/src/commands/fleet-secrets.js';
import { APPLY, fleetCalls, type FleetResult as Result } from './support/fleet-api.js';
import { startTestApi, type ApiClient, type TestApi } from './support/test-api.js';

// Alert channels and escalation policies in a fleet file (issue 16): alerts' tables, through its AlertFleetPort.
const FILE = `version: 1
customers:
  - { name: acme }
channels:
  - name: ops-mail
    type: email
    config: { to: [ops@example.com] }
  - name: ops-pager
    type: pagerduty
    secret: { env: PD_ROUTING_KEY }
escalation:
  - name: critical-web
    priority: 10
    match: { severities: [critical], serviceTypes: [web], customers: [acme], hostTags: [prod] }
    steps:
      - { delayMinutes: 0, channels: [ops-mail] }
      - { delayMinutes: 15, channels: [ops-pager, ops-mail] }
    repeatMinutes: 30
    quietHours: { start: "22:00", end: "07:00" }
`;
const ROUTING_KEY = 'R0ut1ngKey0123456789abcdefABCDEF';
const SECRETS = { 'channel:ops-pager': { secret: ROUTING_KEY } };
const lines = (r: Result) => r.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`);

describe('fleet files: alert channels and escalation policies (alerts\', through its port)', () => {
  let api: TestApi;
  let owner: { tenantId: string; slug: string; token: string };
  let admin: ApiClient;
  const { plan, apply, sql } = fleetCalls(() => api, () => admin);
  const channels = (tenantId: string) => sql(`SELECT id, name, type, config, enabled, secret_sealed FROM alert_channels WHERE tenant_id = $1 ORDER BY name`, [tenantId]);
  const policies = (tenantId: string) => sql(`SELECT id, name, match, steps, priority, repeat_minutes, quiet_hours FROM escalation_policies WHERE tenant_id = $1 ORDER BY name`, [tenantId]);

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    owner = await api.tenant('alertco');
    admin = await api.as('admin', owner);
  });
  afterAll(() => api?.close());

  it('creates channels and a policy by name (the secret sealed from its env reference), and plans nothing afterwards', async () => {
    const first = await plan(FILE);
    expect(first.problems).toEqual([]);
    expect(first.changes.filter((c) => c.kind !== 'customers').map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['create channels ops-mail', 'create channels ops-pager', 'create escalation critical-web']);
    expect(first.changes.find((c) => c.key === 'ops-pager')!.fields).toContainEqual({ field: 'secret', before: null, after: { env: 'PD_ROUTING_KEY' } });
    // The value of the reference must come with an apply (the CLI reads it from the environment).
    const unsent = await apply(FILE);
    expect(unsent.applied).toBe(false);
    expect(lines(unsent)).toEqual(['10: channel ops-pager, secret: the value of {"env":"PD_ROUTING_KEY"} was not sent (the CLI reads it from the environment or the secrets file)']);
    const applied = await apply(FILE, admin, true, SECRETS);
    expect(applied.problems).toEqual([]);
    expect(applied.applied).toBe(true);

    const [mail, pager] = await channels(owner.tenantId);
    expect(mail).toMatchObject({ name: 'ops-mail', type: 'email', config: { to: ['ops@example.com'] }, enabled: true, secret_sealed: null });
    expect(pager).toMatchObject({ name: 'ops-pager', type: 'pagerduty', config: {} });
    expect(pager.secret_sealed).toMatch(/^v1:/);
    expect(pager.secret_sealed).not.toContain(ROUTING_KEY);
    const [customer] = await sql(`SELECT id FROM customers WHERE tenant_id = $1 AND name = 'acme'`, [owner.tenantId]);
    const [policy] = await policies(owner.tenantId);
    expect(policy).toMatchObject({
      name: 'critical-web', priority: 10, repeat_minutes: 30, quiet_hours: { start: '22:00', end: '07:00' },
      match: { severities: ['critical'], serviceTypes: ['web'], customerIds: [customer.id], hostTags: ['prod'] },
      steps: [{ delayMinutes: 0, channelIds: [mail.id] }, { delayMinutes: 15, channelIds: [pager.id, mail.id] }],
    });
    // The API reads the policy as it reads one it created itself.
    const { escalationPolicies } = await admin.ok<{ escalationPolicies: { name: string; steps: { channelIds: string[] }[] }[] }>('{ escalationPolicies { name steps } }');
    expect(escalationPolicies.map((p) => p.name)).toEqual(['critical-web']);

    expect(await plan(FILE)).toEqual({ problems: [], changes: [], drift: [], unmanaged: 0, applied: false });
    // The same policy written another way (a step's channels in another order) is the same policy.
    expect((await plan(FILE.replace('channels: [ops-pager, ops-mail]', 'channels: [ops-mail, ops-pager]'))).changes).toEqual([]);
  });

  it('a field changed in the file plans exactly one update, before → after', async () => {
    expect((await plan(FILE.replace('priority: 10', 'priority: 20'))).changes).toEqual([
      { action: 'update', kind: 'escalation', key: 'critical-web', drift: false, fields: [{ field: 'priority', before: 10, after: 20 }] },
    ]);
    expect((await plan(FILE.replace('to: [ops@example.com]', 'to: [ops@example.com, noc@example.com]'))).changes).toEqual([
      { action: 'update', kind: 'channels', key: 'ops-mail', drift: false, fields: [{ field: 'config.to', before: ['ops@example.com'], after: ['ops@example.com', 'noc@example.com'] }] },
    ]);
  });

  it('a channel and a policy changed through the API show as drift; applying the file puts them back, the sealed secret kept', async () => {
    const [mail, pager] = await channels(owner.tenantId);
    await admin.ok('mutation($id: ID!, $i: CreateAlertChannelInput!) { updateAlertChannel(id: $id, input: $i) { id } }', { id: mail.id, i: { name: 'ops-mail', type: 'email', config: { to: ['night@example.com'] } } });
    const [policy] = await policies(owner.tenantId);
    await admin.ok('mutation($id: ID!, $i: EscalationPolicyInput!) { updateEscalationPolicy(id: $id, input: $i) { id } }', {
      id: policy.id, i: { name: 'critical-web', match: policy.match, steps: policy.steps, priority: 10, repeatMinutes: 60, quietHours: policy.quiet_hours },
    });
    const drifted = await plan(FILE);
    expect(drifted.drift).toEqual([
      { kind: 'channels', key: 'ops-mail', changedAt: null, fields: [{ field: 'config.to', before: ['ops@example.com'], after: ['night@example.com'] }] },
      { kind: 'escalation', key: 'critical-web', changedAt: null, fields: [{ field: 'repeatMinutes', before: 30, after: 60 }] },
    ]);
    expect(drifted.changes).toEqual([
      { action: 'update', kind: 'channels', key: 'ops-mail', drift: true, fields: [{ field: 'config.to', before: ['night@example.com'], after: ['ops@example.com'] }] },
      { action: 'update', kind: 'escalation', key: 'critical-web', drift: true, fields: [{ field: 'repeatMinutes', before: 60, after: 30 }] },
    ]);
    // No secret sent: the stored one stays.
    expect((await apply(FILE)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
    const [mailAfter, pagerAfter] = await channels(owner.tenantId);
    expect(mailAfter.config).toEqual({ to: ['ops@example.com'] });
    expect(pagerAfter.secret_sealed).toBe(pager.secret_sealed);
    expect((await policies(owner.tenantId))[0].repeat_minutes).toBe(30);
  });

  it('bad channels and policies are reported with line and field, and nothing is applied', async () => {
    const before = [await channels(owner.tenantId), await policies(owner.tenantId)];
    // Read problems (the file alone): an inline secret, a channel the file does not define.
    const unreadable = FILE.replace('secret: { env: PD_ROUTING_KEY }', `secret: ${ROUTING_KEY}`).replace('channels: [ops-pager, ops-mail]', 'channels: [ops-pager, ghost]');
    const read = (await admin.ok<{ applyFleet: Result }>(APPLY, { d: unreadable })).applyFleet;
    expect(read.applied).toBe(false);
    expect(lines(read)).toEqual(['10: channel ops-pager, secret: is a secret written in the file: refer to it as { env: NAME } or { file: path, key: name }']);
    const ghost = (await admin.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('channels: [ops-pager, ops-mail]', 'channels: [ops-pager, ghost]') })).applyFleet;
    expect(lines(ghost)).toEqual(['17: escalation policy critical-web, steps[1].channels[1]: channel ghost is not defined in this file']);
    // Alerts' own rules (the API's), checked on the server with the lines: a kind's config, a step's order, a type.
    const refused = FILE
      .replace('to: [ops@example.com]', 'to: [not-an-address]')
      .replace('delayMinutes: 15', 'delayMinutes: 0')
      .replace('type: pagerduty', 'type: carrier-pigeon');
    const server = (await admin.ok<{ applyFleet: Result }>(APPLY, { d: refused })).applyFleet;
    expect(server.applied).toBe(false);
    expect(server.changes).toEqual([]);
    expect(lines(server)).toEqual([
      expect.stringMatching(/^7: channel ops-mail, config\.to.*: must be an e-mail address/),
      '9: channel ops-pager, type: cannot change; create another channel (or rename this one)',
      '17: escalation policy critical-web, steps[1].delayMinutes: must be later than the step before',
    ]);
    const bounds = (await admin.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('repeatMinutes: 30', 'repeatMinutes: 2').replace('start: "22:00"', 'start: "25:00"') })).applyFleet;
    expect(lines(bounds)).toEqual(['18: escalation policy critical-web, repeatMinutes: must be a whole number of minutes from 5 to 1440']);
    expect([await channels(owner.tenantId), await policies(owner.tenantId)]).toEqual(before);
  });

  it('export writes channels (the secret as its reference, never its value) and the policy by name, and applies as a no-op', async () => {
    const { fleetExport } = await admin.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toContain('channels:\n');
    expect(fleetExport).toContain('secret:\n      env: PD_ROUTING_KEY');
    expect(fleetExport).toContain('channels:\n          - ops-mail');
    expect(fleetExport).not.toContain(ROUTING_KEY);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
    // A secret set in the dashboard (never applied by a file) is exported as a placeholder reference.
    const { createAlertChannel } = await admin.ok<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'dash-pager', type: 'pagerduty', config: {}, secret: ROUTING_KEY } });
    const again = (await admin.ok<{ fleetExport: string }>('{ fleetExport }')).fleetExport;
    expect(again).toContain('secret:\n      env: VIGIA_SECRET_CHANNEL_DASH_PAGER');
    expect(again).not.toContain(ROUTING_KEY);
    await admin.ok('mutation($id: ID!) { deleteAlertChannel(id: $id) }', { id: createAlertChannel.id });
  });

  it('prune: a channel a policy still pages is refused with the reason; without prune it is detached, kept', async () => {
    const withoutPager = FILE.replace('  - name: ops-pager\n    type: pagerduty\n    secret: { env: PD_ROUTING_KEY }\n', '').replace('channels: [ops-pager, ops-mail]', 'channels: [ops-mail]');
    expect((await plan(withoutPager)).changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['delete channels ops-pager', 'update escalation critical-web']);
    // A policy of the dashboard (no file manages it) pages the channel: it cannot go.
    const [, pager] = await channels(owner.tenantId);
    await admin.ok('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'dash-route', steps: [{ delayMinutes: 0, channelIds: [pager.id] }] } });
    const refused = await apply(withoutPager);
    expect(refused.applied).toBe(false);
    expect(refused.problems.map((p) => p.message)).toEqual(['channel ops-pager is no longer in the file but escalation policy dash-route pages it: it cannot be deleted (apply with --prune=false, or change the policy first)']);
    expect((await channels(owner.tenantId)).map((c) => c.name)).toEqual(['ops-mail', 'ops-pager']);
    expect((await plan(withoutPager, admin, false)).changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual(['detach channels ops-pager', 'update escalation critical-web']);
    expect((await apply(withoutPager, admin, false)).applied).toBe(true);
    expect((await channels(owner.tenantId)).map((c) => c.name)).toEqual(['ops-mail', 'ops-pager']);
    const [, dash] = await policies(owner.tenantId);
    await admin.ok('mutation($id: ID!) { deleteEscalationPolicy(id: $id) }', { id: dash.id });
    expect((await apply(FILE, admin, true, SECRETS)).applied).toBe(true);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [] });
  });

  it('the CLI reads a channel\'s secret from its env reference and sends it under channel:<name>', async () => {
    const read = readFleet('fleet.yaml', FILE);
    const sent = await resolveSecrets(read.document!, read.source as FleetSource, '/tmp/fleet.yaml', { PD_ROUTING_KEY: ROUTING_KEY });
    expect(sent).toEqual({ values: SECRETS, problems: [] });
    const unset = await resolveSecrets(read.document!, read.source as FleetSource, '/tmp/fleet.yaml', {});
    expect(unset.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual(['10: channel ops-pager, secret: environment variable PD_ROUTING_KEY is not set']);
    // The plan cannot see values (as with monitors' secrets): a channel the file does not change keeps its sealed secret;
    // a value that the kind refuses is refused even so, with the line.
    const [, pager] = await channels(owner.tenantId);
    const same = await apply(FILE, admin, true, { 'channel:ops-pager': { secret: 'N3wRout1ngKey0123456789abcdefABC' } });
    expect(same).toMatchObject({ problems: [], changes: [], applied: true });
    expect((await channels(owner.tenantId))[1].secret_sealed).toBe(pager.secret_sealed);
    const bad = await apply(FILE, admin, true, { 'channel:ops-pager': { secret: 'not a key' } });
    expect(lines(bad)).toEqual(['10: channel ops-pager, secret: must be a PagerDuty integration (routing) key: 32 letters and digits']);
  });

  it('steps name on-call schedules by name and people by e-mail: stored as ids, exported by name, a no-op round trip', async () => {
    const run = <T,>(q: string, v?: Record<string, unknown>) => admin.ok<T>(q, v);
    const person = async (email: string) => (await run<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, displayName: email.split('@')[0], role: 'operator', password: 'a-long-enough-password' } })).createUser.id;
    const ana = await person('ana@alertco.test');
    const ben = await person('ben@alertco.test');
    const layer = { name: 'primary', participantIds: [ana, ben], rotationEvery: 1, rotationUnit: 'days', start: '2026-10-19T11:00' };
    const { createSchedule } = await run<{ createSchedule: { id: string } }>('mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }', { i: { name: 'Primary', timeZone: 'Europe/Madrid', layers: [layer] } });
    const paging = FILE.replace('      - { delayMinutes: 0, channels: [ops-mail] }', '      - { delayMinutes: 0, channels: [ops-mail], schedules: [Primary] }\n      - { delayMinutes: 5, people: [Ben@alertco.test, ana@alertco.test] }');
    const planned = await plan(paging);
    expect(planned.problems).toEqual([]);
    expect(planned.changes).toEqual([expect.objectContaining({ action: 'update', kind: 'escalation', key: 'critical-web', fields: [expect.objectContaining({ field: 'steps' })] })]);
    expect((await apply(paging)).applied).toBe(true);
    const [mail] = await channels(owner.tenantId);
    const [pager] = (await channels(owner.tenantId)).slice(1);
    expect((await policies(owner.tenantId))[0].steps).toEqual([
      { delayMinutes: 0, channelIds: [mail.id], scheduleIds: [createSchedule.id] },
      { delayMinutes: 5, channelIds: [], userIds: [ben, ana] },
      { delayMinutes: 15, channelIds: [pager.id, mail.id] },
    ]);
    // The API reads the policy it would have stored itself; a plan of the same file is empty, whatever the order or case.
    expect(await plan(paging)).toMatchObject({ problems: [], changes: [], drift: [] });
    expect((await plan(paging.replace('[Ben@alertco.test, ana@alertco.test]', '[ana@alertco.test, ben@alertco.test]'))).changes).toEqual([]);
    const { fleetExport } = await admin.ok<{ fleetExport: string }>('{ fleetExport }');
    expect(fleetExport).toMatch(/schedules:\n\s+- Primary/);
    expect(fleetExport).toMatch(/people:\n\s+- ana@alertco\.test\n\s+- ben@alertco\.test/);
    expect(fleetExport).not.toContain(ana);
    expect(fleetExport).not.toContain(createSchedule.id);
    expect(await plan(fleetExport)).toMatchObject({ problems: [], changes: [], drift: [] });
    expect((await apply(fleetExport)).applied).toBe(true);
    expect(await plan(paging)).toMatchObject({ changes: [], drift: [] });

    // Changed in the dashboard (a person dropped): drift, and the file puts it back.
    const [policy] = await policies(owner.tenantId);
    await admin.ok('mutation($id: ID!, $i: EscalationPolicyInput!) { updateEscalationPolicy(id: $id, input: $i) { id } }', {
      id: policy.id, i: { name: 'critical-web', match: policy.match, steps: [policy.steps[0], { delayMinutes: 5, channelIds: [], userIds: [ana] }, policy.steps[2]], priority: 10, repeatMinutes: 30, quietHours: policy.quiet_hours },
    });
    const drifted = await plan(paging);
    expect(drifted.drift).toEqual([expect.objectContaining({ kind: 'escalation', key: 'critical-web', fields: [expect.objectContaining({ field: 'steps' })] })]);
    expect((await apply(paging)).applied).toBe(true);
    expect((await policies(owner.tenantId))[0].steps[1]).toEqual({ delayMinutes: 5, channelIds: [], userIds: [ben, ana] });

    // Unknown schedules and people: refused at their line, nothing applied.
    const before = await policies(owner.tenantId);
    const unknown = await apply(paging.replace('schedules: [Primary]', 'schedules: [Nights]').replace('Ben@alertco.test', 'carol@alertco.test'));
    expect(unknown.applied).toBe(false);
    expect(lines(unknown)).toEqual([
      '16: escalation policy critical-web, steps[0].schedules[0]: on-call schedule Nights was not found in this tenant (schedules are made in the dashboard)',
      '17: escalation policy critical-web, steps[1].people[0]: person carol@alertco.test was not found among this tenant\'s users (or is disabled)',
    ]);
    const bad = readFleet('fleet.yaml', paging.replace('Ben@alertco.test', 'not-an-address').replace('[Primary]', `[${createSchedule.id}]`));
    expect(bad.problems.map((p) => `${p.line}: ${p.field}: ${p.message}`)).toEqual([
      '17: escalation policy critical-web, steps[1].people[0]: must be a user\'s e-mail (their login address)',
    ]);
    const byId = await apply(paging.replace('[Primary]', `[${createSchedule.id}]`));
    expect(byId.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^is a database id/)]);
    expect(await policies(owner.tenantId)).toEqual(before);

    // A step may page people alone (no channel); back to the file without them.
    expect((await apply(FILE)).applied).toBe(true);
    expect((await policies(owner.tenantId))[0].steps.every((st: { scheduleIds?: string[]; userIds?: string[] }) => !st.scheduleIds && !st.userIds)).toBe(true);
  });

  it('an operator cannot change channels or policies (admin, as in the API)', async () => {
    const operator = await api.as('operator', owner);
    const refused = (await operator.ok<{ applyFleet: Result }>(APPLY, { d: FILE.replace('priority: 10', 'priority: 11') })).applyFleet;
    expect(refused.applied).toBe(false);
    expect(lines(refused)).toEqual(['12: escalation policy critical-web: changing escalation policies takes the admin role (as in the dashboard)']);
  });

  it('another tenant: a channel name of this tenant is "not defined"; the same file makes that tenant\'s own', async () => {
    const other = await api.tenant('otheralert');
    const theirs = api.client(other.token);
    const borrowed = 'version: 1\nescalation:\n  - name: borrowed\n    steps:\n      - { delayMinutes: 0, channels: [ops-mail] }\n';
    const refused = (await theirs.ok<{ applyFleet: Result }>(APPLY, { d: borrowed })).applyFleet;
    expect(lines(refused)).toEqual(['5: escalation policy borrowed, steps[0].channels[0]: channel ops-mail is not defined in this file']);
    const [mail] = await channels(owner.tenantId);
    const byId = (await theirs.ok<{ applyFleet: Result }>(APPLY, { d: borrowed.replace('[ops-mail]', `[${mail.id}]`) })).applyFleet;
    expect(byId.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^is a database id/)]);
    expect(await channels(other.tenantId)).toEqual([]);
    expect((await apply(FILE, theirs, true, SECRETS)).applied).toBe(true);
    expect((await channels(other.tenantId)).map((c) => c.name)).toEqual(['ops-mail', 'ops-pager']);
    expect((await policies(other.tenantId))[0].steps[0].channelIds).toEqual([(await channels(other.tenantId))[0].id]);
    // This tenant's schedule and people are not found there (names are looked up in the applying tenant only).
    const onCall = FILE.replace('      - { delayMinutes: 0, channels: [ops-mail] }', '      - { delayMinutes: 0, channels: [ops-mail], schedules: [Primary] }\n      - { delayMinutes: 5, people: [ana@alertco.test] }');
    const foreign = await apply(onCall, theirs);
    expect(foreign.applied).toBe(false);
    expect(lines(foreign)).toEqual([
      '16: escalation policy critical-web, steps[0].schedules[0]: on-call schedule Primary was not found in this tenant (schedules are made in the dashboard)',
      '17: escalation policy critical-web, steps[1].people[0]: person ana@alertco.test was not found among this tenant\'s users (or is disabled)',
    ]);
    expect((await policies(other.tenantId))[0].steps.some((st: { scheduleIds?: string[]; userIds?: string[] }) => st.scheduleIds || st.userIds)).toBe(false);
    expect(await plan(FILE)).toMatchObject({ changes: [], drift: [], unmanaged: 0 });
  });
});
