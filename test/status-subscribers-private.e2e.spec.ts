import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusNotificationsWorker } from '#lib/status-pages';
import { eventually } from './support/eventually.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

interface Page {
  id: string;
  path: string;
}

/**
 * Subscribing on private status pages (issue 17), on the real API, PostgreSQL and a real SMTP server: the form is
 * offered (and its POST taken) only with the page's cookie — after the password, the signed link or the customer's
 * sign-in; a customer-login page subscribes only the customer's own address; and a subscriber of a private page hears
 * of it only while the page's access is the one it passed (a new password silences it until it subscribes again).
 */
describe('status page subscribers on private pages', () => {
  let api: TestApi;
  let token: string;
  const smtp = new RecordingSmtpServer();
  let worker: StatusNotificationsWorker;
  const raw = smtp.raw;
  const pages: Record<string, Page> = {};
  const cookies: Record<string, string> = {};
  const mails = async (to: string): Promise<ParsedMail[]> => (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m) => JSON.stringify(m.to).includes(to));
  const get = (path: string, cookie?: string) => fetch(`${api.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const post = (path: string, body: Record<string, string>, cookie?: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: new URLSearchParams(body).toString() });
  const local = (link: string) => {
    const u = new URL(link);
    return `${u.pathname}${u.search}`;
  };
  const drain = async () => {
    for (let i = 0; i < 3; i++) await worker.runOnce();
  };
  const count = async (page: Page) => ((await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM status_subscribers WHERE page_id = $1', [page.id])) as { n: number }[])[0]!.n;
  const mailsAfter = async (address: string, n: number) => eventually(`mail ${n + 1} to ${address}`, async () => ((await mails(address)).length > n ? mails(address) : undefined));
  const confirmFrom = async (mail: ParsedMail) => {
    const link = /https?:\/\/\S+\/confirm\?\S+/.exec(mail.text ?? '')![0];
    expect((await post(local(link), {})).status).toBe(200);
  };
  const publish = (page: Page, title: string) =>
    api.ok(`mutation { createStatusPost(pageId: "${page.id}", input: {title: "${title}", published: true}, update: {state: investigating, body: "Looking into it."}) { id } }`, {}, token);

  beforeAll(async () => {
    await smtp.start();
    api = await startTestApi({ ...smtp.env });
    token = (await api.tenant('acme')).token;
    worker = api.app.get(StatusNotificationsWorker);
    const mk = async (q: string) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, token))[0]!.id;
    const customer = await mk('mutation { createCustomer(input: {name: "Bakery", email: "ops@bakery.test"}) { id } }');
    const host = await mk('mutation { createHost(input: {name: "web-10", addresses: ["192.0.2.10"]}) { id } }');
    const shop = await mk(`mutation { createService(input: {name: "shop-int", customerFacingName: "Shop", type: web, hostId: "${host}", customerIds: ["${customer}"]}) { id } }`);
    await mk(`mutation { createMonitor(input: {name: "shop http", type: http, hostId: "${host}", serviceId: "${shop}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000}) { id } }`);
    const page = async (input: string) => (await api.ok<{ createStatusPage: Page }>(`mutation { createStatusPage(input: {${input}}) { id path } }`, {}, token)).createStatusPage;
    pages.password = await page(`slug: "pw", title: "Password page", visibility: password, password: "correct horse battery", components: [{kind: service, subjectId: "${shop}"}]`);
    pages.link = await page(`slug: "ln", title: "Link page", visibility: link, components: [{kind: service, subjectId: "${shop}"}]`);
    pages.customer = await page(`slug: "cu", title: "Customer page", visibility: customer, customerId: "${customer}"`);
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await smtp.stop();
  });

  it('takes no address without the page’s cookie (and another page’s cookie is no cookie)', async () => {
    const closed = await get(pages.password!.path);
    expect(closed.status).toBe(401);
    expect(await closed.text()).not.toContain('/subscribe');
    expect((await post(`${pages.password!.path}/subscribe`, { email: 'eve@example.test' })).status).toBe(404);

    const login = await post(`${pages.password!.path}/login`, { password: 'correct horse battery' });
    cookies.password = login.headers.get('set-cookie')!.split(';')[0]!;
    const link = await api.ok<{ statusPageLink: string }>(`mutation { statusPageLink(id: "${pages.link!.id}") }`, {}, token);
    const opened = await get(local(link.statusPageLink));
    expect(opened.status).toBe(200);
    cookies.link = opened.headers.get('set-cookie')!.split(';')[0]!;
    // The link page's cookie on the password page, under its own name and under the password page's.
    expect((await post(`${pages.password!.path}/subscribe`, { email: 'eve@example.test' }, cookies.link)).status).toBe(404);
    expect((await post(`${pages.password!.path}/subscribe`, { email: 'eve@example.test' }, `vigia_sp_${pages.password!.id}=${cookies.link.split('=')[1]}`)).status).toBe(404);
    expect(await count(pages.password!)).toBe(0);
    expect(await mails('eve@example.test')).toHaveLength(0);
  });

  it('a visitor past the password subscribes; the mails carry only what the page shows; a new password silences it', async () => {
    const open = await get(pages.password!.path, cookies.password);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain(`<form method="post" action="${pages.password!.path}/subscribe">`);
    expect((await post(`${pages.password!.path}/subscribe`, { email: 'dan@example.test' }, cookies.password)).status).toBe(202);
    await drain();
    const [confirmation] = await mailsAfter('dan@example.test', 0);
    expect(confirmation!.subject).toBe('Confirm your subscription to Password page');
    expect(confirmation!.text).not.toMatch(/web-10|192\.0\.2\.10|shop-int|Shop/);
    await confirmFrom(confirmation!);

    await publish(pages.password!, 'Checkout slow');
    await drain();
    const got = await mailsAfter('dan@example.test', 1);
    expect(got[1]!.subject).toBe('Password page: Checkout slow — Investigating');
    expect(got[1]!.text).not.toMatch(/web-10|192\.0\.2\.10|shop-int/);

    // A new password: whoever subscribed behind the old one may no longer see the page, and hears nothing more…
    await api.ok(`mutation { updateStatusPage(id: "${pages.password!.id}", input: {password: "another horse battery"}) { id } }`, {}, token);
    await publish(pages.password!, 'Still slow');
    await drain();
    expect(await mails('dan@example.test')).toHaveLength(2);
    expect((await post(`${pages.password!.path}/subscribe`, { email: 'dan@example.test' }, cookies.password)).status).toBe(404);
    // Its manage link no longer shows the page's components (the unsubscribe link still works).
    const manage = local(/https?:\/\/\S+\/manage\?s=\S+/.exec(confirmation!.text ?? '')![0]);
    expect((await get(manage)).status).toBe(404);
    expect((await post(manage, {})).status).toBe(404);
    expect((await get(local(/https?:\/\/\S+\/unsubscribe\?\S+/.exec(confirmation!.text ?? '')![0]))).status).toBe(200);
    // …until it passes the new password and confirms again.
    const again = await post(`${pages.password!.path}/login`, { password: 'another horse battery' });
    const fresh = again.headers.get('set-cookie')!.split(';')[0]!;
    expect((await post(`${pages.password!.path}/subscribe`, { email: 'dan@example.test' }, fresh)).status).toBe(202);
    await drain();
    const reconfirm = await mailsAfter('dan@example.test', 2);
    expect(reconfirm[2]!.subject).toBe('Confirm your subscription to Password page');
    await confirmFrom(reconfirm[2]!);
    expect((await get(manage)).status).toBe(200);
    await publish(pages.password!, 'Fixed');
    await drain();
    expect((await mailsAfter('dan@example.test', 3))[3]!.subject).toBe('Password page: Fixed — Investigating');
  });

  it('a visitor who opened the signed link subscribes on a link page', async () => {
    expect(await (await get(pages.link!.path, cookies.link)).text()).toContain(`action="${pages.link!.path}/subscribe"`);
    expect((await post(`${pages.link!.path}/subscribe`, { email: 'lin@example.test' }, cookies.link)).status).toBe(202);
    await drain();
    await confirmFrom((await mailsAfter('lin@example.test', 0))[0]!);
    await publish(pages.link!, 'Link news');
    await drain();
    expect((await mailsAfter('lin@example.test', 1))[1]!.subject).toBe('Link page: Link news — Investigating');
  });

  it('a customer-login page subscribes only the customer’s own address, and only after signing in', async () => {
    expect((await post(`${pages.customer!.path}/subscribe`, { email: 'ops@bakery.test' })).status).toBe(404);
    expect((await post(`${pages.customer!.path}/signin`, { email: 'ops@bakery.test' })).status).toBe(202);
    const [signin] = await mailsAfter('ops@bakery.test', 0);
    const opened = await get(local(/https?:\/\/\S+\/signin\?t=\S+/.exec(signin!.text ?? '')![0]));
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    expect(await (await get(pages.customer!.path, cookie)).text()).toContain(`action="${pages.customer!.path}/subscribe"`);
    const other = await post(`${pages.customer!.path}/subscribe`, { email: 'friend@example.test' }, cookie);
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('E-mail address: on this page, only the address you signed in with.');
    expect((await post(`${pages.customer!.path}/subscribe`, { email: 'OPS@bakery.test' }, cookie)).status).toBe(202);
    await drain();
    const confirmation = (await mailsAfter('ops@bakery.test', 1))[1]!;
    expect(confirmation.subject).toBe('Confirm your subscription to Customer page');
    await confirmFrom(confirmation);
    expect(await mails('friend@example.test')).toHaveLength(0);
    await publish(pages.customer!, 'Bakery news');
    await drain();
    expect((await mailsAfter('ops@bakery.test', 2))[2]!.subject).toBe('Customer page: Bakery news — Investigating');
  });
});
