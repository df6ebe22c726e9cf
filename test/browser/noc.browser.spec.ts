import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { Sight } from '#lib/observability';
import { RecordingServer } from '../support/recording-server.js';
import { seedRollups } from '../support/seed-rollups.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';
import { contrastFailures, textContrasts } from './support/contrast.js';

const DARK_BG = 'rgb(13, 17, 23)';
const LIGHT_BG = 'rgb(246, 248, 250)';

/** A port on 127.0.0.1 with nothing listening: a TCP probe of it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The NOC screen: dark mode across the app (the system's wish by default, a choice in the header kept per browser)
 * with every text's rendered colour checked against its rendered background (WCAG AA), and the wall (/wall): large
 * type, problems first, no controls, live from a real watchdog probing a real HTTP server on loopback.
 */
describe.skipIf(!hasChromium)('dark mode and the wall', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let target: RecordingServer;
  let owner: { tenantId: string; token: string; email: string; password: string };
  let hostId: string;

  const theme = (p: Page) =>
    p.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } }; getComputedStyle(e: unknown): { backgroundColor: string } };
      return { onHtml: g.document.documentElement.dataset.theme ?? null, background: g.getComputedStyle(g.document.documentElement).backgroundColor };
    });
  const controls = (p: Page) => p.locator('a, button, input, select, textarea, nav').count();

  beforeAll(async () => {
    target = await new RecordingServer().start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog' });
    owner = await api.tenant('noc');
    hostId = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, owner.token)).createHost.id;
    const shop = await api.ok<{ createMonitor: { id: string } }>(`mutation($c: JSONObject!) { createMonitor(input: {name: "shop-http", type: http, hostId: "${hostId}", config: $c, intervalMs: 1000, timeoutMs: 500}) { id } }`, { c: { url: `${target.url}/` } }, owner.token);
    // An hour of response times for its chart: the live minutes reach the rollups only as each minute ends.
    await seedRollups(api.app.get(DataSource), owner.tenantId, shop.createMonitor.id, { minutes: 50, endMs: Date.now() - 120_000, failEvery: 97 });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: 'light' })).newPage();
    await signIn(page, api.url, 'noc', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await target?.stop();
  });

  it('opens the wall from the Fleet: "The 1 monitor is up" big and green, no controls, no text under 24 px', async () => {
    await page.getByRole('link', { name: 'Wall mode' }).click();
    await expect.poll(() => page.getByTestId('wall-all-up').textContent().catch(() => ''), { timeout: 20_000 }).toBe('The 1 monitor is up');
    expect(page.url()).toBe(`${api.url}/wall`);
    expect(await controls(page)).toBe(0);
    const texts = await textContrasts(page);
    expect(texts.filter((t) => t.fontSize < 24)).toEqual([]);
    expect(texts.find((t) => t.text === 'The 1 monitor is up')).toMatchObject({ colour: 'rgb(26, 127, 55)' });
    expect(await contrastFailures(page)).toEqual([]);
  });

  it('puts a monitor that goes down at the top, live, and scrolls a list longer than the screen by itself', async () => {
    const refused = await closedPort();
    for (let i = 1; i <= 14; i++) {
      await api.ok(`mutation { createMonitor(input: {name: "port ${i}", type: tcp, hostId: "${hostId}", config: {port: ${refused}}, intervalMs: 1000, timeoutMs: 500}) { id } }`, {}, owner.token);
    }
    // The new monitors come with the next load (the live feed only updates the ones loaded): the wall is reloaded once here.
    await page.reload();
    await expect.poll(() => page.locator('.wall-row[data-state="down"]').count(), { timeout: 30_000 }).toBe(14);
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await target.stop();
    const first = page.locator('.wall-row').first();
    await expect.poll(async () => `${await first.getAttribute('data-monitor')} ${await first.getAttribute('data-state')}`, { timeout: 20_000 }).toBe('shop-http down');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.getByTestId('wall-counts').textContent()).toBe('15 down');
    await screenshot(page, 'wall');
    expect(await controls(page)).toBe(0);
    expect((await textContrasts(page)).filter((t) => t.fontSize < 24)).toEqual([]);
    // Fifteen rows do not fit 768 px: after its pause at the top the list moves down by itself, and comes back.
    const list = page.getByTestId('wall-list');
    const scrollTop = () => list.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop);
    expect(await list.evaluate((el) => { const e = el as unknown as { scrollHeight: number; clientHeight: number }; return e.scrollHeight > e.clientHeight; })).toBe(true);
    await expect.poll(scrollTop, { timeout: 15_000 }).toBeGreaterThan(50);
    await expect.poll(scrollTop, { timeout: 60_000, interval: 500 }).toBe(0);
  }, 150_000);

  it('turns dark from the header on the Fleet, every text passing AA, and keeps the choice after a reload', async () => {
    await page.goto(`${api.url}/fleet`);
    await page.locator('[data-monitor="shop-http"]').waitFor();
    expect(await theme(page)).toEqual({ onHtml: 'light', background: LIGHT_BG });
    expect(await contrastFailures(page)).toEqual([]);
    await page.getByLabel('Colour theme').selectOption('dark');
    expect(await theme(page)).toEqual({ onHtml: 'dark', background: DARK_BG });
    expect(await contrastFailures(page)).toEqual([]);
    await screenshot(page, 'fleet-dark');
    await page.reload();
    await page.locator('[data-monitor="shop-http"]').waitFor();
    expect(await theme(page)).toEqual({ onHtml: 'dark', background: DARK_BG });
    expect(await page.getByLabel('Colour theme').inputValue()).toBe('dark');
  });

  it('shows an incident and every tab of Settings in dark with every text passing AA', async () => {
    await page.getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('link', { name: /shop-http/ }).first().click();
    await page.getByRole('button', { name: 'Acknowledge' }).waitFor();
    expect(await contrastFailures(page)).toEqual([]);
    await screenshot(page, 'incident-dark');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await contrastFailures(page)).toEqual([]);
    // Every tab of Settings, each with its forms and lists.
    const tabs = await page.getByRole('tab').allTextContents();
    expect(tabs.length).toBeGreaterThan(3);
    for (const name of tabs) {
      await page.getByRole('tab', { name }).click();
      await expect.poll(() => page.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
      await page.waitForLoadState('networkidle');
      expect({ tab: name, failures: await contrastFailures(page) }).toEqual({ tab: name, failures: [] });
    }
    await page.getByRole('tab', { name: 'Alert channels' }).click();
    await screenshot(page, 'settings-dark');
    // The check sees what it should: a card left white in dark mode fails it.
    const white = await page.addStyleTag({ content: '.card { background: #fff !important; }' });
    expect((await contrastFailures(page)).length).toBeGreaterThan(0);
    await white.evaluate((el) => (el as unknown as { remove(): void }).remove());
    expect(await contrastFailures(page)).toEqual([]);
  });

  it('shows every page of the main menu in dark with every text passing AA', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    const pages = await nav.getByRole('link').allTextContents();
    expect(pages.length).toBeGreaterThan(6);
    for (const name of pages) {
      await nav.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect({ page: name, failures: await contrastFailures(page) }).toEqual({ page: name, failures: [] });
    }
  });

  it('draws the response-time chart’s axes (a canvas) in the theme’s colours, again when the theme changes', async () => {
    // Opaque pixels of the canvas in one colour: the axis labels and ticks are drawn in --chart-axis.
    const pixels = (rgb: [number, number, number]) =>
      page.getByTestId('latency-chart').locator('canvas').evaluate((canvas, [r, g, b]) => {
        const c = canvas as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255 && Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 6) n++;
        return n;
      }, rgb);
    await page.getByRole('link', { name: 'Fleet' }).click();
    await page.locator('[data-monitor="shop-http"]').getByRole('link', { name: 'shop-http' }).click();
    await page.getByTestId('latency-chart').locator('canvas').waitFor();
    const [darkAxis, lightAxis]: [number, number, number][] = [[145, 152, 161], [89, 99, 110]];
    await expect.poll(() => pixels(darkAxis), { timeout: 10_000 }).toBeGreaterThan(20);
    expect(await pixels(lightAxis)).toBe(0);
    await page.getByLabel('Colour theme').selectOption('light');
    await expect.poll(() => pixels(lightAxis)).toBeGreaterThan(20);
    expect(await pixels(darkAxis)).toBe(0);
    expect(await contrastFailures(page)).toEqual([]);
    await page.getByLabel('Colour theme').selectOption('dark');
    await expect.poll(() => pixels(darkAxis)).toBeGreaterThan(20);
    expect(await contrastFailures(page)).toEqual([]);
  });

  it('shows the wall in dark with every text passing AA, and says there when Vigia cannot see', async () => {
    await page.goto(`${api.url}/wall`);
    await expect.poll(() => page.locator('.wall-row').count(), { timeout: 10_000 }).toBe(15);
    expect(await theme(page)).toEqual({ onHtml: 'dark', background: DARK_BG });
    expect(await contrastFailures(page)).toEqual([]);
    await screenshot(page, 'wall-dark');
    // As on every page (dashboard.browser.spec.ts): a source of the test's own says Vigia is blind, then sees again.
    api.app.get(Sight).blind('noc-test', "Vigia's database does not answer", new Date(Date.now() - 5_000));
    const banner = page.getByTestId('blind');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/^Vigia cannot see since .+ — monitoring is degraded: Vigia's database does not answer/);
    expect((await textContrasts(page)).filter((t) => t.fontSize < 24)).toEqual([]);
    expect(await contrastFailures(page)).toEqual([]);
    await screenshot(page, 'wall-blind');
    api.app.get(Sight).sees('noc-test');
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('is dark when the system prefers it and nothing is chosen, follows the system as it switches; a choice of light wins over the system', async () => {
    const dark = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' })).newPage();
    await signIn(dark, api.url, 'noc', owner.email, owner.password);
    await dark.locator('[data-monitor="shop-http"]').waitFor();
    expect(await theme(dark)).toEqual({ onHtml: 'dark', background: DARK_BG });
    expect(await dark.getByLabel('Colour theme').inputValue()).toBe('system');
    expect(await contrastFailures(dark)).toEqual([]);
    // The system switching while the page is open is followed at once, without a reload.
    await dark.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => theme(dark)).toEqual({ onHtml: 'light', background: LIGHT_BG });
    await dark.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => theme(dark)).toEqual({ onHtml: 'dark', background: DARK_BG });
    await dark.getByLabel('Colour theme').selectOption('light');
    expect(await theme(dark)).toEqual({ onHtml: 'light', background: LIGHT_BG });
    expect(await contrastFailures(dark)).toEqual([]);
    await dark.context().close();
  });
});
