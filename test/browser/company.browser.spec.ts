import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, signIn } from './support/chromium.js';

/**
 * Settings → Company (the tenant's name, zone, customer e-mails, report language, brand colour), users' roles and
 * accounts changed on their row, and a host and a monitor created with the keyboard alone.
 */
describe.skipIf(!hasChromium)('company settings, users, and the keyboard alone', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string };
  const tenant = async () =>
    (await api.ok<{ me: { tenant: { name: string; timeZone: string; defaultLanguage: string; customerNotices: boolean; primaryColor: string | null } } }>(
      '{ me { tenant { name timeZone defaultLanguage customerNotices primaryColor } } }', {}, owner.token,
    )).me.tenant;
  /** What has the keyboard focus: its label and the form it is in. */
  const focused = (): Promise<{ label: string; form: string; tag: string; text: string }> =>
    page.evaluate(() => {
      type Node = { labels?: { textContent: string }[]; closest(s: string): Node | null; getAttribute(n: string): string | null; tagName: string; textContent: string };
      const doc = (globalThis as unknown as { document: { activeElement: Node | null; getElementById(id: string): Node | null } }).document;
      const el = doc.activeElement;
      const form = el?.closest('form');
      // The form's accessible name: its aria-label, or the heading its aria-labelledby names.
      const name = form?.getAttribute('aria-label') ?? doc.getElementById(form?.getAttribute('aria-labelledby') ?? '')?.textContent ?? '';
      return { label: el?.labels?.[0]?.textContent ?? '', form: name, tag: el?.tagName ?? '', text: el?.textContent ?? '' };
    });
  /** Tab until the focus is on what `wanted` accepts (at most 150 presses: the test fails rather than loops). */
  const tabTo = async (what: string, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean): Promise<void> => {
    for (let i = 0; i < 150; i++) {
      if (wanted(await focused())) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`the keyboard never reached ${what}`);
  };

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('company');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'company', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('sets the company’s zone and report language, and refuses a colour that is not one at its field', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Company' }).click();
    const form = page.getByRole('form', { name: 'Company' });
    await form.getByLabel('Time zone').selectOption('Europe/Madrid');
    await form.getByLabel('Language of customer reports').selectOption({ label: 'Spanish' });
    await form.getByLabel('Tell customers of their outages by e-mail').selectOption('yes');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await tenant()).toMatchObject({ timeZone: 'Europe/Madrid', defaultLanguage: 'es', customerNotices: true });
    const brand = page.getByRole('form', { name: 'Brand colour' });
    await brand.getByLabel('Colour').fill('blue');
    await brand.getByRole('button', { name: 'Save colour' }).click();
    await expect.poll(() => brand.getByLabel('Colour').getAttribute('aria-invalid')).toBe('true');
    expect((await tenant()).primaryColor).toBeNull();
    await brand.getByLabel('Colour').fill('#1570ef');
    await brand.getByRole('button', { name: 'Save colour' }).click();
    await expect.poll(async () => (await tenant()).primaryColor).toBe('#1570ef');
  });

  it('changes a user’s role and disables the account on its row; the disabled user’s session ends', async () => {
    await api.ok('mutation { createUser(input: {email: "night@company.test", displayName: "Night", role: operator, password: "a long enough password 1"}) { id } }', {}, owner.token);
    const login = await api.gql<{ login: { token: string } }>('mutation { login(input: {tenant: "company", email: "night@company.test", password: "a long enough password 1"}) { token } }');
    const nightToken = login.data!.login.token;
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByLabel('Role of night@company.test').selectOption('viewer');
    const users = async () => (await api.ok<{ users: { nodes: { email: string; role: string; disabledAt: string | null }[] } }>('{ users { nodes { email role disabledAt } } }', {}, owner.token)).users.nodes;
    await expect.poll(async () => (await users()).find((u) => u.email === 'night@company.test')?.role).toBe('viewer');
    await page.getByRole('button', { name: 'Disable night@company.test' }).click();
    await page.getByRole('button', { name: 'Enable night@company.test' }).waitFor();
    expect((await users()).find((u) => u.email === 'night@company.test')?.disabledAt).not.toBeNull();
    expect((await api.gql('{ me { role } }', {}, nightToken)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates a host and a monitor with the keyboard alone', async () => {
    await page.getByRole('link', { name: 'Hosts' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Hosts', level: 1 }).waitFor();
    await tabTo('the host’s name', (f) => f.form === 'Add a host' && f.label === 'Name');
    await page.keyboard.type('kb1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('127.0.0.1');
    await tabTo('Add host', (f) => f.tag === 'BUTTON' && f.text === 'Add host');
    await page.keyboard.press('Enter');
    await page.locator('[data-host="kb1"]').waitFor();
    await tabTo('the monitor’s name', (f) => f.form === 'Add a monitor' && f.label === 'Name');
    await page.keyboard.type('kb1 home');
    await tabTo('the URL', (f) => f.form === 'Add a monitor' && f.label === 'URL');
    await page.keyboard.type('http://127.0.0.1:9/');
    await tabTo('Add monitor', (f) => f.tag === 'BUTTON' && f.text === 'Add monitor');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await api.ok<{ monitors: { nodes: { name: string; type: string; config: { url: string } }[] } }>('{ monitors { nodes { name type config } } }', {}, owner.token)).monitors.nodes)
      .toEqual([{ name: 'kb1 home', type: 'http', config: { url: 'http://127.0.0.1:9/' } }]);
  });
});
