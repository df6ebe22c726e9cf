import { request } from 'node:http';
import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusPageAccess } from '#lib/status-pages';
import { eventually } from './support/eventually.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

interface Page {
  id: string;
  path: string;
}

/**
 * Customer-login status pages (issue 17) on the real API, PostgreSQL and a real SMTP server: the customer's address
 * asks for a link → the mail arrives → opening it sets the page's cookie → the page shows the customer's services
 * only. Another address gets the same answer and no mail; an expired or tampered link is a 404 that sets nothing; the
 * cookie of one page opens neither another page of the tenant nor another tenant's.
 */
/** A request with any Host header (fetch will not set one), as a custom domain's visitor sends it. */
function withHost(url: string, host: string, method = 'GET', body = ''): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { host, ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('status pages: sign-in by the customer', () => {
  let api: TestApi;
  let token: string;
  let otherToken: string;
  const smtp = new RecordingSmtpServer();
  const raw = smtp.raw;
  const pages: Record<string, Page> = {};
  const mails = async (to: string): Promise<ParsedMail[]> => (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m) => JSON.stringify(m.to).includes(to));
  const get = (path: string, cookie?: string) => fetch(`${api.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const form = (path: string, body: Record<string, string>, cookie?: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(body).toString() });
  const mk = async (q: string, t: string) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, t))[0]!.id;
  const page = async (input: Record<string, unknown>, t: string): Promise<Page> =>
    (await api.ok<{ createStatusPage: Page }>('mutation($i: StatusPageInput!) { createStatusPage(input: $i) { id path } }', { i: input }, t)).createStatusPage;
  let cookie = '';

  beforeAll(async () => {
    await smtp.start();
    api = await startTestApi({ ...smtp.env });
    token = (await api.tenant('acme')).token;
    otherToken = (await api.tenant('other')).token;
    const bakery = await mk('mutation { createCustomer(input: {name: "Panadería <b>López</b>", email: "Ops@Panaderia.test"}) { id } }', token);
    const hardware = await mk('mutation { createCustomer(input: {name: "Ferretería Secreta", email: "it@ferreteria.test"}) { id } }', token);
    const host = await mk('mutation { createHost(input: {name: "internal-web-7", addresses: ["10.9.8.7"]}) { id } }', token);
    const shop = await mk(`mutation { createService(input: {name: "shop-internal", customerFacingName: "Tienda online", type: web, hostId: "${host}", customerIds: ["${bakery}"]}) { id } }`, token);
    const tools = await mk(`mutation { createService(input: {name: "tools-internal", customerFacingName: "Catálogo de herramientas", type: web, hostId: "${host}", customerIds: ["${hardware}"]}) { id } }`, token);
    // A per-customer page shows a service that has a monitor.
    for (const [name, service] of [['shop http', shop], ['tools http', tools]] as const) {
      await mk(`mutation { createMonitor(input: {name: "${name}", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://10.9.8.7/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`, token);
    }
    pages.bakery = await page({ slug: 'bakery', title: 'Panadería <b>López</b>', customerId: bakery, visibility: 'customer' }, token);
    pages.hardware = await page({ slug: 'hardware', title: 'Ferretería', customerId: hardware, visibility: 'customer' }, token);
    const theirs = await mk('mutation { createCustomer(input: {name: "Theirs", email: "ops@panaderia.test"}) { id } }', otherToken);
    pages.theirs = await page({ slug: 'theirs', title: 'Theirs', customerId: theirs, visibility: 'customer' }, otherToken);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await smtp.stop();
  });

  it('refuses the visibility on a page that is not a customer’s, naming the field', async () => {
    const res = await api.gql('mutation { createStatusPage(input: {slug: "plain", title: "Plain", visibility: customer}) { id } }', {}, token);
    expect(JSON.stringify(res.errors)).toContain('input.visibility');
  });

  it('shows a sign-in form (no script) instead of the page, and the page’s badges and feeds are 404 without the cookie', async () => {
    const res = await get(pages.bakery!.path);
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="${pages.bakery!.path}/signin">`);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('Tienda online');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect((await get(`${pages.bakery!.path}/feed.rss`)).status).toBe(404);
  });

  it('answers another address exactly as the customer’s, and mails only the customer’s address a link that signs in', async () => {
    const wrong = await form(`${pages.bakery!.path}/signin`, { email: 'someone@else.test' });
    const right = await form(`${pages.bakery!.path}/signin`, { email: ' OPS@panaderia.test ' });
    expect(wrong.status).toBe(202);
    expect(right.status).toBe(202);
    expect(await right.text()).toBe(await wrong.text());
    const [mail, ...more] = await eventually('the sign-in mail', async () => ((await mails('ops@panaderia.test')).length ? mails('ops@panaderia.test') : undefined));
    expect(more).toHaveLength(0);
    expect(await mails('someone@else.test')).toHaveLength(0);
    expect(mail!.subject).toBe('Sign in to Panadería <b>López</b>');
    expect(mail!.html).not.toContain('<b>');
    expect(mail!.html).toContain('Panadería &#60;b&#62;López');
    const link = /https?:\/\/\S+\/signin\?t=\S+/.exec(mail!.text ?? '')![0];
    const u = new URL(link);
    expect(u.pathname).toBe(`${pages.bakery!.path}/signin`);

    const opened = await get(`${u.pathname}${u.search}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(pages.bakery!.path);
    const set = opened.headers.get('set-cookie') ?? '';
    expect(set).toMatch(new RegExp(`^vigia_sp_${pages.bakery!.id}=\\d+\\.[A-Za-z0-9_-]{43}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax$`));
    cookie = set.split(';')[0]!;
    const shown = await get(pages.bakery!.path, cookie);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain('Tienda online');
    expect(html).not.toContain('Catálogo de herramientas');
    expect(html).not.toContain('<b>López');
    expect(html).toContain(`<form method="post" action="${pages.bakery!.path}/signout">`);
    expect(shown.headers.get('content-security-policy')).not.toContain('unsafe');
  });

  it('refuses a malformed address naming the field, and floods with 429', async () => {
    const bad = await form(`${pages.hardware!.path}/signin`, { email: '<script>x' });
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toContain('E-mail address: must be an e-mail address');
    expect(text).not.toContain('<script>x');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await form(`${pages.hardware!.path}/signin`, { email: 'nobody@else.test' })).status);
    expect(statuses).toContain(429);
    expect(await mails('it@ferreteria.test')).toHaveLength(0);
  });

  it('refuses an expired or tampered link with a 404 that sets no cookie', async () => {
    const db = api.app.get(DataSource);
    const [{ auth_version }] = (await db.query('SELECT auth_version FROM status_pages WHERE id = $1', [pages.bakery!.id])) as { auth_version: number }[];
    const access = api.app.get(StatusPageAccess);
    const now = Math.floor(Date.now() / 1000);
    const expired = await get(`${pages.bakery!.path}/signin?t=${access.signinToken(pages.bakery!.id, auth_version, now - 1)}`);
    expect(expired.status).toBe(404);
    expect(expired.headers.get('set-cookie')).toBeNull();
    const good = access.signinToken(pages.bakery!.id, auth_version, now + 600);
    const tampered = good.replace(/\.(.)/, (_x, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    const res = await get(`${pages.bakery!.path}/signin?t=${tampered}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('set-cookie')).toBeNull();
    // A link of one page does not sign in to another.
    expect((await get(`${pages.hardware!.path}/signin?t=${good}`)).status).toBe(404);
  });

  it('the cookie of one page opens neither another page of the tenant nor another tenant’s, under any name', async () => {
    const value = cookie.split('=')[1]!;
    for (const other of [pages.hardware!, pages.theirs!]) {
      expect((await get(other.path, cookie)).status).toBe(401);
      expect((await get(other.path, `vigia_sp_${other.id}=${value}`)).status).toBe(401);
    }
    expect((await get(pages.bakery!.path, cookie)).status).toBe(200);
  });

  it('opens the customer’s monthly SLA report to its signed-in visitors only (SPEC: "by customer login or a signed link")', async () => {
    const html = await (await get(pages.bakery!.path, cookie)).text();
    expect(html).toContain('<h2 id="reports">Monthly availability reports</h2>');
    // The customer was created this month: one month to read, the month in progress.
    const months = [...html.matchAll(new RegExp(`href="${pages.bakery!.path}/reports/(\\d{4}-\\d{2})"`, 'g'))].map((m) => m[1]!);
    expect(months).toHaveLength(1);
    const path = `${pages.bakery!.path}/reports/${months[0]}`;
    const report = await get(path, cookie);
    expect(report.status).toBe(200);
    expect(report.headers.get('cache-control')).toBe('private, no-store');
    const page = await report.text();
    expect(page).toContain('Panadería &#60;b&#62;López&#60;/b&#62;: service availability');
    expect(page).toContain('Month in progress: figures up to');
    expect(page).toContain('accounting method v');
    expect(page).toContain('<a href="?format=pdf">PDF</a> · <a href="?format=csv">CSV</a>');
    const json = (await (await get(`${path}?format=json`, cookie)).json()) as { customer: string; periodOver: boolean };
    expect(json).toMatchObject({ customer: 'Panadería <b>López</b>', periodOver: false });
    expect((await get(`${path}?format=pdf`, cookie)).headers.get('content-type')).toBe('application/pdf');
    // Without the page's cookie (or with another page's): back to the page, which asks for the sign-in.
    const anonymous = await get(path);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(pages.bakery!.path);
    expect((await get(`${pages.hardware!.path}/reports/${months[0]}`, cookie)).status).toBe(303);
    // Months with nothing to report (before the customer existed, or not begun) are not there.
    expect((await get(`${pages.bakery!.path}/reports/2020-01`, cookie)).status).toBe(404);
    expect((await get(`${pages.bakery!.path}/reports/2999-01`, cookie)).status).toBe(404);
  });

  it('on its custom domain: the sign-in form posts to /signin there, a signed link opens /, and /signout clears the cookie', async () => {
    await api.ok('mutation($id: ID!) { updateStatusPage(id: $id, input: {customDomain: "status.ferreteria.test"}) { id } }', { id: pages.hardware!.id }, token);
    const host = 'status.ferreteria.test';
    const form = await withHost(`${api.url}/`, host);
    expect(form.status).toBe(401);
    expect(form.body).toContain('<form method="post" action="/signin">');
    const asked = await withHost(`${api.url}/signin`, host, 'POST', 'email=someone%40else.test');
    expect([202, 429]).toContain(asked.status); // the flood test above used this client's minute
    const [{ auth_version }] = (await api.app.get(DataSource).query('SELECT auth_version FROM status_pages WHERE id = $1', [pages.hardware!.id])) as { auth_version: number }[];
    const t = api.app.get(StatusPageAccess).signinToken(pages.hardware!.id, auth_version, Math.floor(Date.now() / 1000) + 600);
    const opened = await withHost(`${api.url}/signin?t=${t}`, host);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(new RegExp(`^vigia_sp_${pages.hardware!.id}=`));
    const out = await withHost(`${api.url}/signout`, host, 'POST', 'x=1');
    expect(out.status).toBe(303);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
  });

  it('signing out clears the cookie; raising the visibility voids every earlier cookie', async () => {
    const out = await form(`${pages.bakery!.path}/signout`, {}, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^vigia_sp_${pages.bakery!.id}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`));
    await api.ok('mutation($id: ID!) { updateStatusPage(id: $id, input: {visibility: link}) { id } }', { id: pages.bakery!.id }, token);
    await api.ok('mutation($id: ID!) { updateStatusPage(id: $id, input: {visibility: customer}) { id } }', { id: pages.bakery!.id }, token);
    expect((await get(pages.bakery!.path, cookie)).status).toBe(401);
  });
});
