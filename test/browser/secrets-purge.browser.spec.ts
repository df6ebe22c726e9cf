import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, signIn } from './support/chromium.js';

/**
 * What the dashboard lacked for the whole job: removing a stored credential (an empty field keeps it, so a check box
 * removes it), purging an object with its history (owners only, said first), and a header that stays on its lines
 * at 1366 px with twelve menu entries, the clock, the theme and the user.
 */
describe.skipIf(!hasChromium)('stored credentials, purge and the header', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { tenantId: string; token: string; email: string; password: string };
  let hostId: string;
  const gql = <T,>(q: string, v: Record<string, unknown> = {}) => api.ok<T>(q, v, owner.token);
  const newMonitor = async (name: string, config: Record<string, unknown>, type = 'imap') =>
    (await gql<{ createMonitor: { id: string } }>(`mutation($c: JSONObject!) { createMonitor(input: {name: "${name}", type: ${type}, hostId: "${hostId}", config: $c, intervalMs: 60000, timeoutMs: 5000}) { id } }`, { c: config })).createMonitor.id;

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('keys');
    hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "mail1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'keys', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('keeps the header on its two lines at 1366 px: every menu entry on one line, the clock, theme and user on the other', async () => {
    // One line: every box overlaps every other vertically (boxes of different heights are centred, so tops differ).
    const boxes = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => ({ top: e.getBoundingClientRect().top, bottom: e.getBoundingClientRect().bottom })));
    const oneLine = (b: { top: number; bottom: number }[]) => Math.max(...b.map((x) => x.top)) < Math.min(...b.map((x) => x.bottom));
    await page.getByRole('link', { name: 'Status pages' }).waitFor();
    const menu = await boxes('.topbar nav a');
    const tools = await boxes('.topbar-tools > *');
    expect(menu.length).toBeGreaterThanOrEqual(12);
    expect(oneLine(menu)).toBe(true);
    expect(tools.length).toBeGreaterThanOrEqual(3);
    expect(oneLine(tools)).toBe(true);
    expect(Math.max(...tools.map((t) => t.bottom))).toBeLessThanOrEqual(Math.min(...menu.map((m) => m.top)));
  });

  it('removes a monitor’s stored password with its check box; an empty field had kept it', async () => {
    const id = await newMonitor('mailbox login', { port: 1, username: 'noc', password: 'imap-pass-1' });
    await page.goto(`${api.url}/monitors/${id}`);
    const form = page.getByRole('form', { name: 'Edit the monitor' });
    await form.getByLabel('Remove the stored password').waitFor();
    // Saved with the field empty: kept.
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const kept = await gql<{ monitor: { config: Record<string, unknown> } }>(`{ monitor(id: "${id}") { config } }`);
    expect(kept.monitor.config.password).toBe('<sealed>');
    await form.getByLabel('Remove the stored password').check();
    expect(await form.getByLabel('Password', { exact: true }).isDisabled()).toBe(true);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await gql<{ monitor: { config: Record<string, unknown> } }>(`{ monitor(id: "${id}") { config } }`)).monitor.config.password).toBeUndefined();
    // Nothing stored now: no check box, and the field says a new one would be stored sealed.
    await expect.poll(() => form.getByLabel('Remove the stored password').count()).toBe(0);
  });

  it('removes one of a resource’s secrets and keeps the others', async () => {
    const db2 = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "db2", addresses: ["127.0.0.2"]}) { id } }')).createHost.id;
    await gql(
      `mutation { createResource(input: {name: "orders-db", kind: mysql_group, config: {writerAddress: "192.0.2.50/24", writerInterface: "eth0"}, secrets: {user: "vigia", password: "pw-1", replPassword: "repl-1"}, members: [{hostId: "${hostId}"}, {hostId: "${db2}"}]}) { id } }`,
    );
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByRole('button', { name: 'Edit orders-db' }).click();
    const form = page.getByRole('form', { name: 'Edit orders-db' });
    const removers = form.getByRole('checkbox', { name: /^Remove the stored/ });
    await expect.poll(() => removers.count()).toBe(3);
    const replication = form.locator('label.secret-remove').filter({ hasText: /repl/i }).getByRole('checkbox');
    await replication.check();
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await gql<{ resources: { nodes: { name: string; storedSecrets: string[] }[] } }>('{ resources { nodes { name storedSecrets } } }')).resources.nodes.find((r) => r.name === 'orders-db')?.storedSecrets).toEqual(['password', 'user']);
  });

  it('purges a monitor with its history for an owner, after saying so, and says what went on the page it lands on', async () => {
    const id = await newMonitor('old check', { port: 1 }, 'tcp');
    await page.goto(`${api.url}/monitors/${id}`);
    await page.getByRole('button', { name: 'Purge…' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toMatch(/for good.*incidents, state changes and response times.*cannot be undone/s);
    await dialog.getByRole('button', { name: 'Purge old check' }).click();
    await page.waitForURL(`${api.url}/hosts/${hostId}`);
    expect(await page.getByTestId('route-notice').textContent()).toMatch(/old check/);
    const gone = await api.gql(`{ monitor(id: "${id}") { id } }`, {}, owner.token);
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('offers an admin Delete but not Purge', async () => {
    const id = await newMonitor('kept check', { port: 1 }, 'tcp');
    const email = `admin2@keys.test`;
    await gql('mutation($i: CreateUserInput!) { createUser(input: $i) { id } }', { i: { email, displayName: 'Admin', role: 'admin', password: 'a-long-enough-password' } });
    const other = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(other, api.url, 'keys', email, 'a-long-enough-password');
    await other.goto(`${api.url}/monitors/${id}`);
    await other.getByRole('button', { name: 'Delete…' }).waitFor();
    expect(await other.getByRole('button', { name: 'Purge…' }).count()).toBe(0);
    await other.context().close();
  });
});
