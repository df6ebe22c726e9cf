import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

/**
 * A recurring maintenance window made in Settings → Maintenance: its times read in the zone the operator chose (not
 * the browser's), the rule's mistake shown at its field, the window listed with how it repeats.
 */
describe.skipIf(!hasChromium)('recurring maintenance in the dashboard', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let owner: { token: string; email: string; password: string };

  beforeAll(async () => {
    api = await startTestApi();
    owner = await api.tenant('maint');
    await api.ok('mutation { createHost(input: {name: "db1", addresses: ["192.0.2.20"]}) { id } }', {}, owner.token);
    browser = await launchChromium();
    // The browser in New York; the window is Madrid's.
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: 'America/New_York' })).newPage();
    await signIn(page, api.url, 'maint', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('creates "every Tuesday 02:00–03:00 Europe/Madrid" from a New York browser', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const form = page.getByRole('form', { name: 'New maintenance window' });
    await form.getByLabel('Name').fill('weekly backups');
    await form.getByLabel('From').fill('2026-10-06T02:00');
    await form.getByLabel('Until').fill('2026-10-06T03:00');
    await form.getByLabel('Repeats').selectOption({ label: 'Custom rule (RRULE)' });
    await form.getByLabel('Rule').fill('FREQ=HOURLY');
    await form.getByLabel('Time zone').fill('Europe/Madrid');
    await form.getByLabel('Hosts').selectOption({ label: 'db1' });
    await form.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(() => form.getByLabel('Rule').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/at most daily/);
    await form.getByLabel('Repeats').selectOption({ label: 'Every week, on the start’s weekday' });
    await form.getByRole('button', { name: 'Schedule' }).click();
    await page.locator('[data-window="weekly backups"]').waitFor();
    expect(await page.locator('[data-window="weekly backups"]').textContent()).toContain('FREQ=WEEKLY in Europe/Madrid');
    const { maintenanceWindows } = await api.ok<{ maintenanceWindows: { nodes: { startsAt: string; endsAt: string; recurrence: string; timeZone: string }[] } }>(
      '{ maintenanceWindows { nodes { startsAt endsAt recurrence timeZone } } }', {}, owner.token,
    );
    // 02:00 in Madrid on 6 October 2026 (CEST) is 00:00Z, whatever the browser's zone.
    expect(maintenanceWindows.nodes).toEqual([{ startsAt: '2026-10-06T00:00:00.000Z', endsAt: '2026-10-06T01:00:00.000Z', recurrence: 'FREQ=WEEKLY', timeZone: 'Europe/Madrid' }]);
    await screenshot(page, 'settings-maintenance-recurring');
  });

  it('edits the window where it was written (Madrid’s 02:00, not New York’s), then deletes it after saying what that does', async () => {
    await page.getByRole('button', { name: 'Edit weekly backups' }).click();
    const form = page.getByRole('form', { name: 'Edit weekly backups' });
    expect(await form.getByLabel('From').inputValue()).toBe('2026-10-06T02:00');
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Europe/Madrid');
    await form.getByLabel('Until').fill('2026-10-06T03:30');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('form', { name: 'New maintenance window' }).waitFor();
    const windows = async () => (await api.ok<{ maintenanceWindows: { nodes: { name: string; startsAt: string; endsAt: string; recurrence: string }[] } }>('{ maintenanceWindows { nodes { name startsAt endsAt recurrence } } }', {}, owner.token)).maintenanceWindows.nodes;
    expect(await windows()).toEqual([{ name: 'weekly backups', startsAt: '2026-10-06T00:00:00.000Z', endsAt: '2026-10-06T01:30:00.000Z', recurrence: 'FREQ=WEEKLY' }]);
    await page.getByRole('button', { name: 'Delete weekly backups' }).click();
    expect(await page.getByRole('alertdialog', { name: 'Delete weekly backups?' }).textContent()).toContain('no later occurrence comes');
    await page.getByRole('alertdialog', { name: 'Delete weekly backups?' }).getByRole('button', { name: 'Delete weekly backups' }).click();
    await expect.poll(windows).toEqual([]);
  });
});
