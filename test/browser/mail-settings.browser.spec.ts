import type { Browser, Page } from 'playwright-core';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsService } from '#lib/alerts';
import { IncidentsService } from '#lib/incidents';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { startAuthRelay } from '../support/auth-relay.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

/**
 * Issue 21's "alerting failed silently on day one", in a real browser: the tenant sets its own SMTP relay in
 * Settings → E-mail, a test e-mail reaches a real SMTP server and the page says what it answered; a relay that
 * refuses the login is named on the test, on the channel's row and on the incident's alerts.
 */
describe.skipIf(!hasChromium)('a tenant’s own e-mail in the dashboard', () => {
  let api: TestApi;
  let relay: Awaited<ReturnType<typeof startAuthRelay>>;
  let relayPort: number;
  let browser: Browser;
  let page: Page;
  let owner: { tenantId: string; token: string; email: string; password: string };

  beforeAll(async () => {
    relay = await startAuthRelay();
    relayPort = relay.port;
    // No platform relay (no VIGIA_SMTP_URL): the tenant brings its own.
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0' });
    owner = await api.tenant('own-relay');
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'own-relay', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await relay?.close();
  });

  const emailTab = async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'E-mail' }).click();
    return page.getByRole('form', { name: 'E-mail settings' });
  };

  it('sets the tenant’s own relay and sender; the test e-mail arrives and the page says what the relay answered', async () => {
    const form = await emailTab();
    await form.getByRole('button', { name: 'Set up our own relay' }).click();
    await form.getByLabel('Sender name').fill('Own Relay NOC');
    await form.getByLabel('From address').fill('noc@own-relay.test');
    await form.getByLabel('Relay host').fill('127.0.0.1');
    await form.getByLabel('Port').fill('0');
    await form.getByLabel('User name').fill('noc');
    await form.getByLabel('Password').fill('right horse battery');
    await form.getByLabel('Check the relay’s certificate').uncheck();
    await form.getByRole('button', { name: 'Save e-mail settings' }).click();
    // The API's error at its field, in words.
    await expect.poll(() => form.getByLabel('Port').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').textContent()).toMatch(/port from 1 to 65535/);
    await form.getByLabel('Port').fill(String(relayPort));
    await form.getByRole('button', { name: 'Save e-mail settings' }).click();
    await form.getByText('Saved.').waitFor();
    expect(await form.getByLabel('Password').inputValue()).toBe('');

    const test = page.getByRole('form', { name: 'Send a test e-mail' });
    await test.getByLabel('To').fill('me@own-relay.test');
    await test.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => page.getByTestId('mail-test-outcome').textContent(), { timeout: 15_000 }).toMatch(/^✓ Sent in .* the relay answered: 250/);
    expect(relay.received).toHaveLength(1);
    const mail = await simpleParser(relay.received[0]!.raw);
    expect(mail.from?.value[0]).toMatchObject({ name: 'Own Relay NOC', address: 'noc@own-relay.test' });
    await screenshot(page, 'settings-email');
  });

  it('a relay that refuses the login: said on the test, on the channel’s row and on the incident', async () => {
    const form = await emailTab();
    await form.getByLabel('Password').fill('wrong');
    await form.getByRole('button', { name: 'Save e-mail settings' }).click();
    await form.getByText('Saved.').waitFor();
    const test = page.getByRole('form', { name: 'Send a test e-mail' });
    await test.getByLabel('To').fill('me@own-relay.test');
    await test.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => page.getByTestId('mail-test-outcome').textContent(), { timeout: 15_000 }).toMatch(/^✗ Not sent: relay 127\.0\.0\.1:\d+: .*535/);

    await page.getByRole('tab', { name: 'Alert channels' }).click();
    const channelForm = page.getByRole('form', { name: 'New alert channel' });
    await channelForm.getByLabel('Name', { exact: true }).fill('noc mail');
    await channelForm.getByLabel('Send to').fill('noc@own-relay.test');
    await channelForm.getByRole('button', { name: 'Add channel' }).click();
    const row = page.getByRole('row').filter({ hasText: 'noc mail' });
    await row.getByText('nothing sent yet').waitFor();
    await row.getByRole('button', { name: 'Send a test' }).click();
    // The delivery worker takes the queued test; its failure appears on the row without a reload.
    await expect.poll(() => row.getByTestId('last-delivery').textContent(), { timeout: 20_000 }).toMatch(/✗ failed, will retry: relay 127\.0\.0\.1:\d+: .*535/);
    await screenshot(page, 'settings-channels-failed');

    const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, owner.token);
    const host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    const monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
    const incident = (await api.app.get(IncidentsService).open({ id: monitor, tenantId: owner.tenantId, hostId: host, serviceId: null, name: 'www' }, new Date(), 'HTTP 503', { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'www');
    await page.goto(`${api.url}/incidents/${incident.id}`);
    const sent = page.getByTestId('notification').filter({ hasText: 'noc mail (email)' });
    await expect.poll(async () => ((await sent.count()) ? sent.first().textContent() : ''), { timeout: 20_000 }).toMatch(/noc@own-relay\.test.*✗ failed, will retry: relay 127\.0\.0\.1:\d+: .*535/);
    await screenshot(page, 'incident-alert-failed');
  });
});
