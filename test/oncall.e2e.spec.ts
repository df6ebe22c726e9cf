import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService, DeliveryWorker } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/** 20 Oct 2026, 08:50 UTC = 10:50 in Madrid (CEST): ten minutes before the daily 11:00 handoff. */
const START = Date.parse('2026-10-20T08:50:00.000Z');

const SCHEDULE = `mutation($i: ScheduleInput!) { createSchedule(input: $i) { id name timeZone } }`;

describe('on-call: schedules, people, and escalation steps that page whoever is on call', () => {
  let now = START;
  let api: TestApi;
  let owner: { token: string; tenantId: string; slug: string };
  let smtp: SMTPServer;
  const mails: { to: string; subject: string; text: string }[] = [];
  const hook = new RecordingServer();
  const ids: Record<string, string> = {};
  const run = <T,>(q: string, v?: Record<string, unknown>): Promise<T> => api.ok<T>(q, v, owner.token);
  const drain = async () => {
    for (let i = 0; i < 4; i++) await api.app.get(DeliveryWorker).runOnce();
  };
  const user = async (name: string): Promise<string> =>
    (await run<{ createUser: { id: string } }>('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email: `${name}@oncall.test`, displayName: name, role: 'operator', password: 'a-long-enough-password' } })).createUser.id;
  const layer = (over: Record<string, unknown> = {}) => ({ name: 'primary', participantIds: [ids.ana, ids.ben], rotationEvery: 1, rotationUnit: 'days', start: '2026-10-19T11:00', ...over });

  beforeAll(async () => {
    await hook.start();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, cb) => {
        void simpleParser(stream).then((m) => {
          mails.push({ to: (Array.isArray(m.to) ? m.to : [m.to]).map((a) => a?.text ?? '').join(','), subject: m.subject ?? '', text: m.text ?? '' });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIA_ALERT_GROUP_SECONDS: '0' }, undefined, { clock: { now: () => new Date(now) } });
    owner = await api.tenant('oncall');
    ids.ana = await user('ana');
    ids.ben = await user('ben');
    ids.cho = await user('cho');
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "db1", addresses: ["192.0.2.40"]}) { id } }')).createHost.id;
    ids.monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "db1 ping", type: icmp, hostId: "${ids.host}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await hook.stop();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('refuses bad schedules and contacts, naming the field in words, and saves nothing', async () => {
    const bad = (over: Record<string, unknown>) => ({ name: 'bad', timeZone: 'Europe/Madrid', layers: [layer()], ...over });
    expect((await api.fails(SCHEDULE, { i: bad({ timeZone: 'Mars/Olympus' }) }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.timeZone' })).message).toMatch(/IANA time zone/);
    // A fixed offset keeps no daylight saving: a Madrid rota written as "+01:00" would run an hour off all summer.
    expect((await api.fails(SCHEDULE, { i: bad({ timeZone: '+01:00' }) }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.timeZone' })).message).toMatch(/not a fixed offset/);
    await api.fails(SCHEDULE, { i: bad({ layers: [layer({ participantIds: [ids.ana, '6f1c1f9e-0000-4000-8000-000000000000'] })] }) }, owner.token, { code: 'NOT_FOUND', field: 'input.layers[0].participantIds[1]' });
    await api.fails(SCHEDULE, { i: bad({ layers: [layer({ start: '2026-02-30T09:00' })] }) }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.layers[0].start' });
    await api.fails(SCHEDULE, { i: bad({ layers: [layer({ restrictions: [{ days: ['mon'], from: '25:00', to: '18:00' }] })] }) }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.layers[0].restrictions[0].from' });
    await api.fails(SCHEDULE, { i: bad({ layers: [layer({ rotationEvery: 0 })] }) }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.layers[0].rotationEvery' });
    // A restriction with no day would keep the layer off duty for ever, silently.
    await api.fails(SCHEDULE, { i: bad({ layers: [layer({ restrictions: [{ days: [], from: '08:00', to: '18:00' }] })] }) }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.layers[0].restrictions[0].days' });
    expect((await run<{ schedules: unknown[] }>('{ schedules { id } }')).schedules).toHaveLength(0);

    const contact = 'mutation($i: ContactMethodInput!) { addContactMethod(input: $i) { id kind address } }';
    expect((await api.fails(contact, { i: { userId: ids.ana, kind: 'phone', address: '600 111 222' } }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.address' })).message).toMatch(/E\.164/);
    await run(contact, { i: { userId: ids.ana, kind: 'telegram', address: '123456789' } });
    const twice = await api.fails(contact, { i: { userId: ids.ben, kind: 'telegram', address: '123456789' } }, owner.token, { code: 'DUPLICATE', field: 'input.address' });
    expect(twice.message).toMatch(/already mapped to another person/);
    const phone = (await run<{ addContactMethod: { id: string } }>(contact, { i: { userId: ids.ana, kind: 'phone', address: '+34600111222' } })).addContactMethod.id;
    await api.fails('mutation($i: NotificationRulesInput!) { setNotificationRules(input: $i) { id } }', { i: { userId: ids.ana, rules: [{ contactMethodId: phone, delayMinutes: 0 }] } }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.rules[0].phoneMode' });
    // A Teams account identifies a person but cannot be paged (its webhooks post to a channel): a rule on it is refused.
    const teams = (await run<{ addContactMethod: { id: string } }>(contact, { i: { userId: ids.ana, kind: 'teams', address: 'ana@oncall.test' } })).addContactMethod.id;
    const unpageable = await api.fails('mutation($i: NotificationRulesInput!) { setNotificationRules(input: $i) { id } }', { i: { userId: ids.ana, rules: [{ contactMethodId: phone, delayMinutes: 0, phoneMode: 'sms' }, { contactMethodId: teams, delayMinutes: 5 }] } }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.rules[1].contactMethodId' });
    expect(unpageable.message).toMatch(/cannot be paged directly/);
    expect((await run<{ notificationRules: unknown[] }>(`{ notificationRules(userId: "${ids.ana}") { id } }`)).notificationRules).toEqual([]);
    // A viewer may keep their own contacts, not someone else's.
    const viewer = await api.as('viewer', owner);
    await viewer.fails(contact, { i: { userId: ids.ana, kind: 'email', address: 'x@oncall.test' } }, { code: 'FORBIDDEN' });
  });

  it('answers who is on call and the next 14 days with gaps; an override takes over; the iCal feed says the same', async () => {
    // A zone as typed ("europe/madrid") is kept as the zone's own name.
    ids.primary = (await run<{ createSchedule: { id: string } }>(SCHEDULE, { i: { name: 'Primary', timeZone: 'europe/madrid', layers: [layer()] } })).createSchedule.id;
    expect((await run<{ schedule: { timeZone: string } }>(`{ schedule(id: "${ids.primary}") { timeZone } }`)).schedule.timeZone).toBe('Europe/Madrid');
    ids.office = (await run<{ createSchedule: { id: string } }>(SCHEDULE, {
      i: { name: 'Office', timeZone: 'America/New_York', layers: [layer({ participantIds: [ids.cho], rotationUnit: 'weeks', start: '2026-10-19T09:00', restrictions: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }] })] },
    })).createSchedule.id;
    const who = await run<{ whoIsOnCall: { scheduleName: string; shift: { userName: string | null; gap: boolean; end: string } }[] }>('{ whoIsOnCall { scheduleName shift { userName gap end } } }');
    expect(who.whoIsOnCall).toEqual([
      // 04:50 in New York: before office hours, a gap until 09:00 EDT (13:00Z).
      { scheduleName: 'Office', shift: { userName: null, gap: true, end: '2026-10-20T13:00:00.000Z' } },
      { scheduleName: 'Primary', shift: { userName: 'ana', gap: false, end: '2026-10-20T09:00:00.000Z' } },
    ]);
    // The handover: the shift's end when someone takes over; none for a one-person rota, whose shift end is only where
    // the 14 days looked at stop (it moved with every query).
    const handovers = await run<{ whoIsOnCall: { scheduleName: string; handover: string | null }[] }>('{ whoIsOnCall { scheduleName handover } }');
    expect(handovers.whoIsOnCall).toEqual([{ scheduleName: 'Office', handover: '2026-10-20T13:00:00.000Z' }, { scheduleName: 'Primary', handover: '2026-10-20T09:00:00.000Z' }]);
    const solo = (await run<{ createSchedule: { id: string } }>(SCHEDULE, { i: { name: 'Solo', timeZone: 'UTC', layers: [layer({ participantIds: [ids.cho] })] } })).createSchedule.id;
    const alone = await run<{ whoIsOnCall: { shift: { userName: string; end: string }; handover: string | null }[] }>(`{ whoIsOnCall(scheduleId: "${solo}") { shift { userName end } handover } }`);
    expect(alone.whoIsOnCall[0]).toMatchObject({ shift: { userName: 'cho' }, handover: null });
    await run(`mutation { deleteSchedule(id: "${solo}") }`);
    const { schedule } = await run<{ schedule: { shifts: { start: string; end: string; userName: string | null; source: string | null }[] } }>(`{ schedule(id: "${ids.primary}") { shifts { start end userName source } } }`);
    expect(schedule.shifts).toHaveLength(15);
    // Fall back on Sunday 25 Oct: the shift from Saturday's 11:00 to Sunday's 11:00 local lasts 25 hours.
    const sat = schedule.shifts.find((s) => s.start === '2026-10-24T09:00:00.000Z')!;
    expect(sat.end).toBe('2026-10-25T10:00:00.000Z');

    await run('mutation($i: OverrideInput!) { addScheduleOverride(input: $i) { id } }', { i: { scheduleId: ids.primary, userId: ids.cho, startsAt: '2026-10-21T08:00:00Z', endsAt: '2026-10-21T12:00:00Z' } });
    const covered = await run<{ whoIsOnCall: { shift: { userName: string; source: string } }[] }>(`{ whoIsOnCall(at: "2026-10-21T10:00:00Z", scheduleId: "${ids.primary}") { shift { userName source } } }`);
    expect(covered.whoIsOnCall[0]!.shift).toEqual({ userName: 'cho', source: 'override' });
    await api.fails('mutation($i: OverrideInput!) { addScheduleOverride(input: $i) { id } }', { i: { scheduleId: ids.primary, userId: ids.cho, startsAt: '2026-10-21T12:00:00Z', endsAt: '2026-10-21T08:00:00Z' } }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.endsAt' });
    // A time without its offset is refused, naming the field, not read in the server's zone (an override typed as
    // Madrid's 09:00 started at 09:00 UTC, an hour late); literals and variables alike.
    const naive = await api.fails('mutation($i: OverrideInput!) { addScheduleOverride(input: $i) { id } }', { i: { scheduleId: ids.primary, userId: ids.cho, startsAt: '2026-10-22T09:00', endsAt: '2026-10-22T12:00:00+02:00' } }, owner.token, { code: 'BAD_USER_INPUT' });
    expect(naive.message).toMatch(/"i\.startsAt".*A DateTime needs its UTC offset or Z/);
    const literal = await api.fails(`mutation { addScheduleOverride(input: {scheduleId: "${ids.primary}", userId: "${ids.cho}", startsAt: "2026-10-22", endsAt: "2026-10-23T00:00:00Z"}) { id } }`, {}, owner.token);
    expect(literal.message).toMatch(/found "2026-10-22"; A DateTime needs its UTC offset or Z/);
    const { schedule: kept } = await run<{ schedule: { overrides: { startsAt: string }[] } }>(`{ schedule(id: "${ids.primary}") { overrides { startsAt } } }`);
    expect(kept.overrides.map((o) => o.startsAt)).toEqual(['2026-10-21T08:00:00.000Z']);

    const { schedule: feed } = await run<{ schedule: { icalUrl: string } }>(`{ schedule(id: "${ids.primary}") { icalUrl } }`);
    const url = new URL(feed.icalUrl);
    const res = await fetch(`${api.url}${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = await res.text();
    expect(text).toMatch(/\r\n/);
    const cal = new ICAL.Component(ICAL.parse(text));
    const events = cal.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    const during = events.find((e) => e.startDate.toJSDate().toISOString() === '2026-10-21T08:00:00.000Z')!;
    expect(during.summary).toBe('cho on call (Primary)');
    expect(during.endDate.toJSDate().toISOString()).toBe('2026-10-21T12:00:00.000Z');
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
    // A forged or moved signature, or another tenant's id in the link, is a 404.
    expect((await fetch(`${api.url}${url.pathname}?t=${url.searchParams.get('t')}&s=${'A'.repeat(43)}`)).status).toBe(404);
    expect((await fetch(`${api.url}${url.pathname.replace(ids.primary, ids.office)}${url.search}`)).status).toBe(404);
    const personal = (await run<{ personIcalUrl: string }>(`{ personIcalUrl(userId: "${ids.cho}") }`)).personIcalUrl;
    const mine = new ICAL.Component(ICAL.parse(await (await fetch(`${api.url}${new URL(personal).pathname}${new URL(personal).search}`)).text()));
    const summaries = mine.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e).summary);
    expect(summaries).toContain('On call: Primary');
    expect(summaries).toContain('On call: Office');
  });

  it('pages whoever is on call when each step fires: the handoff between steps pages the next person; recorded on the timeline', async () => {
    const email = (await run<{ addContactMethod: { id: string } }>('mutation($i: ContactMethodInput!) { addContactMethod(input: $i) { id } }', { i: { userId: ids.ana, kind: 'email', address: 'ana.pager@oncall.test' } })).addContactMethod.id;
    await run('mutation($i: NotificationRulesInput!) { setNotificationRules(input: $i) { id } }', { i: { userId: ids.ana, rules: [{ contactMethodId: email, delayMinutes: 0 }] } });
    const policy = (await run<{ createEscalationPolicy: { id: string } }>('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', {
      i: { name: 'primary on call', steps: [{ delayMinutes: 0, channelIds: [], scheduleIds: [ids.primary] }, { delayMinutes: 30, channelIds: [], scheduleIds: [ids.primary] }] },
    })).createEscalationPolicy.id;
    const ref = { id: ids.monitor, tenantId: owner.tenantId, hostId: ids.host, serviceId: null, name: 'db1 ping' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(now), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'db1 ping');
    await drain();
    // 10:50 Madrid: ana, by her rule, at her pager address.
    expect(mails.map((m) => m.to)).toEqual(['ana.pager@oncall.test']);
    now += 29 * 60_000;
    await drain();
    expect(mails).toHaveLength(1);
    // 11:20 Madrid: the 11:00 handoff made ben the one on call; he has no rules: his login address, at once.
    now += 60_000;
    await drain();
    expect(mails.map((m) => m.to)).toEqual(['ana.pager@oncall.test', 'ben@oncall.test']);
    expect(mails[1]!.subject).toMatch(/db1/);
    const { incident: seen } = await run<{ incident: { timeline: { kind: string; message: string }[] } }>(`{ incident(id: "${incident.id}") { timeline { kind message } } }`);
    const lines = seen.timeline.filter((l) => l.kind === 'escalation').map((l) => l.message);
    expect(lines).toEqual([
      'step 1: schedule "Primary" at 2026-10-20 10:50:00 +02:00 Europe/Madrid: ana is on call; paged by email ana.pager@oncall.test at once',
      'step 2: schedule "Primary" at 2026-10-20 11:20:00 +02:00 Europe/Madrid: ben is on call; paged by email ben@oncall.test at once',
    ]);
    // Each step's target was resolved once and each person paged once, however often the worker ran.
    const rows: { target_key: string; status: string }[] = await api.app.get(DataSource).query('SELECT target_key, status FROM notifications WHERE incident_id = $1 ORDER BY step, target_key', [incident.id]);
    expect(rows).toEqual([
      { target_key: `page:${ids.ana}:${(await run<{ notificationRules: { id: string }[] }>(`{ notificationRules(userId: "${ids.ana}") { id } }`)).notificationRules[0]!.id}`, status: 'sent' },
      { target_key: `schedule:${ids.primary}`, status: 'sent' },
      { target_key: `page:${ids.ben}:default`, status: 'sent' },
      { target_key: `schedule:${ids.primary}`, status: 'sent' },
    ]);
    // Ben acknowledges from his e-mail: the link names him, not a channel.
    const link = new URL(/Acknowledge: (\S+)/.exec(mails[1]!.text)![1]!);
    expect((await fetch(`${api.url}${link.pathname}${link.search}`, { method: 'POST' })).status).toBe(201);
    const { incident: acked } = await run<{ incident: { acknowledgedBy: string } }>(`{ incident(id: "${incident.id}") { acknowledgedBy } }`);
    expect(acked.acknowledgedBy).toBe('e-mail link to ben <ben@oncall.test> (paged personally)');
    // A link whose person was swapped does not verify.
    const forged = link.search.replace(`u=${ids.ben}`, `u=${ids.ana}`);
    expect((await fetch(`${api.url}${link.pathname}${forged}`, { method: 'POST' })).status).toBe(404);
    // The recovery reaches both people paged, each at the address their page went to (it reached channels only).
    const resolved = (await api.app.get(IncidentsService).resolve(ref, new Date(now), 'ok'))!;
    await api.app.get(AlertsService).incidentResolved(resolved, 'db1 ping');
    await drain();
    const recoveries = mails.filter((m) => m.subject.startsWith('[RESOLVED]'));
    expect(recoveries.map((m) => m.to).sort()).toEqual(['ana.pager@oncall.test', 'ben@oncall.test']);
    expect(recoveries[0]!.subject).toMatch(/db1 recovered after 30 min/);
    await run(`mutation { deleteEscalationPolicy(id: "${policy}") }`);
  });

  it('an escalation to an empty slot falls through to the next level at once, and says so', async () => {
    const chan = (await run<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: { name: 'noc hook', type: 'webhook', config: { url: `${hook.url}/noc` }, secret: 'hook-secret-0123456789' } })).createAlertChannel.id;
    await run('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', {
      i: { name: 'office, then the NOC', steps: [{ delayMinutes: 0, channelIds: [], scheduleIds: [ids.office] }, { delayMinutes: 15, channelIds: [chan] }] },
    });
    const ref = { id: ids.monitor, tenantId: owner.tenantId, hostId: ids.host, serviceId: null, name: 'db1 ping' };
    // 05:20 in New York: the office schedule is empty (a gap before 09:00).
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(now), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'db1 ping');
    const before = mails.length;
    await drain();
    expect(hook.hits).toHaveLength(1);
    expect(mails).toHaveLength(before);
    const { incident: seen } = await run<{ incident: { timeline: { kind: string; message: string }[] } }>(`{ incident(id: "${incident.id}") { timeline { kind message } } }`);
    expect(seen.timeline.filter((l) => l.kind === 'escalation').map((l) => l.message)).toEqual(['step 1: nobody on call in schedule "Office" at 2026-10-20 05:20:00 -04:00 America/New_York; falls through to step 2 now']);
  });

  it('reports how good the paging was: per person, schedule and route, with time to acknowledge, night pages and noise; as CSV too', async () => {
    // 20:05 UTC = 22:05 in Madrid, the tenant's zone: a page to ana directly at night, acknowledged after 2 minutes; over after 150 s.
    await run('mutation { updateTenant(input: {timeZone: "Europe/Madrid"}) { id } }');
    now = Date.parse('2026-10-20T20:05:00.000Z');
    // Ana's rules: her pager address at once, her home address 5 minutes later if nobody has acknowledged by then.
    const methods = (await run<{ contactMethods: { id: string; address: string }[] }>(`{ contactMethods(userId: "${ids.ana}") { id address } }`)).contactMethods;
    const home = (await run<{ addContactMethod: { id: string } }>('mutation($i: ContactMethodInput!) { addContactMethod(input: $i) { id } }', { i: { userId: ids.ana, kind: 'email', address: 'ana.home@oncall.test' } })).addContactMethod.id;
    const pager = methods.find((m) => m.address === 'ana.pager@oncall.test')!.id;
    await run('mutation($i: NotificationRulesInput!) { setNotificationRules(input: $i) { id } }', { i: { userId: ids.ana, rules: [{ contactMethodId: pager, delayMinutes: 0 }, { contactMethodId: home, delayMinutes: 5 }] } });
    await run('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'nights: ana', priority: 1, steps: [{ delayMinutes: 0, channelIds: [], userIds: [ids.ana] }, { delayMinutes: 10, channelIds: [], userIds: [ids.ben] }] } });
    const ref = { id: ids.monitor, tenantId: owner.tenantId, hostId: ids.host, serviceId: null, name: 'db1 ping' };
    await api.app.get(IncidentsService).resolve(ref, new Date(now), 'ok');
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(now), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'db1 ping');
    await drain();
    now += 120_000;
    await run(`mutation { acknowledgeIncident(id: "${incident.id}") { id } }`);
    now += 30_000;
    await api.app.get(IncidentsService).resolve(ref, new Date(now), 'ok');
    now += 20 * 60_000;
    await drain();
    // The acknowledgement after 2 minutes stopped her 5-minute rule and the next level (ben).
    expect(mails.filter((m) => m.to === 'ana.home@oncall.test')).toHaveLength(0);
    const later: { target_key: string; status: string }[] = await api.app.get(DataSource).query("SELECT target_key, status FROM notifications WHERE incident_id = $1 AND target_key LIKE 'page:%' ORDER BY next_attempt_at", [incident.id]);
    expect(later.map((r) => r.status)).toEqual(['sent', 'cancelled']);
    type Report = { pagingReport: { rows: { name: string; pagesSent: number; pagesAtNight: number; incidentsPaged: number; acknowledged: number; ttaP50Seconds: number | null; noise: number; reachedLastLevel: number }[]; csv: string; incidentsAvoided: number; flappingSuppressions: number } };
    const report = (by: string) => run<Report>(`{ pagingReport(input: {from: "2026-10-20T00:00:00Z", to: "2026-10-22T00:00:00Z", by: ${by}, confirmationSeconds: 300}) { rows { name pagesSent pagesAtNight incidentsPaged acknowledged ttaP50Seconds noise reachedLastLevel } csv incidentsAvoided flappingSuppressions } }`).then((r) => r.pagingReport);
    const people = await report('person');
    expect(people.rows).toEqual([
      // ana: 10:50 Madrid (by the schedule) and 22:05 Madrid (directly, at night in the tenant's zone); the second acknowledged after 120 s and over in 150 s (noise).
      // Her first incident was acknowledged (by ben) 30 min after her page: the p90.
      { name: 'ana', pagesSent: 2, pagesAtNight: 1, incidentsPaged: 2, acknowledged: 2, ttaP50Seconds: 120, noise: 1, reachedLastLevel: 1 },
      { name: 'ben', pagesSent: 1, pagesAtNight: 0, incidentsPaged: 1, acknowledged: 1, ttaP50Seconds: 0, noise: 0, reachedLastLevel: 1 },
    ]);
    const schedules = await report('schedule');
    expect(schedules.rows).toEqual([{ name: 'Primary', pagesSent: 2, pagesAtNight: 0, incidentsPaged: 1, acknowledged: 1, ttaP50Seconds: 1800, noise: 0, reachedLastLevel: 1 }]);
    const routes = await report('route');
    expect(routes.rows.map((r) => [r.name, r.pagesSent, r.reachedLastLevel])).toEqual([['since deleted', 2, 1], ['nights: ana', 1, 0], ['office, then the NOC', 1, 1]]);
    expect(people.csv.split('\r\n')[0]).toBe('group,id,pages_sent,pages_at_night,incidents_paged,acknowledged,tta_p50_seconds,tta_p90_seconds,noise,reached_last_level');
    expect(people.csv).toContain(`ana,${ids.ana},2,1,2,2,120,1800,1,1\r\n`);
    expect(people.flappingSuppressions).toBe(0);
    // The chart's days: every day of the period in the tenant's zone, the pages of each on the day they were sent.
    const daily = await run<{ pagingReport: { timeZone: string; rows: { pagesSent: number; acknowledged: number }[]; days: { day: string; pagesSent: number; acknowledged: number }[] } }>(
      '{ pagingReport(input: {from: "2026-10-20T00:00:00Z", to: "2026-10-22T00:00:00Z", confirmationSeconds: 300}) { timeZone rows { pagesSent acknowledged } days { day pagesSent acknowledged } } }',
    ).then((r) => r.pagingReport);
    const zoneDay = (iso: string) => new Date(iso).toLocaleDateString('en-CA', { timeZone: daily.timeZone });
    expect(daily.days.map((d) => d.day)).toEqual([...new Set(['2026-10-20T00:00:00Z', '2026-10-21T00:00:00Z', '2026-10-21T23:59:59Z'].map(zoneDay))]);
    expect(daily.days.reduce((n, d) => n + d.pagesSent, 0)).toBe(daily.rows[0]!.pagesSent);
    expect(daily.days.reduce((n, d) => n + d.acknowledged, 0)).toBe(daily.rows[0]!.acknowledged);
    await api.fails('{ pagingReport(input: {from: "2026-10-22T00:00:00Z", to: "2026-10-20T00:00:00Z"}) { csv } }', {}, owner.token, { code: 'VALIDATION_FAILED', field: 'input.to' });
    await api.fails('{ pagingReport(input: {from: "2026-10-20T00:00:00Z", to: "2026-10-22T00:00:00Z", confirmationSeconds: -1}) { csv } }', {}, owner.token, { code: 'VALIDATION_FAILED', field: 'input.confirmationSeconds' });
  });

  it('refuses a step that pages nobody, or names a schedule of nowhere', async () => {
    await api.fails('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'empty', steps: [{ delayMinutes: 0, channelIds: [] }] } }, owner.token, { code: 'VALIDATION_FAILED', field: 'input.steps[0]' });
    await api.fails('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'nowhere', steps: [{ delayMinutes: 0, channelIds: [], scheduleIds: ['6f1c1f9e-0000-4000-8000-000000000000'] }] } }, owner.token, { code: 'NOT_FOUND', field: 'input.steps[0].scheduleIds[0]' });
  });

  it('pages a person’s phone by SMS through the company’s Twilio channel, to the person’s number', async () => {
    const twilio = await new RecordingServer(() => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"sid":"SM0001","status":"queued"}' })).start();
    try {
      for (const p of (await run<{ escalationPolicies: { id: string }[] }>('{ escalationPolicies { id } }')).escalationPolicies) await run(`mutation { deleteEscalationPolicy(id: "${p.id}") }`);
      const phone = (await run<{ contactMethods: { id: string; kind: string }[] }>(`{ contactMethods(userId: "${ids.ana}") { id kind } }`)).contactMethods.find((m) => m.kind === 'phone')!.id;
      await run('mutation($i: NotificationRulesInput!) { setNotificationRules(input: $i) { id } }', { i: { userId: ids.ana, rules: [{ contactMethodId: phone, delayMinutes: 0, phoneMode: 'sms' }] } });
      await run('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'ana by phone', steps: [{ delayMinutes: 0, channelIds: [], userIds: [ids.ana] }] } });
      const ref = { id: ids.monitor, tenantId: owner.tenantId, hostId: ids.host, serviceId: null, name: 'db1 ping' };
      now = Date.parse('2026-10-20T20:40:00.000Z');
      await api.app.get(IncidentsService).resolve(ref, new Date(now), 'ok');
      // Without an SMS channel the page is given up, saying what is missing.
      let incident = (await api.app.get(IncidentsService).open(ref, new Date(now), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
      await api.app.get(AlertsService).incidentOpened(incident, 'db1 ping');
      await drain();
      const [missing] = await api.app.get(DataSource).query("SELECT status, last_error FROM notifications WHERE incident_id = $1 AND target_key LIKE 'page:%'", [incident.id]);
      expect(missing).toMatchObject({ status: 'dead', last_error: expect.stringMatching(/no enabled twilio_sms or vonage_sms channel to carry a phone sms page/) });
      // …and the timeline says so beside "paged by sms" (it read as delivered), with no later level to fall to.
      const { incident: told } = await run<{ incident: { timeline: { kind: string; message: string }[] } }>(`{ incident(id: "${incident.id}") { timeline { kind message } } }`);
      expect(told.timeline.filter((l) => l.kind === 'escalation').map((l) => l.message).at(-1)).toMatch(/^step 1: the page by sms \+34600111222 could not be delivered: no enabled twilio_sms or vonage_sms channel .*; no later level$/);
      await api.app.get(IncidentsService).resolve(ref, new Date(now + 60_000), 'ok');
      // With the company's Twilio SMS channel (its own "to" is the NOC's number), ana's page goes to ana's number.
      await run('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', {
        i: { name: 'noc sms', type: 'twilio_sms', config: { accountSid: `AC${'0'.repeat(32)}`, from: '+15005550006', to: '+34911000000', apiUrl: twilio.url }, secret: 'f'.repeat(32) },
      });
      now += 120_000;
      incident = (await api.app.get(IncidentsService).open(ref, new Date(now), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
      await api.app.get(AlertsService).incidentOpened(incident, 'db1 ping');
      await drain();
      const sms = twilio.hits.filter((h) => h.path.endsWith('/Messages.json'));
      expect(sms).toHaveLength(1);
      const form = Object.fromEntries(new URLSearchParams(sms[0]!.body));
      expect(form).toMatchObject({ To: '+34600111222', From: '+15005550006' });
      expect(sms[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`AC${'0'.repeat(32)}:${'f'.repeat(32)}`).toString('base64')}`);
      const [sent] = await api.app.get(DataSource).query("SELECT status FROM notifications WHERE incident_id = $1 AND target_key LIKE 'page:%'", [incident.id]);
      expect(sent.status).toBe('sent');
    } finally {
      await twilio.stop();
    }
  });
});
