import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentsService } from '#lib/incidents';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

/** One clock (issue 21): every time says its zone; the operator shows the browser's zone or the company's, on every page. */
describe.skipIf(!hasChromium)('one clock in the dashboard', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let incidentId: string;

  beforeAll(async () => {
    api = await startTestApi();
    const owner = await api.tenant('clock');
    await api.ok('mutation { updateTenant(input: {timeZone: "Asia/Tokyo"}) { timeZone } }', {}, owner.token);
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }', {}, owner.token)).createHost.id;
    const monitor = (await api.ok<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www", type: http, hostId: "${host}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`, {}, owner.token)).createMonitor.id;
    // Opened at 2026-12-01 03:04:05Z: 22:04 the day before in New York (EST), 12:04 in Tokyo.
    incidentId = (await api.app.get(IncidentsService).open({ id: monitor, tenantId: owner.tenantId, hostId: host, serviceId: null, name: 'www' }, new Date('2026-12-01T03:04:05Z'), 'down: 2 of 2 vantages confirm it (quorum 2) — central: down since 2026-12-01T03:04:05.250Z (HTTP 503)', { planned: false, flapping: false, suppressed: false }))!.id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 800 }, timezoneId: 'America/New_York', locale: 'en-US' })).newPage();
    await signIn(page, api.url, 'clock', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const opened = () => page.locator('dd, td, p').filter({ hasText: /2026/ }).first().textContent();

  it('shows the browser’s zone by default and says so, then the company’s on request, on the whole page, kept after a reload', async () => {
    await page.goto(`${api.url}/incidents/${incidentId}`);
    await expect.poll(opened).toMatch(/Nov 30, 2026, 22:04:05 EST/);
    await page.getByLabel('Times shown in').selectOption('company');
    await expect.poll(opened).toMatch(/Dec 1, 2026, 12:04:05 GMT\+9/);
    // The timeline's times follow too (every time on the page, not one field), also those inside a verdict's words.
    const main = await page.locator('main').textContent();
    expect(main).not.toMatch(/EST/);
    expect(main).not.toContain('2026-12-01T03:04:05.250Z');
    expect(main).toMatch(/central: down since Dec 1, 12:04:05\.250 GMT\+9 \(HTTP 503\)/);
    // Still open since 1 December: how long so far, said beside the times.
    expect(await page.getByTestId('incident-duration').textContent()).toMatch(/^\d+ d( \d+ h)?( \d+ min)?( \d+ s)? so far$/);
    await page.reload();
    await expect.poll(opened).toMatch(/Dec 1, 2026, 12:04:05 GMT\+9/);
    expect(await page.getByLabel('Times shown in').inputValue()).toBe('company');
    await screenshot(page, 'clock-company-zone');
  });
});
