import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckLinks, AlertsOutboxConsumer, AlertsService, backoffMs, DeliveryWorker } from '#lib/alerts';
import { localInstant } from '../libs/alerts/src/channels/human-time.js';
import { IncidentsService } from '#lib/incidents';
import { freePort } from '#lib/persistence';
import { startTestApi, type TestApi } from './support/test-api.js';
import { selfSignedCert } from './support/tls-cert.js';
import { eventually } from './support/eventually.js';
import { expectedSignature, type Hit, RecordingServer } from './support/recording-server.js';


/** A provider's stand-in: the recording server answering from a script of status codes (202 once the script is out). */
class Provider extends RecordingServer {
  script: { status: number; headers?: Record<string, string> }[] = [];
  constructor() {
    super(() => {
      const next = this.script.shift() ?? { status: 202 };
      return { status: next.status, headers: next.headers, body: next.status < 300 ? '{"status":"success"}' : '{"message":"nope"}' };
    });
  }
}

describe('alerts: channels delivered to local stand-ins checked as the providers document them', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  let smtp: SMTPServer;
  const mails: string[] = [];
  const pd = new Provider();
  const og = new Provider();
  const hook = new Provider();
  const ids: Record<string, string> = {};
  const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
  const GENIE_KEY = '5c2a6a0e-1d63-4d6c-9a53-0a6f2b7c9e11';
  const HOOK_SECRET = 'hook-secret-0123456789';

  const drain = async (worker: DeliveryWorker, rounds = 5) => {
    for (let i = 0; i < rounds; i++) await worker.runOnce();
  };
  // Every message about an incident delivered, also those the background worker and outbox consumer took (a
  // recovery in flight there reached PagerDuty during the next test).
  const settled = async (incidentId: string | undefined) => {
    if (!incidentId) return;
    await eventually('its messages delivered', async () => {
      await drain(api.app.get(DeliveryWorker), 1);
      const [row] = await api.app.get(DataSource).query("SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1 AND status IN ('queued', 'sending', 'failed') AND next_attempt_at < now() + interval '1 minute'", [incidentId]);
      return row.n === 0 ? true : undefined;
    }, { timeoutMs: 15_000, everyMs: 100 });
  };

  beforeAll(async () => {
    await Promise.all([pd.start(), og.start(), hook.start()]);
    const { key, cert } = await selfSignedCert(90);
    const smtpPort = await freePort();
    smtp = new SMTPServer({ key, cert, authOptional: true, logger: false, onData: (s, _x, cb) => { let raw = ''; s.on('data', (c: Buffer) => (raw += c)); s.on('end', () => { mails.push(raw); cb(); }); } });
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
    // The watchdog role hosts the delivery worker; the monitor below is disabled, so nothing is probed.
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIA_SMTP_TLS_VERIFY: 'false', VIGIA_ALERT_GROUP_SECONDS: '0' });
    const t = await api.tenant('paging');
    token = t.token;
    tenantId = t.tenantId;
    const run = <T,>(q: string, v?: Record<string, unknown>): Promise<T> => api.ok<T>(q, v, token);
    const channel = (input: Record<string, unknown>) => run<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: input }).then((d) => d.createAlertChannel.id);
    ids.pd = await channel({ name: 'pagerduty', type: 'pagerduty', config: { apiUrl: pd.url }, secret: ROUTING_KEY });
    ids.og = await channel({ name: 'opsgenie', type: 'opsgenie', config: { apiUrl: og.url }, secret: GENIE_KEY });
    ids.hook = await channel({ name: 'hook', type: 'webhook', config: { url: `${hook.url}/vigia` }, secret: HOOK_SECRET });
    ids.mail = await channel({ name: 'on-call mail', type: 'email', config: { to: ['oncall@acme.test'] } });
    ids.customer = (await run<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Bakery"}) { id } }')).createCustomer.id;
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    ids.service = (await run<{ createService: { id: string } }>(`mutation { createService(input: {name: "www", type: web, hostId: "${ids.host}", customerIds: ["${ids.customer}"]}) { id } }`)).createService.id;
    ids.monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www http", type: http, hostId: "${ids.host}", serviceId: "${ids.service}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await Promise.all([pd, og, hook].map((p) => p.stop()));
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('pages every channel once for an incident, each in its provider’s format', async () => {
    // People read instants in the company's zone; machines (webhook, PagerDuty) get them in UTC.
    await api.ok('mutation { updateTenant(input: {timeZone: "Europe/Madrid"}) { timeZone } }', {}, token);
    pd.script = [{ status: 500 }];
    og.script = [{ status: 429, headers: { 'retry-after': '1' } }];
    const incidents = api.app.get(IncidentsService);
    const ref = { id: ids.monitor, tenantId, hostId: ids.host, serviceId: ids.service, name: 'www http' };
    const incident = (await incidents.open(ref, new Date(Date.now() - 5000), 'HTTP 503 from 192.0.2.10 in 12 ms', { planned: false, flapping: false, suppressed: false }))!;
    const alerts = api.app.get(AlertsService);
    await alerts.incidentOpened(incident, 'www http');
    await alerts.incidentOpened(incident, 'www http'); // a replay queues nothing new
    const worker = api.app.get(DeliveryWorker);
    await drain(worker, 2);
    // PagerDuty answered 500 first: retried after backoff; Opsgenie 429 with Retry-After: 1 s.
    await new Promise((r) => setTimeout(r, 2200));
    await drain(worker, 3);

    expect(pd.hits).toHaveLength(2);
    const trigger = JSON.parse(pd.hits[1]!.body);
    expect(pd.hits[1]!.path).toBe('/v2/enqueue');
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `vigia-incident-${incident.id}`,
      payload: { summary: 'www on web1 is DOWN (www http)', source: '192.0.2.10', severity: 'critical', custom_details: { reason: 'HTTP 503 from 192.0.2.10 in 12 ms', impacted_customers: ['Bakery'] } },
    });
    expect(og.hits).toHaveLength(2);
    expect(og.hits[1]!.headers.authorization).toBe(`GenieKey ${GENIE_KEY}`);
    expect(JSON.parse(og.hits[1]!.body)).toMatchObject({ alias: `vigia-incident-${incident.id}`, priority: 'P1', message: 'www on web1 is DOWN (www http)' });
    expect(hook.hits).toHaveLength(1);
    const h = hook.hits[0]!;
    expect(h.headers['x-vigia-signature']).toBe(expectedSignature(HOOK_SECRET, h));
    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0]!);
    expect(mail.subject).toBe('[CRITICAL] www on web1 is DOWN (www http)');
    // Read by a person: labelled lines in words, not the payload's keys and JSON (the webhook keeps those).
    expect(mail.text).toContain('\nWhy: HTTP 503 from 192.0.2.10 in 12 ms\n');
    expect(mail.text).toContain('\nCustomers affected: Bakery\n');
    expect(mail.text).not.toMatch(/impacted_customers|\["|down_since/);
    expect(mail.text).toContain(`\nOpen in Vigia: `);
    const local = localInstant(incident.openedAt.toISOString(), 'Europe/Madrid');
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0[12]:00 Europe\/Madrid$/);
    expect(mail.text).toContain(`since ${local}\n`);

    expect(JSON.parse(h.body)).toMatchObject({ since: incident.openedAt.toISOString(), details: { down_since: incident.openedAt.toISOString() } });

    const log = await api.gql<{ incident: { notifications: { status: string; attempts: number }[] } }>(`{ incident(id: "${incident.id}") { notifications { status attempts } } }`, {}, token);
    expect(log.data!.incident.notifications.map((n) => n.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(log.data!.incident.notifications.map((n) => n.attempts).sort()).toEqual([1, 1, 2, 2]);

    // Recovery reaches everyone who was paged.
    const resolved = (await incidents.resolve(ref, new Date(), 'HTTP 200'))!;
    await alerts.incidentResolved(resolved, 'www http');
    await drain(worker, 2);
    expect(JSON.parse(pd.hits.at(-1)!.body)).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: `vigia-incident-${incident.id}` });
    expect(og.hits.at(-1)!.path).toBe(`/v2/alerts/vigia-incident-${incident.id}/close?identifierType=alias`);
    expect(mails).toHaveLength(2);
    // A recovery says how long it was down, to the second.
    const recovery = await simpleParser(mails[1]!);
    const seconds = Math.round((resolved.resolvedAt!.getTime() - resolved.openedAt.getTime()) / 1000);
    expect(seconds).toBeGreaterThanOrEqual(5);
    expect(recovery.subject).toBe(`[RESOLVED] www on web1 recovered after ${seconds} s (www http)`);
    expect(recovery.text).toContain(`\nDown for: ${seconds} s\n`);
    expect(recovery.text).toMatch(/\nRecovered at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00 Europe\/Madrid\n/);
    expect(JSON.parse(hook.hits.at(-1)!.body)).toMatchObject({ event: 'resolve', details: { down_for: `${seconds} s` } });
    expect(JSON.parse(hook.hits.at(-1)!.body).details.down_for_seconds).toBeCloseTo((resolved.resolvedAt!.getTime() - resolved.openedAt.getTime()) / 1000, 3);
  }, 30_000);

  it('a host down says what it takes with it: the services on the host and their customers', async () => {
    const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, token);
    const ping = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "web1 ping", type: icmp, hostId: "${ids.host}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    const ref = { id: ping, tenantId, hostId: ids.host!, serviceId: null, name: 'web1 ping' };
    const incidents = api.app.get(IncidentsService);
    const incident = (await incidents.open(ref, new Date(), 'ICMP 192.0.2.10: no echo reply', { planned: false, flapping: false, suppressed: false }))!;
    const before = mails.length;
    await api.app.get(AlertsService).incidentOpened(incident, 'web1 ping');
    await drain(api.app.get(DeliveryWorker), 2);
    const mail = await simpleParser(mails[before]!);
    expect(mail.subject).toBe('[CRITICAL] web1 is DOWN (web1 ping)');
    // Its services' own outages are grouped under it and page nobody: this page is where their customers are named.
    expect(mail.text).toContain('\nCustomers affected: Bakery\n');
    expect(mail.text).toContain('\nServices on this host: www\n');
    expect(JSON.parse(hook.hits.at(-1)!.body)).toMatchObject({ details: { impacted_customers: ['Bakery'], services_on_host: ['www'] } });
    // The web check fails too (grouped under the host), and is still down when the host answers again: the host's
    // recovery says so, rather than reading as "all clear".
    const www = { id: ids.monitor!, tenantId, hostId: ids.host!, serviceId: ids.service!, name: 'www http' };
    const service = (await incidents.open(www, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: true }))!;
    const beforeRecovery = mails.length;
    await api.app.get(AlertsService).incidentResolved((await incidents.resolve(ref, new Date(), 'echo'))!, 'web1 ping');
    await drain(api.app.get(DeliveryWorker), 2);
    const recovery = await simpleParser(mails.slice(beforeRecovery).find((m) => m.includes('RESOLVED'))!);
    expect(recovery.subject).toMatch(/^\[RESOLVED\] web1 recovered after .+ \(web1 ping\); still down on it: www · www http$/);
    expect(JSON.parse(hook.hits.at(-1)!.body)).toMatchObject({ details: { still_down_on_host: ['www · www http'] } });
    await settled(incident.id);
    await incidents.resolve(www, new Date(), 'back');
    await settled(service.id);
  });

  it('pages nobody for a suppressed incident (maintenance, grouped under its host, flapping)', async () => {
    const before = pd.hits.length;
    const incidents = api.app.get(IncidentsService);
    const ref = { id: ids.monitor, tenantId, hostId: ids.host, serviceId: ids.service, name: 'www http' };
    const incident = (await incidents.open(ref, new Date(), 'x', { planned: true, flapping: false, suppressed: true }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'www http');
    await drain(api.app.get(DeliveryWorker), 2);
    expect(pd.hits.length).toBe(before);
    await incidents.resolve(ref, new Date(), 'ok');
  });

  it('holds the pages of an outage grouped under its host a second later; released, they page from then', async () => {
    const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, token);
    const sshPort = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "web1 ssh port", type: tcp, hostId: "${ids.host}", config: {port: 22}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    const incidents = api.app.get(IncidentsService);
    const alerts = api.app.get(AlertsService);
    const worker = api.app.get(DeliveryWorker);
    const service = { id: ids.monitor, tenantId, hostId: ids.host!, serviceId: ids.service!, name: 'www http' };
    const host = { id: sshPort, tenantId, hostId: ids.host!, serviceId: null, name: 'web1 ssh port' };
    const before = pd.hits.length;
    // The service is confirmed first and its pages are queued (due 1.5 s on: this process's own worker runs beside the
    // test); the host a moment later: the service is grouped before they come due.
    const first = (await incidents.open(service, new Date(Date.now() - 1000), 'HTTP 503', { planned: false, flapping: false, suppressed: false }))!;
    await alerts.incidentOpened(first, 'www http', new Date(Date.now() + 1500));
    const hostIncident = await incidents.open(host, new Date(), 'connection refused', { planned: false, flapping: false, suppressed: false });
    await new Promise((r) => setTimeout(r, 2000));
    await drain(worker, 3);
    // Due, but held: back in the queue, not delivered.
    const statuses = async () => ((await api.app.get(DataSource).query("SELECT status FROM notifications WHERE incident_id = $1 AND kind = 'trigger'", [first.id])) as { status: string }[]).map((r) => r.status);
    await eventually('the held pages queued', async () => ((await statuses()).length > 0 && (await statuses()).every((st) => st === 'queued') ? true : undefined), { timeoutMs: 5000, everyMs: 50 });
    expect(pd.hits.slice(before).map((h) => JSON.parse(h.body).payload?.summary)).not.toContain('www on web1 is DOWN (www http)');
    // The host is back, the service is not: released, its held pages go now.
    await incidents.resolve(host, new Date(), 'open again');
    const released = (await incidents.of(tenantId, first.id))!;
    expect(released.suppressed).toBe(false);
    await alerts.incidentOpened(released, 'www http', new Date());
    await drain(worker, 3);
    expect(pd.hits.slice(before).map((h) => JSON.parse(h.body).payload?.summary)).toContain('www on web1 is DOWN (www http)');
    await alerts.incidentResolved((await incidents.resolve(service, new Date(), 'ok'))!, 'www http');
    await settled(first.id);
    await settled(hostIncident?.id);
  });

  it('gives up on a permanent refusal and backs off exponentially otherwise', async () => {
    expect([1, 2, 3, 10].map((n) => backoffMs(n))).toEqual([2000, 4000, 8000, 300_000]);
    expect(backoffMs(3, 1500)).toBe(1500);
    pd.script = [{ status: 400 }];
    const test = await api.gql<{ testAlertChannel: { id: string } }>(`mutation { testAlertChannel(channelId: "${ids.pd}") { id } }`, {}, token);
    await drain(api.app.get(DeliveryWorker), 2);
    const [row] = await api.app.get(DataSource).query('SELECT status, attempts FROM notifications WHERE id = $1', [test.data!.testAlertChannel.id]);
    expect(row).toEqual({ status: 'dead', attempts: 1 });
  });

  it('optionally tells the affected customers, in their words, and when it is over', async () => {
    const db = api.app.get(DataSource);
    await db.query("UPDATE customers SET email = 'owner@bakery.test' WHERE id = $1", [ids.customer]);
    const incidents = api.app.get(IncidentsService);
    const alerts = api.app.get(AlertsService);
    const worker = api.app.get(DeliveryWorker);
    const ref = { id: ids.monitor, tenantId, hostId: ids.host, serviceId: ids.service, name: 'www http' };
    // Off by default: nothing for the customer.
    const quiet = (await incidents.open(ref, new Date(), 'HTTP 503 from 192.0.2.10', { planned: false, flapping: false, suppressed: false }))!;
    await alerts.incidentOpened(quiet, 'www http');
    await drain(worker, 2);
    expect(mails.filter((m) => m.includes('owner@bakery.test'))).toHaveLength(0);
    await alerts.incidentResolved((await incidents.resolve(ref, new Date(), 'ok'))!, 'www http');
    await drain(worker, 2);

    await api.gql('mutation { updateTenant(input: {customerNotices: true, timeZone: "Europe/Madrid"}) { customerNotices } }', {}, token);
    // The name the customers know the service by, and the company's clock.
    await api.gql(`mutation { updateService(id: "${ids.service}", input: {customerFacingName: "Online shop"}) { id } }`, {}, token);
    const loud = (await incidents.open(ref, new Date(), 'HTTP 503 from 192.0.2.10', { planned: false, flapping: false, suppressed: false }))!;
    await alerts.incidentOpened(loud, 'www http');
    await drain(worker, 2);
    const down = mails.filter((m) => m.includes('owner@bakery.test'));
    expect(down).toHaveLength(1);
    const notice = await simpleParser(down[0]!);
    expect(notice.subject).toBe('paging: Online shop is currently unavailable');
    expect(notice.text).toMatch(/unavailable since \d{4}-\d\d-\d\d \d\d:\d\d CET\./);
    expect(notice.text).not.toMatch(/192\.0\.2\.10|web1|503|UTC/);
    await alerts.incidentResolved((await incidents.resolve(ref, new Date(), 'ok'))!, 'www http');
    await drain(worker, 2);
    const all = await Promise.all(mails.filter((m) => m.includes('owner@bakery.test')).map((m) => simpleParser(m)));
    expect(all.map((m) => m.subject)).toEqual(['paging: Online shop is currently unavailable', 'paging: Online shop is available again']);
    // The company's own e-mail choice carries its customer notices too (they went to the platform's relay whatever it chose).
    await api.gql('mutation { setMailSettings(input: {transport: "catcher"}) { transport } }', {}, token);
    const caught = (await incidents.open(ref, new Date(), 'HTTP 503 from 192.0.2.10', { planned: false, flapping: false, suppressed: false }))!;
    await alerts.incidentOpened(caught, 'www http');
    await drain(worker, 2);
    const kept = (await api.gql<{ caughtMails: { subject: string }[] }>('{ caughtMails { subject } }', {}, token)).data!.caughtMails.map((m) => m.subject);
    expect(kept).toContain('paging: Online shop is currently unavailable');
    await incidents.resolve(ref, new Date(), 'ok');
    await api.gql('mutation { setMailSettings(input: {transport: "platform"}) { transport } }', {}, token);
    await api.gql('mutation { updateTenant(input: {customerNotices: false, timeZone: "UTC"}) { customerNotices } }', {}, token);
    await api.gql(`mutation { updateService(id: "${ids.service}", input: {customerFacingName: null}) { id } }`, {}, token);
  });

  it('refuses bad channel settings, naming the field', async () => {
    const bad = async (input: Record<string, unknown>) => (await api.gql('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: input }, token)).errors?.[0]?.extensions;
    expect(await bad({ name: 'x1', type: 'email', config: { to: ['not an address'] } })).toMatchObject({ field: 'input.config.to[0]' });
    expect(await bad({ name: 'x2', type: 'webhook', config: { url: 'ftp://x' }, secret: 'long-enough-secret-123' })).toMatchObject({ field: 'input.config.url' });
    expect(await bad({ name: 'x3', type: 'pagerduty', config: {}, secret: 'short' })).toMatchObject({ field: 'input.secret' });
    expect(await bad({ name: 'x4', type: 'webhook', config: { url: 'https://h.example/', extra: 1 }, secret: 'long-enough-secret-123' })).toMatchObject({ field: 'input.config.extra' });
    const [sealed] = await api.app.get(DataSource).query("SELECT secret_sealed FROM alert_channels WHERE name = 'pagerduty'");
    expect(sealed.secret_sealed).not.toContain(ROUTING_KEY);
    // Update keeps the sealed secret when none is given, and still validates.
    const kept = await api.gql(`mutation { updateAlertChannel(id: "${ids.pd}", input: {name: "pagerduty", type: pagerduty, config: {apiUrl: "${pd.url}"}, enabled: false}) { enabled } }`, {}, token);
    expect(kept.data).toEqual({ updateAlertChannel: { enabled: false } });
    const typeChange = await api.gql(`mutation { updateAlertChannel(id: "${ids.pd}", input: {name: "pagerduty", type: webhook, config: {url: "https://h.example/"}}) { id } }`, {}, token);
    expect(typeChange.errors?.[0]?.extensions).toMatchObject({ field: 'input.type' });
  });
});

describe('escalation and acknowledgement', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  const pd = new Provider();
  const hook = new Provider();
  const ids: Record<string, string> = {};
  const drain = async (rounds = 3) => {
    for (let i = 0; i < rounds; i++) await api.app.get(DeliveryWorker).runOnce();
  };
  // This process's own delivery worker runs too (role watchdog): under load it may have claimed a message that the
  // test's drain then skips (SKIP LOCKED) and still be delivering it. Wait for what is expected, not for one drain.
  const delivered = async (what: string, arrived: () => boolean) => {
    await drain();
    await eventually(what, () => (arrived() ? true : undefined), { timeoutMs: 15_000 });
  };
  // A resolution goes through the incident outbox (alerts page "resolved" to whoever was paged): let it land here.
  const settle = async () => {
    await api.app.get(AlertsOutboxConsumer).worker.settle();
    await drain();
  };

  beforeAll(async () => {
    await Promise.all([pd.start(), hook.start()]);
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' });
    const t = await api.tenant('escalate');
    token = t.token;
    tenantId = t.tenantId;
    const run = <T,>(q: string, v?: Record<string, unknown>): Promise<T> => api.ok<T>(q, v, token);
    const channel = (input: Record<string, unknown>) => run<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: input }).then((d) => d.createAlertChannel.id);
    ids.hook = await channel({ name: 'chat', type: 'webhook', config: { url: `${hook.url}/chat` }, secret: 'hook-secret-0123456789' });
    ids.pd = await channel({ name: 'pager', type: 'pagerduty', config: { apiUrl: pd.url }, secret: 'R0UT1NGKEY0123456789abcdefABCDEF' });
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "mx1", addresses: ["192.0.2.25"]}) { id } }')).createHost.id;
    ids.service = (await run<{ createService: { id: string } }>(`mutation { createService(input: {name: "smtp", type: mail, hostId: "${ids.host}"}) { id } }`)).createService.id;
    ids.monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "mx1 smtp", type: smtp, hostId: "${ids.host}", serviceId: "${ids.service}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    await run(
      `mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }`,
      { i: { name: 'mail: chat, then page after 1 min', match: { serviceTypes: ['mail'] }, steps: [{ delayMinutes: 0, channelIds: [ids.hook] }, { delayMinutes: 1, channelIds: [ids.pd] }] } },
    );
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await pd.stop();
    await hook.stop();
  });

  const open = async (ageMs: number) => {
    const incidents = api.app.get(IncidentsService);
    const ref = { id: ids.monitor, tenantId, hostId: ids.host, serviceId: ids.service, name: 'mx1 smtp' };
    const incident = (await incidents.open(ref, new Date(Date.now() - ageMs), 'SMTP 127.0.0.1:25: connection refused', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'mx1 smtp');
    return { incident, ref };
  };

  it('escalates step by step while nobody acknowledges', async () => {
    const { incident, ref } = await open(61_000);
    await delivered('both steps delivered', () => hook.hits.length >= 1 && pd.hits.length >= 1);
    expect(hook.hits).toHaveLength(1);
    expect(pd.hits).toHaveLength(1);
    expect(JSON.parse(pd.hits[0]!.body).dedup_key).toBe(`vigia-incident-${incident.id}`);
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'ok');
    await settle();
  });

  it('an acknowledgement stops the next step, tells the pager, and is on the timeline with who', async () => {
    pd.hits = [];
    hook.hits = [];
    const { incident, ref } = await open(10_000);
    await delivered('the first step delivered', () => hook.hits.length >= 1);
    expect(hook.hits).toHaveLength(1);
    expect(pd.hits).toHaveLength(0);
    const ack = await api.gql<{ acknowledgeIncident: { acknowledgedBy: string; timeline: { kind: string; message: string }[] } }>(
      `mutation { acknowledgeIncident(id: "${incident.id}") { acknowledgedBy timeline { kind message } } }`, {}, token,
    );
    expect(ack.data!.acknowledgeIncident.acknowledgedBy).toBe('owner@escalate.test');
    expect(ack.data!.acknowledgeIncident.timeline.at(-1)).toEqual({ kind: 'acknowledged', message: 'acknowledged by owner@escalate.test: escalation stopped' });
    // The acknowledgement reaches alerts through the incident outbox (escalation cancelled, pagers told).
    await api.app.get(AlertsOutboxConsumer).worker.settle();
    await api.app.get(DataSource).query("UPDATE notifications SET next_attempt_at = now() WHERE incident_id = $1", [incident.id]);
    await delivered('the acknowledgement told to the chat', () => hook.hits.some((h) => JSON.parse(h.body).event === 'acknowledge'));
    expect(pd.hits).toHaveLength(0);
    const [step1] = await api.app.get(DataSource).query("SELECT status FROM notifications WHERE incident_id = $1 AND step = 1", [incident.id]);
    expect(step1.status).toBe('cancelled');
    expect(JSON.parse(hook.hits.at(-1)!.body)).toMatchObject({ event: 'acknowledge' });
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'ok');
    await settle();
  });

  it('repeats the last step while unacknowledged, and holds messages in quiet hours (pagers still page)', async () => {
    // Quiet hours are the company's wall clock; the window below is written in UTC (the first test chose Madrid).
    await api.ok('mutation { updateTenant(input: {timeZone: "UTC"}) { timeZone } }', {}, token);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const now = new Date();
    const end = new Date(now.getTime() + 60 * 60_000);
    const dns = (await api.gql<{ createService: { id: string } }>(`mutation { createService(input: {name: "ns", type: dns, hostId: "${ids.host}"}) { id } }`, {}, token)).data!.createService.id;
    const monitor = (await api.gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "ns dns", type: dns, hostId: "${ids.host}", serviceId: "${dns}", config: {server: "192.0.2.53", name: "example.test"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`, {}, token)).data!.createMonitor.id;
    const res = await api.gql(
      `mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }`,
      { i: { name: 'dns at night', priority: 1, match: { serviceTypes: ['dns'] }, steps: [{ delayMinutes: 0, channelIds: [ids.hook, ids.pd] }], repeatMinutes: 10, quietHours: { start: hhmm(new Date(now.getTime() - 60 * 60_000)), end: hhmm(end) } } },
      token,
    );
    expect(res.errors).toBeUndefined();
    const ref = { id: monitor, tenantId, hostId: ids.host, serviceId: dns, name: 'ns dns' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(), 'SERVFAIL', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'ns dns');
    const rows: { step: number; type: string; status: string; next: Date }[] = await api.app.get(DataSource).query(
      'SELECT n.step, c.type, n.status, n.next_attempt_at AS next FROM notifications n JOIN alert_channels c ON c.id = n.channel_id WHERE n.incident_id = $1 ORDER BY n.step, c.type',
      [incident.id],
    );
    expect(rows.map((r) => `${r.step}:${r.type}`)).toEqual(['0:pagerduty', '0:webhook', '1:pagerduty', '1:webhook', '2:pagerduty', '2:webhook', '3:pagerduty', '3:webhook']);
    const pager0 = rows[0]!.next.getTime();
    const hook0 = rows[1]!.next.getTime();
    // The pager is not held: due now — unless this process's delivery worker has already claimed it (then it is
    // `sending` or `sent`, its next attempt the claim's lease), which it can only do because it was due.
    if (rows[0]!.status === 'queued') expect(pager0 - Date.now()).toBeLessThan(5_000);
    else expect(rows[0]!.status).toMatch(/^(sending|sent)$/);
    expect(rows[1]!.status).toBe('queued');
    expect(Math.abs(hook0 - Math.floor(end.getTime() / 60_000) * 60_000)).toBeLessThan(2_000);
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'ok');
    await settle();
    await api.app.get(AlertsService).incidentResolved({ ...incident, status: 'resolved' } as never, 'ns dns');
    const pending = await api.app.get(DataSource).query("SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1 AND kind = 'trigger' AND status = 'queued'", [incident.id]);
    expect(pending[0].n).toBe(0);
  });

  it('routes by severity: a warning goes where warnings go, and says so', async () => {
    pd.hits = [];
    hook.hits = [];
    const res = await api.gql(
      `mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }`,
      { i: { name: 'warnings to chat', priority: 0, match: { severities: ['warning'] }, steps: [{ delayMinutes: 0, channelIds: [ids.hook] }] } },
      token,
    );
    expect(res.errors).toBeUndefined();
    const monitor = (await api.gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "mx1 slow", type: tcp, hostId: "${ids.host}", serviceId: "${ids.service}", config: {port: 25}, intervalMs: 60000, timeoutMs: 5000, enabled: false, severity: warning}) { id } }`, {}, token)).data!.createMonitor.id;
    const ref = { id: monitor, tenantId, hostId: ids.host, serviceId: ids.service, name: 'mx1 slow' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(), 'slow', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'mx1 slow');
    // Earlier incidents' resolve messages may still be arriving: look at this incident only.
    const mine = (hits: Hit[]) => hits.filter((h) => JSON.parse(h.body).dedup_key === `vigia-incident-${incident.id}`);
    await delivered('the warning delivered', () => mine(hook.hits).length >= 1);
    expect(mine(pd.hits)).toHaveLength(0);
    expect(mine(hook.hits)).toHaveLength(1);
    expect(JSON.parse(mine(hook.hits)[0]!.body).severity).toBe('warning');
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'ok');
    await settle();
  });

  it('acknowledges from the e-mail link: GET only asks, POST acknowledges, a forged link is 404', async () => {
    const { incident, ref } = await open(5_000);
    const link = api.app.get(AckLinks).url(tenantId, incident.id).replace(/^http:\/\/[^/]+/, api.url);
    const get = await fetch(link);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<button type="submit"');
    const [before] = await api.app.get(DataSource).query('SELECT acknowledged_at FROM incidents WHERE id = $1', [incident.id]);
    expect(before.acknowledged_at).toBeNull();
    expect((await fetch(link.replace(/s=[^&]+/, 's=AAAA'), { method: 'POST' })).status).toBe(404);
    const post = await fetch(link, { method: 'POST' });
    expect(await post.text()).toContain('Acknowledged.');
    const [after] = await api.app.get(DataSource).query('SELECT acknowledged_by FROM incidents WHERE id = $1', [incident.id]);
    expect(after.acknowledged_by).toBe('e-mail link');
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'ok');
    await settle();
  });

  it('counts the open incidents a policy is still escalating (what its deletion leaves queued), and none once resolved', async () => {
    const escalating = async () =>
      (await api.ok<{ escalationPolicies: { name: string; escalatingIncidents: number }[] }>('{ escalationPolicies { name escalatingIncidents } }', {}, token)).escalationPolicies.find(
        (p) => p.name === 'mail: chat, then page after 1 min',
      )!.escalatingIncidents;
    expect(await escalating()).toBe(0);
    // Ten seconds old: step 1 went out, step 2 (after a minute) waits.
    const { ref } = await open(10_000);
    await drain();
    expect(await escalating()).toBe(1);
    await api.app.get(IncidentsService).resolve(ref, new Date(), 'ok');
    await settle();
    expect(await escalating()).toBe(0);
  });
});

describe('grouping: a burst of outages in one site is one message', () => {
  let api: TestApi;
  let tenantId: string;
  const hook = new Provider();
  const pd = new Provider();

  beforeAll(async () => {
    await Promise.all([hook.start(), pd.start()]);
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '1' });
    const t = await api.tenant('burst');
    tenantId = t.tenantId;
    await api.gql(`mutation { a: createAlertChannel(input: {name: "chat", type: webhook, config: {url: "${hook.url}/chat"}, secret: "hook-secret-0123456789"}) { id }
      b: createAlertChannel(input: {name: "pager", type: pagerduty, config: {apiUrl: "${pd.url}"}, secret: "R0UT1NGKEY0123456789abcdefABCDEF"}) { id } }`, {}, t.token);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await hook.stop();
    await pd.stop();
  });

  it('sends one webhook call listing the five outages of a site, and still pages each incident once', async () => {
    const token = (await api.gql<{ login: { token: string } }>('mutation { login(input: {tenant: "burst", email: "owner@burst.test", password: "pw-burst-correct-horse"}) { token } }')).data!.login.token;
    const run = async <T>(q: string): Promise<T> => (await api.gql<T>(q, {}, token)).data!;
    const site = (await run<{ createSite: { id: string } }>('mutation { createSite(input: {name: "dc1"}) { id } }')).createSite.id;
    const refs = [];
    for (let i = 0; i < 5; i++) {
      const host = (await run<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "rack-${i}", addresses: ["192.0.2.${i + 1}"], siteId: "${site}"}) { id } }`)).createHost.id;
      const monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "rack-${i} ping", type: icmp, hostId: "${host}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
      refs.push({ id: monitor, tenantId, hostId: host, serviceId: null, name: `rack-${i} ping` });
    }
    const incidents = api.app.get(IncidentsService);
    const alerts = api.app.get(AlertsService);
    // A power failure in dc1: five hosts confirmed down within a few hundred milliseconds.
    for (const ref of refs) {
      const incident = (await incidents.open(ref, new Date(), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
      await alerts.incidentOpened(incident, ref.name);
    }
    const worker = api.app.get(DeliveryWorker);
    // The process's own worker runs too: passes until the five pager events are out (bounded).
    for (let i = 0; i < 20 && pd.hits.length < 5; i++) await worker.runOnce();
    expect(hook.hits).toHaveLength(0); // still inside the grouping window
    expect(pd.hits).toHaveLength(5); // pagers: one event per incident, deduplicated by the provider
    await new Promise((r) => setTimeout(r, 1200));
    for (let i = 0; i < 3; i++) await worker.runOnce();
    expect(hook.hits).toHaveLength(1);
    const body = JSON.parse(hook.hits[0]!.body);
    expect(body.summary).toMatch(/^5 outages at once: /);
    expect(body.details.outages).toHaveLength(5);
    const statuses = await api.app.get(DataSource).query("SELECT status, count(*)::int AS n FROM notifications n JOIN alert_channels c ON c.id = n.channel_id WHERE c.type = 'webhook' GROUP BY 1 ORDER BY 1");
    expect(statuses).toEqual([{ status: 'grouped', n: 4 }, { status: 'sent', n: 1 }]);
    // The message's one acknowledge link (its first outage's) acknowledges all five it listed.
    const [leader] = await api.app.get(DataSource).query("SELECT n.incident_id, n.channel_id FROM notifications n JOIN alert_channels c ON c.id = n.channel_id WHERE c.type = 'webhook' AND n.status = 'sent'");
    const link = new URL(api.app.get(AckLinks).url(tenantId, leader.incident_id, leader.channel_id));
    // Before the button, the page names all five: the POST acknowledges every outage the message listed.
    const asked = await (await fetch(`${api.url}${link.pathname}${link.search}`)).text();
    expect(asked).toContain('With it, the other outages of the same message:');
    expect(asked.match(/<li>[^<]+: down since [^<]+ — Still open, not acknowledged\.<\/li>/g)).toHaveLength(4);
    const acked = await fetch(`${api.url}${link.pathname}${link.search}`, { method: 'POST' });
    expect(await acked.text()).toContain('With it, 4 other outages of the same message.');
    const unacked = await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM incidents WHERE tenant_id = $1 AND acknowledged_at IS NULL', [tenantId]);
    expect(unacked).toEqual([{ n: 0 }]);
    // Each of the five recovers: each recovery goes to the webhook too — the four grouped ones reached it in the
    // first's message (only that first one was told of its recovery, the others read as still down).
    for (const ref of refs) {
      const resolved = await incidents.resolve(ref, new Date(), 'echo reply again');
      if (resolved) await alerts.incidentResolved(resolved, ref.name);
    }
    const resolves = await api.app.get(DataSource).query("SELECT count(DISTINCT n.incident_id)::int AS n FROM notifications n JOIN alert_channels c ON c.id = n.channel_id WHERE c.type = 'webhook' AND n.kind = 'resolve'");
    expect(resolves).toEqual([{ n: 5 }]);
  });
});

describe('delivery across replicas, with a provider that hangs', () => {
  let first: TestApi;
  let second: TestApi;
  let tenantId: string;
  const pd = new Provider();
  const stuck = createServer(() => undefined); // accepts and never answers
  const refs: { id: string; tenantId: string; hostId: string; serviceId: null; name: string }[] = [];

  beforeAll(async () => {
    await pd.start();
    await new Promise<void>((r) => stuck.listen(0, '127.0.0.1', () => r()));
    first = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' });
    second = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' }, first.db);
    const t = await first.tenant('replicas-alerts');
    tenantId = t.tenantId;
    await first.gql(`mutation { a: createAlertChannel(input: {name: "pager", type: pagerduty, config: {apiUrl: "${pd.url}"}, secret: "R0UT1NGKEY0123456789abcdefABCDEF"}) { id }
      b: createAlertChannel(input: {name: "stuck hook", type: webhook, config: {url: "http://127.0.0.1:${(stuck.address() as AddressInfo).port}/"}, secret: "hook-secret-0123456789"}) { id } }`, {}, t.token);
    for (let i = 0; i < 20; i++) {
      const host = (await first.gql<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "node${i}", addresses: ["192.0.2.${i + 1}"]}) { id } }`, {}, t.token)).data!.createHost.id;
      const monitor = (await first.gql<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "node${i} ping", type: icmp, hostId: "${host}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`, {}, t.token)).data!.createMonitor.id;
      refs.push({ id: monitor, tenantId, hostId: host, serviceId: null, name: `node${i} ping` });
    }
  }, 60_000);
  afterAll(async () => {
    stuck.closeAllConnections();
    stuck.close();
    await pd.stop();
    await second?.close({ keepDatabase: true });
    await first?.close();
  });

  it('sends each page once although two processes deliver, and the hanging webhook delays no page', async () => {
    const started = Date.now();
    for (const ref of refs) {
      const incident = (await first.app.get(IncidentsService).open(ref, new Date(), 'no echo reply', { planned: false, flapping: false, suppressed: false }))!;
      await first.app.get(AlertsService).incidentOpened(incident, ref.name);
    }
    // Only the background workers of the two processes deliver here.
    await eventually('20 pages', () => pd.hits.length >= 20, { timeoutMs: 5000, everyMs: 50 });
    const elapsed = Date.now() - started;
    const keys = pd.hits.map((h) => JSON.parse(h.body).dedup_key as string);
    expect(new Set(keys).size).toBe(20);
    expect(keys).toHaveLength(20);
    expect(elapsed).toBeLessThan(5000); // the webhook's 10 s timeout did not hold the pages back
    await new Promise((r) => setTimeout(r, 500));
    expect(pd.hits).toHaveLength(20);
  });
});
