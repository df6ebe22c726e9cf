import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

interface PageView {
  title: string;
  slug: string;
  path: string;
  accentColor: string;
  components: { kind: string; displayName: string; groupName: string | null }[];
  posts: { title: string; published: boolean; updates: { state: string; body: string }[] }[];
}

/**
 * Status pages in the dashboard (issue 17): a page made through the form with two components (a bad slug and an
 * empty title refused at their fields, nothing saved), its public address opened from the list in the same browser
 * (served by the API), an incident post with a second update published and seen there, subscribers (listed, downloaded as CSV,
 * one deleted), an edit, and a delete that
 * says first what goes.
 */
describe.skipIf(!hasChromium)('status pages in the dashboard', () => {
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let owner: { token: string; email: string; password: string };
  const pages = async (): Promise<PageView[]> =>
    (
      await api.ok<{ statusPages: PageView[] }>(
        '{ statusPages { title slug path accentColor components { kind displayName groupName } posts { title published updates { state body } } } }',
        {},
        owner.token,
      )
    ).statusPages;

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('statusui');
    for (const name of ['web1', 'db1']) {
      const { createHost } = await api.ok<{ createHost: { id: string } }>(`mutation { createHost(input: {name: "${name}", addresses: ["192.0.2.1"]}) { id } }`, {}, owner.token);
      // One monitor name on both hosts (names are unique per host): the picker must tell them apart.
      await api.ok(`mutation { createMonitor(input: {name: "http", type: tcp, hostId: "${createHost.id}", config: {port: 80}, intervalMs: 60000, timeoutMs: 1000, enabled: false}) { id } }`, {}, owner.token);
    }
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    await signIn(page, api.url, 'statusui', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** Opens the page's public address from its row in a new tab of the same browser and returns what it shows now. */
  const publicText = async (slug: string): Promise<string> => {
    const [tab] = await Promise.all([context.waitForEvent('page'), page.locator(`[data-status-page="${slug}"] a[target="_blank"]`).click()]);
    await tab.waitForLoadState();
    // A public page is cacheable for 10 s (max-age=10), so a click soon after a change may show the browser's copy, as
    // it would for a visitor; a reload revalidates (ETag) and gets what the API serves now.
    await tab.reload();
    const text = (await tab.locator('body').textContent()) ?? '';
    await tab.close();
    return text;
  };

  it('creates a page with two components; a bad slug and an empty title are refused at their fields and nothing is saved', async () => {
    await page.getByRole('link', { name: 'Status pages' }).click();
    await page.getByRole('heading', { name: 'Status pages', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New status page' });
    await form.getByLabel('Title').fill('Example Hosting status');
    await form.getByLabel('Slug').fill('Main Page!');
    expect(await form.getByLabel('Add a component').locator('option').allTextContents()).toEqual(expect.arrayContaining(['db1 / http', 'web1 / http']));
    await form.getByLabel('Add a component').selectOption({ label: 'web1' });
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByLabel('Shown as (web1)').fill('Website');
    await form.getByLabel('Group (web1)').fill('Front');
    await form.getByLabel('Add a component').selectOption({ label: 'db1' });
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByRole('button', { name: 'Create the page' }).click();
    await expect.poll(() => form.getByLabel('Slug').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/lower-case letters, digits or dashes/);
    expect(await pages()).toEqual([]);

    await form.getByLabel('Slug').fill('main');
    await form.getByLabel('Title').fill('  ');
    await form.getByRole('button', { name: 'Create the page' }).click();
    await expect.poll(() => form.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Slug').getAttribute('aria-invalid')).toBe('false');
    expect(await pages()).toEqual([]);

    await form.getByLabel('Title').fill('Example Hosting status');
    await form.getByRole('button', { name: 'Create the page' }).click();
    await page.getByTestId('status-pages-notice').filter({ hasText: 'Created Example Hosting status.' }).waitFor();
    const [made] = await pages();
    expect(made).toMatchObject({
      title: 'Example Hosting status',
      slug: 'main',
      path: '/status/statusui/main',
      components: [
        { kind: 'host', displayName: 'Website', groupName: 'Front' },
        { kind: 'host', displayName: 'db1', groupName: null },
      ],
    });
    const row = page.locator('[data-status-page="main"]');
    expect(await row.textContent()).toContain('public');
    expect(await row.getByTestId('page-components').textContent()).toBe('Front: Website, db1');
    // The form is empty again, ready for another page.
    expect(await form.getByLabel('Slug').inputValue()).toBe('');
  });

  it('opens its public address in the same browser: the components are there', async () => {
    expect(await page.locator('[data-status-page="main"] a[target="_blank"]').getAttribute('href')).toBe('/status/statusui/main');
    const text = await publicText('main');
    expect(text).toContain('Example Hosting status');
    expect(text).toContain('Website');
    expect(text).toContain('db1');
    expect(text).toContain('Front');
  });

  it('posts an incident as a draft (not on the page), adds an update, publishes it and sees it on the public page', async () => {
    await page.getByRole('button', { name: 'Posts and subscribers of Example Hosting status' }).click();
    const posts = page.getByRole('region', { name: 'Incident posts on Example Hosting status' });
    const form = posts.getByRole('form', { name: 'New incident post' });
    await form.getByLabel('Post title').fill('Website slow');
    await form.getByLabel('State').selectOption({ label: 'Investigating' });
    await form.getByLabel('What is happening').fill('Pages take 10 s to load; we are looking into it.');
    await form.getByRole('checkbox', { name: 'Website' }).check();
    await form.getByRole('button', { name: 'Save as draft' }).click();
    const card = posts.getByRole('article', { name: 'Website slow' });
    await card.waitFor();
    expect(await card.getByTestId('post-status').textContent()).toMatch(/^Draft: not on the page.* about Website$/);
    expect(await publicText('main')).not.toContain('Website slow');

    const update = card.getByRole('form', { name: 'Add an update to Website slow' });
    await update.getByLabel('New state').selectOption({ label: 'Identified' });
    await update.getByLabel('Update').fill('A full disk on web1; space is being freed.');
    await update.getByRole('button', { name: 'Add the update' }).click();
    await expect.poll(() => card.locator('.post-updates li').count()).toBe(2);
    expect(await card.locator('.post-updates li').first().textContent()).toContain('A full disk on web1');

    await card.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => card.getByTestId('post-status').textContent()).toMatch(/^Published /);
    expect((await pages())[0]!.posts).toEqual([
      {
        title: 'Website slow',
        published: true,
        updates: [
          { state: 'investigating', body: 'Pages take 10 s to load; we are looking into it.' },
          { state: 'identified', body: 'A full disk on web1; space is being freed.' },
        ],
      },
    ]);
    const text = await publicText('main');
    expect(text).toContain('Website slow');
    expect(text).toContain('A full disk on web1; space is being freed.');
    expect(text).toContain('Pages take 10 s to load');
    await screenshot(page, 'status-pages');
  });

  it('subscribers: two who subscribed on the public page are listed, downloaded as a CSV file, and one deleted after a confirmation', async () => {
    for (const email of ['ana@example.com', 'bob@example.com']) {
      const [tab] = await Promise.all([context.waitForEvent('page'), page.locator('[data-status-page="main"] a[target="_blank"]').click()]);
      await tab.getByLabel('E-mail address').fill(email);
      await tab.getByRole('button', { name: 'Subscribe' }).click();
      await tab.waitForLoadState();
      await tab.close();
    }
    // The panel was read before they subscribed: closed and opened again, it reads the list anew.
    await page.getByRole('button', { name: 'Posts and subscribers of Example Hosting status' }).click();
    await page.getByRole('button', { name: 'Posts and subscribers of Example Hosting status' }).click();
    const panel = page.getByRole('region', { name: 'Subscribers of Example Hosting status' });
    await expect.poll(() => panel.locator('[data-subscriber]').count()).toBe(2);
    expect(await panel.locator('[data-subscriber="ana@example.com"]').textContent()).toContain('not yet');

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Download all as CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('main-subscribers.csv');
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(csv[0]).toBe('id,kind,address,confirmed_at,created_at');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toContain('ana@example.com');
    expect(csv[2]).toContain('bob@example.com');

    await panel.getByRole('button', { name: 'Delete ana@example.com' }).click();
    const confirm = panel.getByRole('alertdialog', { name: 'Delete ana@example.com?' });
    expect(await confirm.textContent()).toContain('is removed with anything not yet sent to it');
    await confirm.getByRole('button', { name: 'Delete ana@example.com' }).click();
    await expect.poll(() => panel.locator('[data-subscriber]').count()).toBe(1);
    const left = await api.ok<{ statusSubscribers: { nodes: { address: string }[] } }>(
      'query S($id: ID!) { statusSubscribers(pageId: $id) { nodes { address } } }',
      { id: (await api.ok<{ statusPages: { id: string }[] }>('{ statusPages { id } }', {}, owner.token)).statusPages[0]!.id },
      owner.token,
    );
    expect(left.statusSubscribers.nodes).toEqual([{ address: 'bob@example.com' }]);
  });

  it('adds a webhook subscriber with its URL, secret and one component (a bad URL refused at its field), changes its component, then deletes it', async () => {
    const panel = page.getByRole('region', { name: 'Subscribers of Example Hosting status' });
    const form = panel.getByRole('form', { name: 'Add a webhook subscriber' });
    await form.getByLabel('Webhook URL').fill('ftp://example.test/hook');
    await form.getByLabel('Signing secret').fill('a-long-signing-secret-0123');
    await form.getByRole('button', { name: 'Add the webhook' }).click();
    await expect.poll(() => form.getByLabel('Webhook URL').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/http/);
    await expect.poll(() => panel.locator('[data-subscriber]').count()).toBe(1);

    await form.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
    await form.getByRole('checkbox', { name: 'Website' }).check();
    await form.getByRole('button', { name: 'Add the webhook' }).click();
    await form.getByText('Added http://127.0.0.1:9/hook.').waitFor();
    const row = panel.locator('[data-subscriber="http://127.0.0.1:9/hook"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('webhook');
    expect(await row.textContent()).toContain('Website');
    expect(await form.getByLabel('Signing secret').inputValue()).toBe('');
    const stored = await api.ok<{ statusPages: { components: { id: string; displayName: string }[] }[]; subs: { nodes: { kind: string; address: string; componentIds: string[] }[] } }>(
      'query S($id: ID!) { statusPages { components { id displayName } } subs: statusSubscribers(pageId: $id) { nodes { kind address componentIds } } }',
      { id: (await api.ok<{ statusPages: { id: string }[] }>('{ statusPages { id } }', {}, owner.token)).statusPages[0]!.id },
      owner.token,
    );
    const website = stored.statusPages[0]!.components.find((c) => c.displayName === 'Website')!;
    expect(stored.subs.nodes.find((n) => n.kind === 'webhook')).toEqual({ kind: 'webhook', address: 'http://127.0.0.1:9/hook', componentIds: [website.id] });
    // Nothing held back by the hourly sending limit.
    expect(await row.locator('td').nth(5).textContent()).toBe('—');

    // Its components changed in place (no delete and add): db1 instead of Website.
    await row.getByRole('button', { name: 'Change the components of http://127.0.0.1:9/hook' }).click();
    const change = row.getByRole('form', { name: 'Components of http://127.0.0.1:9/hook' });
    await change.getByRole('checkbox', { name: 'Website' }).uncheck();
    await change.getByRole('checkbox', { name: 'db1' }).check();
    await change.getByRole('button', { name: 'Save the components' }).click();
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('db1 Change…');
    const db1 = stored.statusPages[0]!.components.find((c) => c.displayName === 'db1')!;
    const after = await api.ok<{ statusSubscribers: { nodes: { kind: string; componentIds: string[] }[] } }>(
      'query S($id: ID!) { statusSubscribers(pageId: $id) { nodes { kind componentIds } } }',
      { id: (await api.ok<{ statusPages: { id: string }[] }>('{ statusPages { id } }', {}, owner.token)).statusPages[0]!.id },
      owner.token,
    );
    expect(after.statusSubscribers.nodes.find((n) => n.kind === 'webhook')!.componentIds).toEqual([db1.id]);

    await panel.getByRole('button', { name: 'Delete http://127.0.0.1:9/hook' }).click();
    await panel.getByRole('alertdialog', { name: 'Delete http://127.0.0.1:9/hook?' }).getByRole('button', { name: 'Delete http://127.0.0.1:9/hook' }).click();
    await expect.poll(() => panel.locator('[data-subscriber]').count()).toBe(1);
  });

  it('draws no page, post or subscriber controls for a viewer (the mutations ask for an admin or an operator)', async () => {
    await api.userWithRole(owner.token, 'statusui', 'viewer');
    const viewer = (await api.ok<{ users: { nodes: { email: string; role: string }[] } }>('{ users { nodes { email role } } }', {}, owner.token)).users.nodes.find((u) => u.role === 'viewer')!;
    const own = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const seen = await own.newPage();
    await signIn(seen, api.url, 'statusui', viewer.email, 'a-long-enough-password');
    await seen.getByRole('link', { name: 'Status pages' }).click();
    await seen.locator('[data-status-page="main"]').waitFor();
    expect(await seen.getByRole('form', { name: 'New status page' }).count()).toBe(0);
    expect(await seen.getByRole('button', { name: 'Edit Example Hosting status' }).count()).toBe(0);
    expect(await seen.getByRole('button', { name: 'Delete Example Hosting status' }).count()).toBe(0);
    await seen.getByRole('button', { name: 'Posts of Example Hosting status' }).click();
    await seen.getByRole('article', { name: 'Website slow' }).waitFor();
    expect(await seen.getByRole('form', { name: 'New incident post' }).count()).toBe(0);
    expect(await seen.getByRole('button', { name: 'Delete…' }).count()).toBe(0);
    expect(await seen.getByRole('region', { name: 'Subscribers of Example Hosting status' }).count()).toBe(0);
    await own.close();
  });

  it('a link-only page: its address alone is a 404, the signed link made on its row opens it', async () => {
    await api.ok('mutation { createStatusPage(input: {slug: "vip", title: "VIP customers", visibility: link}) { id } }', {}, owner.token);
    await page.reload();
    const row = page.locator('[data-status-page="vip"]');
    expect(await row.textContent()).toContain('link only');
    expect((await fetch(`${api.url}/status/statusui/vip`)).status).toBe(404);
    await row.getByRole('button', { name: 'Signed link to VIP customers' }).click();
    const field = row.getByLabel('Signed link to VIP customers, valid 90 days');
    await expect.poll(() => field.inputValue()).toMatch(new RegExp(`^${api.url}/status/statusui/vip\\?k=\\d+\\.`));
    const [tab] = await Promise.all([context.waitForEvent('page'), row.getByRole('link', { name: 'Open' }).click()]);
    await tab.waitForLoadState();
    expect(await tab.locator('h1').textContent()).toBe('VIP customers');
    await tab.close();
    await api.ok(`mutation { deleteStatusPage(id: "${(await api.ok<{ statusPages: { id: string; slug: string }[] }>('{ statusPages { id slug } }', {}, owner.token)).statusPages.find((p) => p.slug === 'vip')!.id}") }`, {}, owner.token);
    await page.reload();
    await page.locator('[data-status-page="main"]').waitFor();
    expect(await page.locator('[data-status-page="vip"]').count()).toBe(0);
  });

  it('edits the page: a refused slug leaves it as it was (the new title too); then a new title, one component fewer and a zone are saved', async () => {
    await page.getByRole('button', { name: 'Edit Example Hosting status' }).click();
    const form = page.getByRole('form', { name: 'Edit Example Hosting status' });
    await form.getByLabel('Title').fill('Example status');
    await form.getByLabel('Slug').fill('-bad-');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByLabel('Slug').getAttribute('aria-invalid')).toBe('true');
    expect((await pages())[0]).toMatchObject({ title: 'Example Hosting status', slug: 'main' });

    await form.getByLabel('Slug').fill('main');
    await form.getByRole('button', { name: 'Remove db1' }).click();
    await form.getByLabel('Time zone').selectOption('Europe/Madrid');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('status-pages-notice').filter({ hasText: 'Saved Example status.' }).waitFor();
    const [edited] = await pages();
    expect(edited).toMatchObject({ title: 'Example status', slug: 'main', components: [{ kind: 'host', displayName: 'Website', groupName: 'Front' }] });
    await expect.poll(() => page.locator('[data-status-page="main"]').getByTestId('page-components').textContent()).toBe('Front: Website');
    const text = await publicText('main');
    expect(text).toContain('Example status');
    expect(text).not.toContain('db1');
  });

  it('announces a maintenance window on the pages with a title and text of its own (an empty title refused at its field), then withdraws it', async () => {
    const web1 = (await api.ok<{ hosts: { nodes: { id: string; name: string }[] } }>('{ hosts { nodes { id name } } }', {}, owner.token)).hosts.nodes.find((h) => h.name === 'web1')!;
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 90_000_000).toISOString();
    await api.ok(`mutation { createMaintenanceWindow(input: {name: "internal: swap web1 disk", startsAt: "${startsAt}", endsAt: "${endsAt}", hostIds: ["${web1.id}"]}) { id } }`, {}, owner.token);
    await page.reload();
    const panel = page.getByRole('region', { name: 'Maintenance notices' });
    const row = panel.locator('[data-window="internal: swap web1 disk"]');
    await expect.poll(() => row.getByTestId('notice-state').textContent()).toBe('Not announced');
    await row.getByRole('button', { name: 'Announce internal: swap web1 disk' }).click();
    const form = row.getByRole('form', { name: 'Notice of internal: swap web1 disk' });
    await form.getByRole('button', { name: 'Announce' }).click();
    await expect.poll(() => form.getByLabel('Title shown').getAttribute('aria-invalid')).toBe('true');
    expect((await api.ok<{ statusMaintenanceNotices: unknown[] }>('{ statusMaintenanceNotices { id } }', {}, owner.token)).statusMaintenanceNotices).toEqual([]);
    await form.getByLabel('Title shown').fill('Storage <upgrade>');
    await form.getByLabel('Text shown').fill('Short interruptions possible.');
    await form.getByRole('button', { name: 'Announce' }).click();
    await expect.poll(() => row.getByTestId('notice-state').textContent()).toBe('Announced as “Storage <upgrade>”');
    const text = await publicText('main');
    expect(text).toContain('Storage <upgrade>');
    expect(text).toContain('Short interruptions possible.');
    expect(text).toContain('Upcoming');
    expect(text).not.toContain('swap web1');
    await row.getByRole('button', { name: 'Withdraw internal: swap web1 disk' }).click();
    await expect.poll(() => row.getByTestId('notice-state').textContent()).toBe('Not announced');
    expect((await api.ok<{ statusMaintenanceNotices: unknown[] }>('{ statusMaintenanceNotices { id } }', {}, owner.token)).statusMaintenanceNotices).toEqual([]);
    expect(await publicText('main')).not.toContain('Storage <upgrade>');
  });

  it('delete says first what goes, keeps the page until confirmed, then the public address is gone', async () => {
    await page.getByRole('button', { name: 'Delete Example status' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete Example status?' });
    await expect
      .poll(() => confirm.getByTestId('delete-page-consequences').textContent())
      .toMatch(/Delete Example status\? Its address \/status\/statusui\/main stops answering at once\. Deleted with it for good: 1 component, 1 incident post with their updates, and 1 subscriber \(/);
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    expect(await pages()).toHaveLength(1);
    await page.getByRole('button', { name: 'Delete Example status' }).click();
    await confirm.getByRole('button', { name: 'Delete Example status' }).click();
    await expect.poll(async () => (await pages()).length).toBe(0);
    await page.getByText('None yet.').first().waitFor();
    const res = await fetch(`${api.url}/status/statusui/main`);
    expect(res.status).toBe(404);
  });

  it('generates the per-customer pages: one link-only page per customer, with only the services it is served by', async () => {
    const host = (await api.ok<{ hosts: { nodes: { id: string; name: string }[] } }>('{ hosts { nodes { id name } } }', {}, owner.token)).hosts.nodes.find((h) => h.name === 'web1')!;
    const customer = (await api.ok<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Panadería <López>"}) { id } }', {}, owner.token)).createCustomer.id;
    for (const [name, shown, customers] of [['shop-int', 'Tienda online', `["${customer}"]`], ['other-int', 'Not theirs', '[]']] as const) {
      const service = (await api.ok<{ createService: { id: string } }>(`mutation { createService(input: {name: "${name}", customerFacingName: "${shown}", type: web, hostId: "${host.id}", customerIds: ${customers}}) { id } }`, {}, owner.token)).createService.id;
      await api.ok(`mutation { createMonitor(input: {name: "${name} http", type: http, hostId: "${host.id}", serviceId: "${service}", config: {url: "http://192.0.2.1/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`, {}, owner.token);
    }
    await page.getByRole('button', { name: 'Generate customer pages' }).click();
    await page.getByTestId('status-pages-notice').filter({ hasText: '1 per-customer page: 1 new.' }).waitFor();
    const made = (await pages()).find((p) => p.title === 'Panadería <López>')!;
    expect(made.slug).toMatch(/^customer-/);
    const row = page.locator(`[data-status-page="${made.slug}"]`);
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe('Panadería <López>');
    expect(await row.textContent()).toContain('link only');
    // Its components are the services the customer is served by now, nothing else of the tenant.
    expect(await row.getByTestId('page-components').textContent()).toBe('Tienda online');
    // Again: nothing new.
    await page.getByRole('button', { name: 'Generate customer pages' }).click();
    await page.getByTestId('status-pages-notice').filter({ hasText: '1 per-customer page: 0 new.' }).waitFor();
    expect((await pages()).filter((p) => p.slug.startsWith('customer-'))).toHaveLength(1);
  });
});
