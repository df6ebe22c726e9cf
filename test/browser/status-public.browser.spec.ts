import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusPageCache } from '#lib/status-pages';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium } from './support/chromium.js';

/**
 * The public status page in chromium (issue 17): its live-refresh script, served as a file under the page's strict
 * CSP, shows a status change without a reload (the page's own timers driven by Playwright's clock, the API's cache by
 * an injected clock), keeps what a visitor typed, breaks no CSP rule; without JavaScript the page is whole.
 */
describe.skipIf(!hasChromium)('public status page in the browser', () => {
  let api: TestApi;
  let browser: Browser;
  let db: DataSource;
  let nowMs = Date.parse('2026-11-20T12:00:00Z');
  let monitorId: string;
  let path: string;

  beforeAll(async () => {
    api = await startTestApi({}, undefined, { clock: { now: () => new Date(nowMs) } });
    const owner = await api.tenant('live');
    const host = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.1"]}) { id } }', {}, owner.token)).createHost.id;
    monitorId = (
      await api.ok<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "web1 ping", type: icmp, hostId: "${host}", config: {}, intervalMs: 60000, timeoutMs: 5000}) { id } }`, {}, owner.token)
    ).createMonitor.id;
    db = api.app.get(DataSource);
    // The detector's verdict, as a watchdog would have written it (this API runs no watchdog).
    await db.query("INSERT INTO monitor_states (monitor_id, tenant_id, health, since, reason, last_reason, detector) SELECT id, tenant_id, 'up', now(), 'ok', 'ok', '{}' FROM monitors WHERE id = $1", [monitorId]);
    path = (
      await api.ok<{ createStatusPage: { path: string } }>(`mutation { createStatusPage(input: {slug: "main", title: "Live status", components: [{kind: host, subjectId: "${host}", displayName: "Website"}]}) { path } }`, {}, owner.token)
    ).createStatusPage.path;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const banner = (page: Page) => page.locator('.banner').textContent();

  it('shows a status change without a reload, keeping what the visitor typed, with no CSP violation', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    // The browser's own favicon request is a 404 (the page has none); anything else said as an error is a problem.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.clock.install();
    await page.goto(`${api.url}${path}`);
    expect(await banner(page)).toBe('All systems operational');
    expect(await page.locator('.component .st').textContent()).toBe('Operational');
    // Marks that a reload would lose: a property of the window and a half-typed address in the subscription form.
    await page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));
    await page.getByLabel('E-mail address').fill('half-typed@exam');

    // The detector decides the host is down; the cached page is 11 s old (past its 10 s TTL).
    await db.query("UPDATE monitor_states SET health = 'down', since = now() WHERE monitor_id = $1", [monitorId]);
    nowMs += 11_000;
    const cache = api.app.get(StatusPageCache);
    const rendersBefore = cache.renders;
    // The script's first turn gets the stale copy (shown already) and starts one fresh render behind it…
    const firstTurn = page.waitForResponse((r) => new URL(r.url()).pathname === path);
    await page.clock.runFor(30_000);
    expect((await firstTurn).status()).toBe(200);
    await expect.poll(() => cache.renders, { timeout: 10_000 }).toBeGreaterThan(rendersBefore);
    expect(await banner(page)).toBe('All systems operational');
    // …and a next turn, sent with the ETag it saw, gets the new page and swaps its status parts in (each poll below
    // moves the page's clock one turn on, in case the first turn's answer was still being read).
    await expect
      .poll(
        async () => {
          await page.clock.runFor(30_000);
          return banner(page);
        },
        { timeout: 10_000 },
      )
      .toBe('Some systems are down');
    expect(await page.locator('.component .st').textContent()).toBe('Outage');
    expect(await page.evaluate(() => (globalThis as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    expect(await page.getByLabel('E-mail address').inputValue()).toBe('half-typed@exam');

    // Nothing changed since: the next turn is a 304 and the page stays as it is.
    const responses: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === path) responses.push(r.status());
    });
    await page.clock.runFor(30_000);
    await expect.poll(() => responses).toEqual([304]);
    expect(await banner(page)).toBe('Some systems are down');
    // The script itself was loaded once, from its own file; no CSP report, no error in the page.
    expect(requests.filter((r) => r.endsWith('/live.js'))).toEqual([`GET ${path}/live.js`]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('works whole without JavaScript: status, bars and the subscription form are server-rendered', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${api.url}${path}`);
    expect(await banner(page)).toBe('Some systems are down');
    expect(await page.locator('.component .bars li').count()).toBe(90);
    await page.getByLabel('E-mail address').fill('reader@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForLoadState();
    expect(await page.locator('body').textContent()).toContain('a confirmation mail is on its way');
    await context.close();
  });
});
