import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingServer } from '../support/recording-server.js';
import { seedRollups } from '../support/seed-rollups.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium, screenshot, signIn } from './support/chromium.js';

/**
 * A monitor's page, reached from the Fleet: its health and why (each vantage), a month of response times per minute
 * drawn by uPlot (43,140 seeded minutes plus the live ones), uptime per day, state changes, configuration with its
 * credential sealed; probe now, pause and resume. A real watchdog probes a real HTTP server on loopback.
 */
describe.skipIf(!hasChromium)('a monitor’s page', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let target: RecordingServer;
  let owner: { tenantId: string; token: string; email: string; password: string };
  let monitorId: string;
  let seeded: { minutes: number; failedMinutes: number };

  beforeAll(async () => {
    target = await new RecordingServer().start();
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_VANTAGE: 'central' });
    owner = await api.tenant('mon');
    const hostId = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["127.0.0.1"]}) { id } }', {}, owner.token)).createHost.id;
    monitorId = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation($c: JSONObject!) { createMonitor(input: {name: "home page", type: http, hostId: "${hostId}", config: $c, intervalMs: 1000, timeoutMs: 500}) { id } }`,
      { c: { url: `${target.url}/`, headers: { Authorization: 'Bearer s3cret-token' } } }, owner.token,
    )).createMonitor.id;
    // Thirty days but their last hour, ended two minutes ago: all inside the page's "last 30 days", before the live minutes.
    seeded = await seedRollups(api.app.get(DataSource), owner.tenantId, monitorId, { minutes: 43_140, endMs: Date.now() - 120_000, failEvery: 97 });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, api.url, 'mon', owner.email, owner.password);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await target?.stop();
  });

  it('from the Fleet: health and why, each vantage, state changes and the configuration with its credential sealed', async () => {
    await page.locator('[data-monitor="home page"]').getByRole('link', { name: 'home page' }).click();
    await page.getByRole('heading', { name: 'home page' }).waitFor();
    await expect.poll(() => page.getByTestId('monitor-health').textContent(), { timeout: 20_000 }).toMatch(/Up/);
    expect(await page.getByTestId('monitor-reason').textContent()).toMatch(/HTTP 200/);
    await page.locator('[data-vantage="central"]').waitFor();
    // Its part in the verdict, in words.
    expect(await page.locator('[data-vantage="central"] [data-testid="vantage-role"]').textContent()).toBe('voting');
    await expect.poll(() => page.getByTestId('state-change').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const config = await page.getByTestId('monitor-config').textContent();
    expect(config).toContain(`${target.url}/`);
    expect(config).not.toContain('s3cret-token');
  });

  it('draws a month of response times per minute, and says the same in words', async () => {
    await page.getByRole('button', { name: 'Last 30 days' }).click();
    const chart = page.getByTestId('latency-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(seeded.minutes);
    await expect.poll(() => chart.getAttribute('data-draw-ms')).not.toBeNull();
    expect(await chart.locator('canvas').count()).toBe(1);
    const summary = await page.getByTestId('latency-summary').textContent();
    // The seeded failed minutes, and none of the live ones (the server answers): the words count what was drawn.
    expect(summary).toContain(`${seeded.failedMinutes.toLocaleString('en')} minutes with failures`);
    expect(seeded.minutes).toBe(43_140);
    // Uptime per day from the reports: 30 days of bars, the seeded failures costing a little of each.
    await expect.poll(() => page.locator('section[aria-labelledby="uptime-title"] svg rect').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(30);
    await screenshot(page, 'monitor');
  });

  it('probes now, pauses and resumes (operators)', async () => {
    await page.getByRole('button', { name: 'Probe now' }).click();
    await expect.poll(() => page.getByTestId('probe-result').textContent(), { timeout: 10_000 }).toMatch(/^up, \d+ ms/);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('monitor-health').textContent()).toMatch(/Disabled|Paused/);
    const { monitor } = await api.ok<{ monitor: { enabled: boolean } }>(`{ monitor(id: "${monitorId}") { enabled } }`, {}, owner.token);
    expect(monitor.enabled).toBe(false);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => page.getByTestId('monitor-health').textContent(), { timeout: 20_000 }).toMatch(/Up/);
  });

  it('edits its settings in its type’s form: a bad one refused at its field with nothing saved; the sealed header kept', async () => {
    const form = page.getByRole('form', { name: 'Edit the monitor' });
    // The sealed Authorization header reads "<sealed>" in the form and is sent back as such: kept, not overwritten.
    expect(await form.getByLabel('Headers').inputValue()).toBe('Authorization: <sealed>');
    await form.getByLabel('Name').fill('home page (edited)');
    await form.getByLabel('Max redirects').fill('50');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => form.getByLabel('Max redirects').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toBe('must be at most 20');
    const before = await api.ok<{ monitor: { name: string; config: Record<string, unknown> } }>(`{ monitor(id: "${monitorId}") { name config } }`, {}, owner.token);
    expect(before.monitor.name).toBe('home page');
    await form.getByLabel('Max redirects').fill('');
    await form.getByLabel('Body contains').fill('not on the page');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    // The new setting takes effect (the server answers "ok": down), and the probes still send the sealed credential.
    await expect.poll(() => page.getByTestId('monitor-health').textContent(), { timeout: 20_000 }).toMatch(/Down|Suspect/);
    expect(target.hits.at(-1)!.headers.authorization).toBe('Bearer s3cret-token');
    await page.getByRole('heading', { name: 'home page (edited)' }).waitFor();
  });

  it('adds a monitor of another type from Hosts, its form drawn from the probes registry', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    const form = page.getByRole('form', { name: 'Add a monitor' });
    await form.getByLabel('Type', { exact: true }).selectOption('dns');
    expect(await form.getByLabel('Record type').locator('option').allTextContents()).toEqual(expect.arrayContaining(['A', 'AAAA', 'MX']));
    await form.getByLabel('Type', { exact: true }).selectOption('tcp');
    await form.getByLabel('Name').fill('web1 port');
    await form.getByLabel('Port', { exact: true }).fill('seventy');
    await form.getByRole('button', { name: 'Add monitor' }).click();
    await expect.poll(() => form.getByLabel('Port', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-invalid .error').first().textContent()).toMatch(/port from 1 to 65535/);
    await form.getByLabel('Port', { exact: true }).fill(String(target.port));
    await form.getByRole('button', { name: 'Add monitor' }).click();
    await expect.poll(async () => (await api.ok<{ monitors: { nodes: { name: string; type: string; config: { port: number } }[] } }>('{ monitors(filter: {type: tcp}) { nodes { name type config } } }', {}, owner.token)).monitors.nodes)
      .toEqual([{ name: 'web1 port', type: 'tcp', config: { port: target.port } }]);
  });

  it('deletes a monitor from its page after saying what that does', async () => {
    const { monitors } = await api.ok<{ monitors: { nodes: { id: string }[] } }>('{ monitors(filter: {type: tcp}) { nodes { id } } }', {}, owner.token);
    const id = monitors.nodes[0]!.id;
    await page.goto(`${api.url}/monitors/${id}`);
    await page.getByRole('button', { name: 'Delete…' }).click();
    expect(await page.getByTestId('delete-consequences').textContent()).toMatch(/^Delete web1 port\? It is never probed again/);
    await page.getByRole('button', { name: 'Delete web1 port' }).click();
    await page.getByRole('heading', { name: 'web1', exact: true, level: 1 }).waitFor();
    expect((await api.gql(`{ monitor(id: "${id}") { id } }`, {}, owner.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a period longer than 31 days, naming it in words', async () => {
    const res = await api.gql(`{ latencySeries(monitorId: "${monitorId}", from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z") { count } }`, {}, owner.token);
    expect(res.errors?.[0]).toMatchObject({ message: 'Period: at most 31 days at a time', extensions: { code: 'VALIDATION_FAILED', field: 'to' } });
  });
});
