import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService, DeliveryWorker } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { freePort } from '#lib/persistence';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { selfSignedCert } from '../support/tls-cert.js';

describe('acknowledgement links are for those who may acknowledge, and say who did (issue 18, item 5)', () => {
  let api: TestApi;
  let owner: { token: string; tenantId: string };
  let smtp: SMTPServer;
  const mails: string[] = [];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const { key, cert } = await selfSignedCert(90);
    const smtpPort = await freePort();
    smtp = new SMTPServer({ key, cert, authOptional: true, logger: false, onData: (s, _x, cb) => { let raw = ''; s.on('data', (c: Buffer) => (raw += c)); s.on('end', () => { mails.push(raw); cb(); }); } });
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIA_SMTP_TLS_VERIFY: 'false', VIGIA_ALERT_GROUP_SECONDS: '0' });
    owner = await api.tenant('links');
    const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, owner.token);
    ids.mail = (await run<{ createAlertChannel: { id: string } }>('mutation { createAlertChannel(input: {name: "on-call mail", type: email, config: {to: ["oncall@links.test"]}}) { id } }')).createAlertChannel.id;
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    ids.monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "web1 tcp", type: tcp, hostId: "${ids.host}", config: {port: 80}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('keeps the link out of what viewers read, sends it per channel, and records whose link acknowledged', { timeout: 60_000 }, async () => {
    const ref = { id: ids.monitor!, tenantId: owner.tenantId, hostId: ids.host!, serviceId: null, name: 'web1 tcp' };
    const incident = (await api.app.get(IncidentsService).open(ref, new Date(Date.now() - 5000), 'connection refused', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'web1 tcp');
    for (let i = 0; i < 3; i++) await api.app.get(DeliveryWorker).runOnce();

    const mail = await simpleParser(mails.at(-1)!);
    const link = /Acknowledge: (\S+)/.exec(mail.text ?? '')?.[1];
    expect(link).toContain(`&c=${ids.mail}&`);

    const db = api.app.get(DataSource);
    const stored: { payload: Record<string, unknown> }[] = await db.query('SELECT payload FROM notifications WHERE incident_id = $1', [incident.id]);
    expect(JSON.stringify(stored)).not.toContain('/alerts/ack/');
    // A row queued by an older version still holds a link: only operators (who may acknowledge) see it.
    await db.query(
      `INSERT INTO notifications (tenant_id, channel_id, incident_id, kind, step, payload, status, next_attempt_at)
       VALUES ($1, $2, $3, 'trigger', 99, $4, 'cancelled', now())`,
      [owner.tenantId, ids.mail, incident.id, JSON.stringify({ summary: 'old', ackLink: link })],
    );
    const read = async (token: string): Promise<string> =>
      JSON.stringify((await api.gql(`{ incident(id: "${incident.id}") { notifications { payload } } }`, {}, token)).data);
    const viewer = await api.userWithRole(owner.token, 'links', 'viewer');
    const operator = await api.userWithRole(owner.token, 'links', 'operator');
    expect(await read(viewer)).not.toContain('/alerts/ack/');
    expect(await read(viewer)).toContain('<hidden: operator or higher>');
    expect(await read(operator)).toContain('/alerts/ack/');

    const base = link!.replace(/^http:\/\/[^/]+/, api.url);
    // The page names the outage before its button (which incident, since when, where it stands), escaped.
    const confirm = await (await fetch(base)).text();
    expect(confirm).toMatch(/<strong>web1 · web1 tcp: down since \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC<\/strong>/);
    expect(confirm).toContain('Still open, not acknowledged.');
    expect((await fetch(base.replace(`c=${ids.mail}`, `c=${ids.host}`), { method: 'POST' })).status).toBe(404);
    const done = await (await fetch(base, { method: 'POST' })).text();
    expect(done).toContain('<h1>Acknowledged.</h1><p><strong>web1 · web1 tcp: down since');
    // Opened again: nothing left to do, and no button that would do nothing.
    const again = await (await fetch(base)).text();
    expect(again).toMatch(/Already acknowledged by e-mail link to oncall@links\.test \(channel &#34;on-call mail&#34;\) at /);
    expect(again).toContain('<h1>Nothing to acknowledge</h1>');
    expect(again).not.toContain('<button');
    const [after] = await db.query('SELECT acknowledged_by FROM incidents WHERE id = $1', [incident.id]);
    expect(after.acknowledged_by).toBe('e-mail link to oncall@links.test (channel "on-call mail")');
  });
});
