import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#lib/persistence';
import { RecordingServer } from '../support/recording-server.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

/**
 * The paging report in the dashboard, from a real outage: a watchdog finds a refused port, the incident pages a signed
 * webhook (a real HTTP receiver on loopback), someone acknowledges — and Reports → Paging quality shows that page on
 * today's bar of the chart, in the table per route, and in the CSV downloaded.
 */
describe.skipIf(!hasChromium)('the paging report', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let hook: RecordingServer;
  let owner: { tenantId: string; token: string; email: string; password: string };
  const gql = <T,>(q: string, v: Record<string, unknown> = {}) => api.ok<T>(q, v, owner.token);

  beforeAll(async () => {
    hook = await new RecordingServer().start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' });
    owner = await api.tenant('paging');
    const channel = (await gql<{ createAlertChannel: { id: string } }>('mutation($c: JSONObject!) { createAlertChannel(input: {name: "noc hook", type: webhook, config: $c, secret: "a-signing-secret-0001"}) { id } }', { c: { url: `${hook.url}/page` } })).createAlertChannel.id;
    await gql('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'NOC first', steps: [{ delayMinutes: 0, channelIds: [channel] }] } });
    const hostId = (await gql<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }')).createHost.id;
    await gql(`mutation { createMonitor(input: {name: "shop port", type: tcp, hostId: "${hostId}", config: {port: ${await freePort()}}, intervalMs: 1000, timeoutMs: 500}) { id } }`);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true })).newPage();
    await signIn(page, api.url, 'paging', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await hook?.stop();
  });

  it('shows a real page and its acknowledgement on the chart, in the table and in the CSV', async () => {
    await expect.poll(() => hook.hits.filter((h) => h.path === '/page').length, { timeout: 30_000 }).toBeGreaterThan(0);
    const { incidents } = await gql<{ incidents: { nodes: { id: string }[] } }>('{ incidents { nodes { id } } }');
    await gql(`mutation { acknowledgeIncident(id: "${incidents.nodes[0]!.id}") { id } }`);

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('link', { name: 'Paging quality' }).click();
    await expect.poll(() => page.getByTestId('paging-pages').textContent(), { timeout: 10_000 }).toBe('1');
    const chart = page.getByTestId('paging-chart');
    expect(await chart.getAttribute('data-days')).toBe('31');
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);

    await page.getByLabel('Per', { exact: true }).selectOption('route');
    const row = page.locator('[data-paging-row="NOC first"]');
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['1', expect.any(String), '1', '1', expect.stringMatching(/s$|min$/), expect.stringMatching(/s$|min$/), expect.any(String), '0']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
    });
    expect(csv.split('\r\n')[0]).toBe('group,id,pages_sent,pages_at_night,incidents_paged,acknowledged,tta_p50_seconds,tta_p90_seconds,noise,reached_last_level');
    expect(csv).toMatch(/^NOC first,[0-9a-f-]{36},1,[01],1,1,/m);
    await screenshot(page, 'paging-report');
  });

  it('refuses a noise bound that is not a whole number of seconds, or is above a day, at its field', async () => {
    const field = page.getByLabel('Noise: shorter than (seconds)');
    await field.fill('-5');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-invalid .error').first().textContent()).toBe('must be a whole number of seconds, 0 or more');
    // Above the API's bound: its words at the field.
    await field.fill('100000');
    await expect.poll(() => page.locator('.field-invalid .error').first().textContent().catch(() => '')).toBe('must be at most 86400');
    await field.fill('60');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByTestId('paging-pages').textContent()).toBe('1');
  });
});
