/**
 * npm run bench:dashboard — the dashboard's fleet with 10,000 monitors (target: fleet query < 200 ms), and a monitor's
 * page with 30 days of per-minute response times (target: drawn in < 500 ms; the second test below).
 *
 * The real API (API role only) on the test PostgreSQL, one tenant seeded with 10,000 monitors on 500 hosts in 10
 * sites (bench/fleet-seed.ts). Measures the exact query the Fleet page sends, over HTTP with a session token, 30 times
 * after 3 warm-ups: median, p95, worst and the response size. With Debian's chromium present it also measures the
 * page itself: navigation → 10,000 rows ready, a search → filtered list drawn, a jump to the middle of the list → rows
 * drawn. Bounded: fixed counts, each browser wait at most 30 s.
 */
import { DataSource } from 'typeorm';
import { expect, it } from 'vitest';
import { hasChromium, launchChromium, signIn } from '../test/browser/support/chromium.js';
import { startTestApi } from '../test/support/test-api.js';
import { FLEET_QUERY as FLEET } from '../apps/dashboard/src/lib/fleet.js';
import { seedFleet } from './fleet-seed.js';
import { seedRollups } from '../test/support/seed-rollups.js';

const MONITORS = Number(process.env.MONITORS ?? 10_000);
const RUNS = 30;

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), worst: sorted.at(-1)! };
};
const fmt = (s: { median: number; p95: number; worst: number }) => `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, worst ${s.worst.toFixed(1)} ms`;

it(`dashboard fleet with ${MONITORS} monitors`, async () => {
  const api = await startTestApi({ VIGIA_ROLES: 'api' });
  try {
    const owner = await api.tenant('bench');
    const t0 = performance.now();
    const seeded = await seedFleet(api.db.url, owner.tenantId, MONITORS);
    console.log(`seeded ${seeded.monitors} monitors on ${seeded.hosts} hosts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const query = async (): Promise<{ ms: number; bytes: number; rows: number }> => {
      const start = performance.now();
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
        body: JSON.stringify({ query: FLEET }),
      });
      const text = await res.text();
      const ms = performance.now() - start;
      const body = JSON.parse(text) as { data?: { fleet: { monitors: { id: unknown[] } } }; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return { ms, bytes: text.length, rows: body.data.fleet.monitors.id.length };
    };
    for (let i = 0; i < 3; i++) await query();
    const runs: number[] = [];
    let last = { ms: 0, bytes: 0, rows: 0 };
    for (let i = 0; i < RUNS; i++) {
      last = await query();
      runs.push(last.ms);
    }
    expect(last.rows).toBe(MONITORS);
    const q = stats(runs);
    console.log(`fleet query over HTTP (${RUNS} runs, ${last.rows} rows, ${(last.bytes / 1024 / 1024).toFixed(2)} MiB JSON): ${fmt(q)}  [target < 200 ms]`);

    if (!hasChromium) {
      console.log('browser part skipped: no /usr/bin/chromium (apt-get install chromium)');
      return;
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await signIn(page, api.url, 'bench', owner.email, owner.password);
      const status = page.getByRole('status').filter({ hasText: `${MONITORS} of ${MONITORS} monitors` });
      await status.waitFor({ timeout: 30_000 });
      const loads: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await page.reload();
        await status.waitFor({ timeout: 30_000 });
        loads.push(performance.now() - start);
      }
      const searches: number[] = [];
      for (let i = 0; i < 5; i++) {
        const name = `web${String(100 + i * 50).padStart(4, '0')}-check-07`;
        const start = performance.now();
        await page.getByRole('searchbox').fill(name);
        await page.getByRole('status').filter({ hasText: `1 of ${MONITORS} monitors` }).waitFor({ timeout: 30_000 });
        searches.push(performance.now() - start);
        await page.getByRole('searchbox').fill('');
        await status.waitFor({ timeout: 30_000 });
      }
      const jumps: number[] = [];
      for (let i = 0; i < 5; i++) {
        jumps.push(
          await page.getByTestId('fleet-list').evaluate(
            (el, fraction) =>
              new Promise<number>((resolve) => {
                const start = performance.now();
                el.scrollTo(0, el.scrollHeight * fraction);
                // Two frames: React commits the new window of rows, then the browser paints it. (Runs in the page.)
                const frame = (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame.bind(globalThis);
                frame(() => frame(() => resolve(performance.now() - start)));
              }),
            (i + 1) / 6,
          ),
        );
      }
      const inDom = await page.locator('[data-testid="fleet-list"] [role="listitem"]').count();
      console.log(`browser: reload → ${MONITORS} rows ready: ${fmt(stats(loads))}`);
      console.log(`browser: search → filtered list drawn: ${fmt(stats(searches))} (includes Playwright's round trips)`);
      console.log(`browser: jump scroll → rows painted: ${fmt(stats(jumps))}; rows in the DOM: ${inDom}`);
    } finally {
      await browser.close();
    }
  } finally {
    await api.close();
  }
});

/**
 * A monitor's page with 30 days of per-minute rollups (43,200 minutes): the latencySeries query over HTTP (median of
 * 30 after 3 warm-ups), and in chromium the chart's first draw (uPlot, `data-draw-ms`) and a click on "Last 30 days"
 * → chart drawn (the query, parsing and drawing), 5 times each. Target: drawn in < 500 ms.
 */
it('monitor page: 30 days of per-minute response times', async () => {
  const api = await startTestApi({ VIGIA_ROLES: 'api' });
  try {
    const owner = await api.tenant('bench-monitor');
    const hostId = (await api.ok<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.1"]}) { id } }', {}, owner.token)).createHost.id;
    const monitorId = (await api.ok<{ createMonitor: { id: string } }>(
      `mutation { createMonitor(input: {name: "home page", type: http, hostId: "${hostId}", config: {url: "http://192.0.2.1/"}, intervalMs: 10000, timeoutMs: 2000}) { id } }`, {}, owner.token,
    )).createMonitor.id;
    const seeded = await seedRollups(api.app.get(DataSource), owner.tenantId, monitorId, { minutes: 43_200, endMs: Date.now(), failEvery: 97 });
    expect(seeded.minutes).toBe(43_200);
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 30 * 86_400_000 - 60_000).toISOString();
    const query = `{ latencySeries(monitorId: "${monitorId}", from: "${from}", to: "${to}") { minuteMs p50 p95 count failures } }`;
    const timed = async (): Promise<{ ms: number; bytes: number; points: number }> => {
      const start = performance.now();
      const res = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body: JSON.stringify({ query }) });
      const text = await res.text();
      const ms = performance.now() - start;
      const body = JSON.parse(text) as { data?: { latencySeries: { minuteMs: number[] } }; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return { ms, bytes: text.length, points: body.data.latencySeries.minuteMs.length };
    };
    for (let i = 0; i < 3; i++) await timed();
    const runs: number[] = [];
    let last = { ms: 0, bytes: 0, points: 0 };
    for (let i = 0; i < RUNS; i++) {
      last = await timed();
      runs.push(last.ms);
    }
    expect(last.points).toBe(43_200);
    console.log(`latencySeries over HTTP (${RUNS} runs, ${last.points} minutes, ${(last.bytes / 1024 / 1024).toFixed(2)} MiB JSON): ${fmt(stats(runs))}`);
    if (!hasChromium) return void console.log('browser part skipped: no /usr/bin/chromium');
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
      await signIn(page, api.url, 'bench-monitor', owner.email, owner.password);
      await page.goto(`${api.url}/monitors/${monitorId}`);
      const chart = page.getByTestId('latency-chart');
      // Runs in the page: the chart holds a day's minutes (≤ 1,441) or the month's (the page's window may cut a minute
      // at either end of the seeded 43,200).
      const pointsAre = (range: string): boolean => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { dataset: Record<string, string> } | null } }).document.querySelector('[data-testid="latency-chart"]');
        const n = Number(el?.dataset.points ?? 0);
        return range === 'day' ? n > 0 && n <= 1441 : n >= 43_190;
      };
      const draws: number[] = [];
      const clicks: number[] = [];
      for (let i = 0; i < 5; i++) {
        await page.getByRole('button', { name: 'Last day' }).click();
        await page.waitForFunction(pointsAre, 'day', { timeout: 30_000 });
        const start = performance.now();
        await page.getByRole('button', { name: 'Last 30 days' }).click();
        await page.waitForFunction(pointsAre, 'month', { timeout: 30_000 });
        await expect.poll(() => chart.getAttribute('data-draw-ms')).not.toBeNull();
        clicks.push(performance.now() - start);
        draws.push(Number(await chart.getAttribute('data-draw-ms')));
      }
      console.log(`browser: 43,200 minutes, chart's first draw (uPlot): ${fmt(stats(draws))}  [target < 500 ms]`);
      console.log(`browser: click "Last 30 days" → chart drawn (query, parse, draw; includes Playwright's round trips): ${fmt(stats(clicks))}`);
    } finally {
      await browser.close();
    }
  } finally {
    await api.close();
  }
});
