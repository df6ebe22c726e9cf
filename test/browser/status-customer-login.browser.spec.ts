import type { Browser } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { eventually } from '../support/eventually.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { selfSignedCert } from '../support/tls-cert.js';
import { hasChromium, launchChromium } from './support/chromium.js';

/**
 * A customer-login status page in chromium (issue 17): the sign-in form, the link from the mail a real SMTP server
 * caught, the page shown with the customer's service only and no CSP violation; signing out shows the form again.
 */
describe.skipIf(!hasChromium)('customer-login status page in the browser', () => {
  let api: TestApi;
  let browser: Browser;
  let smtp: SMTPServer;
  let path: string;
  const raw: string[] = [];

  beforeAll(async () => {
    const { key, cert } = await selfSignedCert(90);
    const smtpPort = await freePort();
    smtp = new SMTPServer({ key, cert, authOptional: true, logger: false, onData: (s, _x, cb) => { let r = ''; s.on('data', (c: Buffer) => (r += c)); s.on('end', () => { raw.push(r); cb(); }); } });
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
    api = await startTestApi({ VIGIA_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, VIGIA_SMTP_TLS_VERIFY: 'false' });
    const owner = await api.tenant('shop');
    const mk = async (q: string) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, owner.token))[0]!.id;
    const customer = await mk('mutation { createCustomer(input: {name: "Bakery", email: "ops@bakery.test"}) { id } }');
    const other = await mk('mutation { createCustomer(input: {name: "Hardware", email: "it@hardware.test"}) { id } }');
    const host = await mk('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.1"]}) { id } }');
    const shop = await mk(`mutation { createService(input: {name: "shop-internal", customerFacingName: "Online shop", type: web, hostId: "${host}", customerIds: ["${customer}"]}) { id } }`);
    const tools = await mk(`mutation { createService(input: {name: "tools-internal", customerFacingName: "Tool catalogue", type: web, hostId: "${host}", customerIds: ["${other}"]}) { id } }`);
    for (const [name, service] of [['shop http', shop], ['tools http', tools]] as const) {
      await mk(`mutation { createMonitor(input: {name: "${name}", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://192.0.2.1/"}, intervalMs: 60000, timeoutMs: 5000}) { id } }`);
    }
    path = (await api.ok<{ createStatusPage: { path: string } }>(`mutation { createStatusPage(input: {slug: "bakery", title: "Bakery status", customerId: "${customer}", visibility: customer}) { path } }`, {}, owner.token)).createStatusPage.path;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  it('signs in by the mailed link and shows only the customer’s service; signing out shows the form again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // The browser's own favicon request and the sign-in form's 401 are expected; anything else is a problem.
      if (m.type() === 'error' && !/status of (404|401)/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${api.url}${path}`);
    expect(await page.locator('h1').textContent()).toBe('Sign in to this status page');
    expect(await page.locator('body').textContent()).not.toContain('Online shop');
    await page.getByLabel('E-mail address').fill('ops@bakery.test');
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await expect.poll(() => page.locator('[role="status"]').textContent()).toContain('a sign-in link is on its way');

    const mail = await eventually('the sign-in mail', async () => (raw.length ? simpleParser(raw[0]!) : undefined));
    const link = new URL(/https?:\/\/\S+\/signin\?t=\S+/.exec(mail.text ?? '')![0]);
    await page.goto(`${api.url}${link.pathname}${link.search}`);
    expect(new URL(page.url()).pathname).toBe(path);
    expect(await page.locator('h1').textContent()).toBe('Bakery status');
    const text = await page.locator('body').textContent();
    expect(text).toContain('Online shop');
    expect(text).not.toContain('Tool catalogue');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('h1').textContent()).toBe('Sign in to this status page');
    expect(await context.cookies()).toHaveLength(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
