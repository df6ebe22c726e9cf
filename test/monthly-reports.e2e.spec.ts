import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { MonthlyReportJob, previousMonth } from '#lib/reports';
import { startTestApi, type TestApi } from './support/test-api.js';
import { selfSignedCert } from './support/tls-cert.js';

interface Received {
  to: string;
  raw: string;
}

describe('monthly report e-mails, received by a real SMTP server', () => {
  let api: TestApi;
  let smtp: SMTPServer;
  const inbox: Received[] = [];
  let refuse = false;
  let token: string;
  let withEmail: string;

  beforeAll(async () => {
    const { key, cert } = await selfSignedCert(90);
    const port = await freePort();
    smtp = new SMTPServer({
      key,
      cert,
      authOptional: true,
      logger: false,
      onRcptTo: (address, _s, cb) => (refuse ? cb(new Error('mailbox unavailable')) : cb()),
      onData: (stream, session, cb) => {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(port, '127.0.0.1', () => r()));
    api = await startTestApi({ VIGIA_SMTP_URL: `smtp://127.0.0.1:${port}`, VIGIA_SMTP_TLS_VERIFY: 'false', VIGIA_MAIL_FROM: 'Acme Hosting <noc@acme.test>' });
    token = (await api.tenant('mailing')).token;
    const res = await api.gql<{ a: { id: string }; b: { id: string } }>(
      'mutation { a: createCustomer(input: {name: "Bakery", email: "owner@bakery.test"}) { id } b: createCustomer(input: {name: "No mail"}) { id } }', {}, token,
    );
    withEmail = res.data!.a.id;
    const host = await api.gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web9", addresses: ["192.0.2.9"]}) { id } }', {}, token);
    const service = await api.gql<{ createService: { id: string } }>(
      `mutation { createService(input: {name: "Shop", type: web, hostId: "${host.data!.createHost.id}", customerIds: ["${withEmail}"]}) { id } }`, {}, token,
    );
    await api.gql(
      `mutation { createMonitor(input: {name: "shop", type: http, hostId: "${host.data!.createHost.id}", serviceId: "${service.data!.createService.id}", config: {url: "http://192.0.2.9/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`, {}, token,
    );
    await api.app.get(DataSource).query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    // The customers were served from then on, too (a link counts from its start).
    await api.app.get(DataSource).query("UPDATE service_customers SET starts_at = '2026-09-01T00:00:00Z'");
    // As a watchdog would: the first verdict right at creation (without one the time is unobserved).
    await api.app.get(DataSource).query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors");
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('knows which month is due in each time zone', () => {
    const instant = Date.parse('2026-11-01T02:00:00Z');
    expect(previousMonth(instant, 'UTC')).toBe('2026-10');
    expect(previousMonth(instant, 'America/New_York')).toBe('2026-09');
    expect(previousMonth(Date.parse('2027-01-01T08:00:00Z'), 'Asia/Tokyo')).toBe('2026-12');
  });

  it('sends last month once per customer with an address, even when two processes run the job at once', async () => {
    const job = api.app.get(MonthlyReportJob);
    const now = Date.parse('2026-11-01T00:30:00Z');
    const [a, b] = await Promise.all([job.runDue(now), job.runDue(now)]);
    const rows = await api.app.get(DataSource).query('SELECT status, detail FROM report_mailings');
    expect(rows, JSON.stringify(rows)).toHaveLength(1);
    expect(rows[0].status, JSON.stringify(rows)).toBe('sent');
    expect(a + b).toBe(1);
    expect(await job.runDue(now + 600_000)).toBe(0);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.to).toBe('owner@bakery.test');
    const mail = await simpleParser(inbox[0]!.raw);
    expect(mail.subject).toBe('Bakery: service availability 2026-10 — 100.000 %');
    expect(mail.from?.text).toBe('"Acme Hosting" <noc@acme.test>');
    expect(mail.text).toContain('Downtime 0 s in 0 incidents');
    expect(mail.html).toContain('<h2>Bakery, 2026-10</h2>');
    expect(mail.headers.get('x-vigia-report')).toMatch(/^[0-9a-f-]+\/2026-10$/);
    const link = /(http:\/\/\S+\/reports\/customers\/\S+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    const page = await fetch(link!.replace(/^http:\/\/[^/]+/, api.url));
    expect(page.status).toBe(200);
  });

  it('retries a refused send on the next run, and counts the attempts', async () => {
    const job = api.app.get(MonthlyReportJob);
    const now = Date.parse('2026-12-01T00:30:00Z');
    refuse = true;
    expect(await job.runDue(now)).toBe(0);
    const db = api.app.get(DataSource);
    expect((await db.query("SELECT status, attempts, detail FROM report_mailings WHERE month = '2026-11'"))[0]).toMatchObject({ status: 'failed', attempts: 1 });
    refuse = false;
    expect(await job.runDue(now + 600_000)).toBe(1);
    expect((await db.query("SELECT status, attempts FROM report_mailings WHERE month = '2026-11'"))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('previews the e-mail without sending it', async () => {
    const before = inbox.length;
    const res = await api.gql<{ previewMonthlyReport: { to: string; subject: string; text: string; html: string } }>(
      `mutation { previewMonthlyReport(customerId: "${withEmail}", month: "2026-10") { to subject text html } }`, {}, token,
    );
    expect(res.data?.previewMonthlyReport).toMatchObject({ to: 'owner@bakery.test', subject: expect.stringMatching(/^Bakery: service availability 2026-10/) });
    expect(res.data?.previewMonthlyReport.text).toMatch(/Availability 100\.000 %/);
    expect(inbox.length).toBe(before);
  });
});
