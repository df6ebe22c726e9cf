import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFleet, type SeededFleet } from '../../bench/fleet-seed.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { badgeContrasts, hasChromium, horizontalOverflow, launchChromium, screenshot, signIn } from './support/chromium.js';

/** A 10,000-monitor fleet: the page stays usable because only the rows in view are in the DOM. */
describe.skipIf(!hasChromium)('fleet page with 10,000 monitors', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let seeded: SeededFleet;

  beforeAll(async () => {
    api = await startTestApi({ VIGIA_ROLES: 'api' });
    const owner = await api.tenant('big');
    seeded = await seedFleet(api.db.url, owner.tenantId, 10_000);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await signIn(page, api.url, 'big', owner.email, owner.password);
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const status = () => page.getByRole('status').filter({ hasText: 'monitors' }).textContent();
  const rendered = () => page.locator('[data-testid="fleet-list"] [role="listitem"]').count();

  it('loads all 10,000 monitors but keeps only the visible rows in the DOM', async () => {
    await expect.poll(status, { timeout: 30_000 }).toContain('10000 of 10000 monitors');
    expect(await rendered()).toBeGreaterThan(10);
    expect(await rendered()).toBeLessThan(100);
    expect(await page.getByTestId('count-down').textContent()).toBe(String(seeded.down));
    expect(await page.getByTestId('count-maintenance').textContent()).toBe('20');
    await screenshot(page, 'fleet-10k');
  });

  it('draws every state with AA contrast (≥ 4.5:1) and fits 1366×768 without sideways scrolling', async () => {
    const contrasts = await badgeContrasts(page);
    expect(new Set(contrasts.map((c) => c.state))).toEqual(new Set(['down', 'suspect', 'degraded', 'flapping', 'maintenance', 'up']));
    expect(contrasts[0]!.ratio).toBeGreaterThanOrEqual(4.5);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  it('scrolls to the last monitor and finds any monitor by name', async () => {
    await page.getByTestId('fleet-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator(`[data-monitor="${seeded.lastMonitor}"]`).waitFor();
    expect(await rendered()).toBeLessThan(100);
    await page.getByTestId('fleet-list').evaluate((el) => el.scrollTo(0, 0));
    await page.getByRole('searchbox').fill(seeded.lastMonitor);
    await expect.poll(status).toContain('1 of 10000 monitors');
    expect(await page.locator(`[data-monitor="${seeded.lastMonitor}"]`).isVisible()).toBe(true);
  });

  it('filters to problems only', async () => {
    await page.getByRole('searchbox').fill('');
    await expect.poll(status).toContain('10000 of 10000 monitors');
    await page.getByLabel('State', { exact: true }).selectOption('problems');
    // The summary's counts of the problem states add up to what the filtered list says it shows.
    const count = async (state: string) => Number(await page.getByTestId(`count-${state}`).textContent());
    const problems = (await count('down')) + (await count('suspect')) + (await count('degraded')) + (await count('flapping'));
    await expect.poll(status).toContain(`${problems} of 10000 monitors`);
    const states = await page.locator('[data-testid="fleet-list"] .fleet-monitor').evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(states.length).toBeGreaterThan(0);
    expect(new Set(states)).not.toContain('up');
    expect([...new Set(states)].every((s) => ['down', 'suspect', 'degraded', 'flapping'].includes(s!))).toBe(true);
  });
});
