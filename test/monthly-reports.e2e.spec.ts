import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { TINY_PNG_BASE64 } from './support/pdf-text.js';
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
  let quiet: string;
  const db = () => api.app.get(DataSource);
  const run = <T,>(q: string, variables: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, variables, token);
  const months = async (customerId: string): Promise<string[]> =>
    (await db().query('SELECT month FROM report_mailings WHERE customer_id = $1 ORDER BY month', [customerId])).map((r: { month: string }) => r.month);

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
    const res = await run<{ a: { id: string; monthlyReports: boolean }; b: { id: string }; c: { id: string; monthlyReports: boolean } }>(
      `mutation { a: createCustomer(input: {name: "Bakery", email: "owner@bakery.test", monthlyReports: true}) { id monthlyReports }
        b: createCustomer(input: {name: "No mail", monthlyReports: true}) { id }
        c: createCustomer(input: {name: "Quiet", email: "quiet@shop.test"}) { id monthlyReports } }`,
    );
    withEmail = res.a.id;
    quiet = res.c.id;
    expect([res.a.monthlyReports, res.c.monthlyReports]).toEqual([true, false]);
    const host = await api.gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web9", addresses: ["192.0.2.9"]}) { id } }', {}, token);
    const service = await api.gql<{ createService: { id: string } }>(
      `mutation { createService(input: {name: "Shop", type: web, hostId: "${host.data!.createHost.id}", customerIds: ["${withEmail}"]}) { id } }`, {}, token,
    );
    await api.gql(
      `mutation { createMonitor(input: {name: "shop", type: http, hostId: "${host.data!.createHost.id}", serviceId: "${service.data!.createService.id}", config: {url: "http://192.0.2.9/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`, {}, token,
    );
    // The test's months lie before the machine's clock: the customers existed, and the first two opted in, in September.
    await db().query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    await db().query("UPDATE customers SET created_at = '2026-09-01T00:00:00Z', monthly_reports_since = CASE WHEN monthly_reports THEN '2026-09-01T00:00:00Z'::timestamptz END");
    // The customers were served from then on, too (a link counts from its start).
    await db().query("UPDATE service_customers SET starts_at = '2026-09-01T00:00:00Z'");
    // As a watchdog would: the first verdict right at creation (without one the time is unobserved).
    await db().query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors");
    // The job is run at instants up to February 2027: the watchdogs are taken to have watched until then.
    await db().query("UPDATE observation_spans SET ended_at = '2027-03-01T00:00:00Z'");
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

  it('sends nothing until the tenant opts in, nor for a month that ended before it did', async () => {
    const job = api.app.get(MonthlyReportJob);
    const now = Date.parse('2026-11-01T00:30:00Z');
    expect(await job.runDue(now)).toBe(0);
    const on = await run<{ updateTenant: { monthlyReports: boolean; monthlyReportsSince: string } }>('mutation { updateTenant(input: {monthlyReports: true}) { monthlyReports monthlyReportsSince } }');
    expect(on.updateTenant.monthlyReports).toBe(true);
    expect(Date.parse(on.updateTenant.monthlyReportsSince)).toBeGreaterThan(Date.now() - 60_000);
    // Switched on 8 minutes after October ended (the surprise of issue 19): October is not sent.
    await db().query("UPDATE tenants SET monthly_reports_since = '2026-11-01T00:08:00Z'");
    expect(await job.runDue(now + 1_800_000)).toBe(0);
    expect(await db().query('SELECT * FROM report_mailings')).toEqual([]);
    expect(inbox).toHaveLength(0);
    // Switched on in September: October is due.
    await db().query("UPDATE tenants SET monthly_reports_since = '2026-09-15T00:00:00Z'");
  });

  it('sends last month once per customer who opted in and has an address, even when two processes run the job at once', async () => {
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
    expect(mail.subject).toBe('Bakery: service availability October 2026 — 100.000 %');
    expect(mail.from?.text).toBe('"Acme Hosting" <noc@acme.test>');
    expect(mail.text).toContain('Downtime 0 s in 0 incidents');
    expect(mail.html).toContain('<h2 style="color:#1570ef">Bakery, October 2026</h2>');
    expect(await months(quiet)).toEqual([]);
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

  it('never sends a month that ended before the customer existed or before the customer opted in', async () => {
    const job = api.app.get(MonthlyReportJob);
    const created = await run<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Newcomer", email: "hi@newcomer.test", monthlyReports: true}) { id } }');
    const newcomer = created.createCustomer.id;
    // Signed up 10 minutes into December (Madrid or not, this tenant is UTC), opted in long before: no November e-mail.
    await db().query("UPDATE customers SET created_at = '2026-12-01T00:10:00Z', monthly_reports_since = '2026-09-01T00:00:00Z' WHERE id = $1", [newcomer]);
    // Quiet switches the e-mails on 5 minutes into January: no December e-mail.
    const on = await run<{ updateCustomer: { monthlyReports: boolean } }>(`mutation { updateCustomer(id: "${quiet}", input: {monthlyReports: true}) { monthlyReports } }`);
    expect(on.updateCustomer.monthlyReports).toBe(true);
    await db().query("UPDATE customers SET monthly_reports_since = '2027-01-01T00:05:00Z' WHERE id = $1", [quiet]);
    expect(await job.runDue(Date.parse('2026-12-01T00:40:00Z'))).toBe(0);
    expect(await months(newcomer)).toEqual([]);
    // December: the newcomer existed for all of it, Bakery as ever; Quiet opted in after it ended.
    expect(await job.runDue(Date.parse('2027-01-01T00:30:00Z'))).toBe(2);
    expect(await months(newcomer)).toEqual(['2026-12']);
    expect(await months(withEmail)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(await months(quiet)).toEqual([]);
    // Switching off stops them at once.
    await run(`mutation { updateCustomer(id: "${newcomer}", input: {monthlyReports: false}) { id } }`);
    await run('mutation { updateTenant(input: {monthlyReports: false}) { id } }');
    expect(await job.runDue(Date.parse('2027-02-01T00:30:00Z'))).toBe(0);
    expect(await months(withEmail)).toEqual(['2026-10', '2026-11', '2026-12']);
    await run('mutation { updateTenant(input: {monthlyReports: true}) { id } }');
    await db().query("UPDATE tenants SET monthly_reports_since = '2026-09-15T00:00:00Z'");
  });

  it("writes the e-mail in the customer's language with the tenant's logo (inline part) and colour", async () => {
    await run('mutation($i: UpdateTenantBrandingInput!) { updateTenantBranding(input: $i) { id } }', { i: { logo: TINY_PNG_BASE64, primaryColor: '#aa3300' } });
    await run(`mutation { updateCustomer(id: "${withEmail}", input: {language: "de"}) { id } }`);
    const before = inbox.length;
    // January goes to Bakery and to Quiet (who opted in on 1 January, before January ended).
    expect(await api.app.get(MonthlyReportJob).runDue(Date.parse('2027-02-01T00:30:00Z'))).toBe(2);
    // keepCidLinks: mailparser would otherwise turn the inline part into a data: URL in the HTML it returns.
    const mail = await simpleParser(inbox.slice(before).find((m) => m.to === 'owner@bakery.test')!.raw, { keepCidLinks: true });
    expect(mail.subject).toBe('Bakery: Verfügbarkeit der Dienste, Januar 2027 — 100,000 %');
    expect(mail.text).toContain('Ausfallzeit 0 s bei 0 Störungen');
    expect(mail.text).toContain('Alle Tage und Uhrzeiten in der Zeitzone UTC.');
    expect(mail.html).toContain('<h2 style="color:#aa3300">Bakery, Januar 2027</h2>');
    const logo = mail.attachments.find((a) => a.contentType === 'image/png');
    expect(logo?.content.toString('base64')).toBe(TINY_PNG_BASE64);
    expect(mail.html).toContain(`src="cid:${logo!.cid}"`);
    await run(`mutation { updateCustomer(id: "${withEmail}", input: {language: null}) { id } }`);
  });

  it('previews the e-mail without sending it', async () => {
    const before = inbox.length;
    const res = await api.gql<{ previewMonthlyReport: { to: string; subject: string; text: string; html: string } }>(
      `mutation { previewMonthlyReport(customerId: "${withEmail}", month: "2026-10") { to subject text html } }`, {}, token,
    );
    expect(res.data?.previewMonthlyReport).toMatchObject({ to: 'owner@bakery.test', subject: expect.stringMatching(/^Bakery: service availability October 2026/) });
    expect(res.data?.previewMonthlyReport.text).toMatch(/Availability 100\.000 %/);
    // No message, no inline part: the preview embeds the logo so the dashboard's iframe shows it.
    expect(res.data?.previewMonthlyReport.html).toContain(`src="data:image/png;base64,${TINY_PNG_BASE64}"`);
    expect(inbox.length).toBe(before);
  });
});
