import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService, DeliveryWorker } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { startTestApi, type TestApi } from './support/test-api.js';
import { type ReceivedMail, startAuthRelay } from './support/auth-relay.js';

const SETTINGS = 'query { mailSettings { transport fromName fromAddress replyTo relay { host port security username hasPassword tlsVerify } } }';
const SAVE = 'mutation($i: MailSettingsInput!) { setMailSettings(input: $i) { transport fromAddress relay { host port hasPassword } } }';
const TEST = 'mutation($to: String!) { sendTestMail(to: $to) { ok response durationMs } }';

/**
 * A tenant's own e-mail (issue 21): its sender and its own SMTP relay set through the API (the dashboard's E-mail
 * tab), a test that says at once what the relay answered, and a relay that refuses shown on the channel and on the
 * incident. The relays are real SMTP servers (smtp-server) on loopback; the platform has none configured, as a
 * SaaS tenant would find it on day one.
 */
describe('a tenant’s own e-mail relay and sender', () => {
  let api: TestApi;
  let relay: Awaited<ReturnType<typeof startAuthRelay>>;
  let relayPort: number;
  let received: ReceivedMail[];
  let token: string;
  let tenantId: string;
  const run = <T,>(q: string, v: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, v, token);

  beforeAll(async () => {
    relay = await startAuthRelay();
    relayPort = relay.port;
    received = relay.received;
    // No VIGIA_SMTP_URL: the platform has no relay, as a new SaaS tenant may find it.
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' });
    const t = await api.tenant('own-mail');
    token = t.token;
    tenantId = t.tenantId;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await relay?.close();
  });

  it('on the platform relay with none configured, the test says so in words instead of nothing', async () => {
    expect((await run<{ mailSettings: { transport: string; relay: null } }>(SETTINGS)).mailSettings).toMatchObject({ transport: 'platform', relay: null });
    const { sendTestMail } = await run<{ sendTestMail: { ok: boolean; response: string } }>(TEST, { to: 'me@own-mail.test' });
    expect(sendTestMail.ok).toBe(false);
    expect(sendTestMail.response).toMatch(/platform has no mail relay .*set your own SMTP relay/);
  });

  it('refuses bad settings naming the field in words, and saves nothing of them', async () => {
    const good = { transport: 'relay', fromAddress: 'noc@own-mail.test', relay: { host: '127.0.0.1', port: relayPort, security: 'starttls', username: 'noc', password: 'right horse battery', tlsVerify: false } };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...good, relay: { ...good.relay, port: 0 } }, 'input.relay.port', /port from 1 to 65535/],
      [{ ...good, relay: { ...good.relay, security: 'ssl' } }, 'input.relay.security', /starttls .* tls .* none/],
      [{ ...good, relay: { ...good.relay, host: 'not a host!' } }, 'input.relay.host', /host name or IP address/],
      [{ ...good, relay: { ...good.relay, host: '169.254.169.254' } }, 'input.relay.host', /./],
      [{ ...good, fromAddress: 'noc at own-mail' }, 'input.fromAddress', /e-mail address/],
      [{ ...good, fromName: 'NOC\r\nBcc: victim@example.com' }, 'input.fromName', /without line breaks/],
      [{ transport: 'relay' }, 'input.relay.host', /required to send through your own relay/],
    ];
    for (const [input, field, message] of cases) {
      const error = await api.fails(SAVE, { i: input }, token, { code: 'VALIDATION_FAILED', field });
      expect(error.message, field).toMatch(message);
    }
    expect((await run<{ mailSettings: { transport: string; fromAddress: null; relay: null } }>(SETTINGS)).mailSettings).toMatchObject({ transport: 'platform', fromAddress: null, relay: null });
    // An operator reads the settings but cannot change them.
    const operator = await api.as('operator', { slug: 'own-mail', token });
    await operator.fails(SAVE, { i: good });
    await operator.fails(TEST, { to: 'me@own-mail.test' });
  });

  it('sends the test through the tenant’s relay, from its address, authenticated; the password sealed and never shown', async () => {
    const saved = await run<{ setMailSettings: { transport: string; relay: { hasPassword: boolean } } }>(SAVE, {
      i: { transport: 'relay', fromName: 'Own Mail NOC', fromAddress: 'noc@own-mail.test', replyTo: 'support@own-mail.test', relay: { host: '127.0.0.1', port: relayPort, security: 'starttls', username: 'noc', password: 'right horse battery', tlsVerify: false } },
    });
    expect(saved.setMailSettings).toMatchObject({ transport: 'relay', relay: { hasPassword: true } });
    const stored = (await api.app.get(DataSource).query('SELECT * FROM tenant_mail_transports WHERE tenant_id = $1', [tenantId]))[0];
    expect(JSON.stringify(stored)).not.toContain('right horse battery');
    expect(stored.relay_password_sealed).toMatch(/^v1:/);

    const before = received.length;
    const { sendTestMail } = await run<{ sendTestMail: { ok: boolean; response: string; durationMs: number } }>(TEST, { to: 'me@own-mail.test' });
    expect(sendTestMail).toMatchObject({ ok: true });
    expect(sendTestMail.response).toMatch(/^250/);
    expect(received).toHaveLength(before + 1);
    const mail = await simpleParser(received.at(-1)!.raw);
    expect(received.at(-1)!.user).toBe('noc');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Own Mail NOC', address: 'noc@own-mail.test' });
    expect(mail.replyTo?.value[0]?.address).toBe('support@own-mail.test');
    expect(mail.subject).toBe('Test from Vigia');

    // Saving again without a password keeps the stored one (the form never shows it).
    await run(SAVE, { i: { transport: 'relay', fromName: 'Own Mail NOC', fromAddress: 'noc@own-mail.test', relay: { host: '127.0.0.1', port: relayPort, security: 'starttls', username: 'noc', tlsVerify: false } } });
    expect((await run<{ sendTestMail: { ok: boolean } }>(TEST, { to: 'me@own-mail.test' })).sendTestMail.ok).toBe(true);
    // Another tenant's copy of the sealed value does not open there (the tenant is the seal's context).
    const other = await api.tenant('copycat');
    await api.app.get(DataSource).query(
      `INSERT INTO tenant_mail_transports (tenant_id, transport, relay_host, relay_port, relay_security, relay_username, relay_password_sealed, relay_tls_verify)
       SELECT $1, 'relay', relay_host, relay_port, relay_security, relay_username, relay_password_sealed, false FROM tenant_mail_transports WHERE tenant_id = $2`,
      [other.tenantId, tenantId],
    );
    const stolen = await api.ok<{ sendTestMail: { ok: boolean; response: string } }>(TEST, { to: 'me@copycat.test' }, other.token);
    expect(stolen.sendTestMail.ok).toBe(false);
  });

  it('a relay that refuses the login: the test says why; an alert that fails says so on the channel and on the incident', async () => {
    await run(SAVE, { i: { transport: 'relay', fromAddress: 'noc@own-mail.test', relay: { host: '127.0.0.1', port: relayPort, security: 'starttls', username: 'noc', password: 'wrong', tlsVerify: false } } });
    const { sendTestMail } = await run<{ sendTestMail: { ok: boolean; response: string } }>(TEST, { to: 'me@own-mail.test' });
    expect(sendTestMail.ok).toBe(false);
    expect(sendTestMail.response).toMatch(new RegExp(`relay 127\\.0\\.0\\.1:${relayPort}: .*535`));

    const channel = (await run<{ createAlertChannel: { id: string } }>('mutation { createAlertChannel(input: {name: "noc mail", type: email, config: {to: ["noc@own-mail.test"]}}) { id } }')).createAlertChannel.id;
    const host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    const monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    const ref = { id: monitor, tenantId, hostId: host, serviceId: null, name: 'www' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(Date.now() - 5000), 'HTTP 503', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'www');
    await api.app.get(DeliveryWorker).runOnce();

    const { alertChannels } = await run<{ alertChannels: { nodes: { id: string; lastDelivery: { kind: string; status: string; lastError: string } | null }[] } }>(
      '{ alertChannels(first: 10) { nodes { id lastDelivery { kind status lastError } } } }',
    );
    const last = alertChannels.nodes.find((c) => c.id === channel)!.lastDelivery!;
    expect(last).toMatchObject({ kind: 'trigger', status: 'failed' });
    expect(last.lastError).toMatch(/535/);
    const { incident: shown } = await run<{ incident: { notifications: { step: number; status: string; lastError: string; channel: { name: string; type: string; target: string } }[] } }>(
      `{ incident(id: "${incident.id}") { notifications { step status lastError channel { name type target } } } }`,
    );
    expect(shown.notifications).toHaveLength(1);
    expect(shown.notifications[0]).toMatchObject({ step: 0, status: 'failed', channel: { name: 'noc mail', type: 'email', target: 'noc@own-mail.test' } });
    expect(shown.notifications[0]!.lastError).toMatch(/535/);
  });

  it('follows a channel test to its outcome by its notification id', async () => {
    const channel = (await run<{ alertChannels: { nodes: { id: string }[] } }>('{ alertChannels(first: 1) { nodes { id } } }')).alertChannels.nodes[0]!.id;
    const { testAlertChannel } = await run<{ testAlertChannel: { id: string; status: string } }>(`mutation { testAlertChannel(channelId: "${channel}") { id status } }`);
    expect(testAlertChannel.status).toBe('queued');
    await api.app.get(DeliveryWorker).runOnce();
    const { notification } = await run<{ notification: { status: string; lastError: string } }>(`{ notification(id: "${testAlertChannel.id}") { status lastError } }`);
    expect(notification.status).toBe('failed');
    expect(notification.lastError).toMatch(/535/);
    // Another tenant cannot read it.
    const other = await api.tenant('nosy');
    await api.fails(`{ notification(id: "${testAlertChannel.id}") { status } }`, {}, other.token, { code: 'NOT_FOUND' });
  });
});
