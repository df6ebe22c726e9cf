import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathOf, startTestApi, type TestApi } from '../support/test-api.js';
import { contrastRatio } from './support/contrast.js';
import { hasChromium, launchChromium } from './support/chromium.js';

/**
 * The public status pages' features in chromium (issue 17; the same ones are checked over HTTP in
 * test/status-pages.e2e.spec.ts): uptime bars and a day's tooltip, a post with two updates in order, private pages
 * (password, signed link), RSS and Atom parsed by the browser, a badge as an image, a custom domain by its host name,
 * the five languages, escaping of every text field, and the status never told by colour alone, in AA contrast.
 * The API's clock is frozen at 2026-10-20 12:00 UTC; one outage 00:30–01:15 Madrid time on 11 October.
 */
const FROZEN = Date.parse('2026-10-20T12:00:00Z');
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const DOMAIN = 'status.example-hosting.test';

/** The few DOM calls made inside the page (the tests' TypeScript has no DOM library). */
interface El {
  className: string;
  textContent: string | null;
  parentElement: El | null;
  remove(): void;
}
interface Win {
  getComputedStyle(e: El, pseudo?: string): { color: string; backgroundColor: string; fontSize: string; fontWeight: string; content: string };
  document: { createElement(t: string): El; querySelector(s: string): { append(e: El): void } | null };
}

describe.skipIf(!hasChromium)('public status pages in the browser', () => {
  let api: TestApi;
  let browser: Browser;
  let token: string;
  const ids: Record<string, string> = {};
  const run = <T,>(q: string, v: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, v, token);

  /** A fresh browser context (no cookies) and its page, with any dialog recorded (an XSS would open one). */
  const open = async (): Promise<{ page: Page; dialogs: string[]; close: () => Promise<void> }> => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return { page, dialogs, close: () => context.close() };
  };

  beforeAll(async () => {
    api = await startTestApi({}, undefined, { clock: { now: () => new Date(FROZEN) } });
    token = (await api.tenant('acme')).token;
    const mk = async (q: string) => Object.values(await run<Record<string, { id: string }>>(q))[0]!.id;
    const host = await mk('mutation { createHost(input: {name: "internal-web-7", addresses: ["10.9.8.7"]}) { id } }');
    ids.shop = await mk(`mutation { createService(input: {name: "shop-internal", customerFacingName: "Tienda online", type: web, hostId: "${host}"}) { id } }`);
    ids.shopMonitor = await mk(`mutation { createMonitor(input: {name: "web-7 http", type: http, hostId: "${host}", serviceId: "${ids.shop}", config: {url: "http://10.9.8.7/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`);
    // Hosts whose live health is each status a page shows (their verdicts written as a watchdog would).
    for (const name of ['down', 'degraded', 'unobserved', 'planned']) {
      ids[`${name}Host`] = await mk(`mutation { createHost(input: {name: "h-${name}", addresses: ["192.0.2.1"]}) { id } }`);
      ids[`${name}Monitor`] = await mk(`mutation { createMonitor(input: {name: "h-${name} ping", type: icmp, hostId: "${ids[`${name}Host`]}", config: {}, intervalMs: 60000, timeoutMs: 5000}) { id } }`);
    }
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors WHERE id <> $1", [ids.unobservedMonitor]);
    await db.query(
      `INSERT INTO monitor_states (monitor_id, tenant_id, health, since, reason, last_reason, detector)
       SELECT id, tenant_id, CASE WHEN id = $1 THEN 'down' WHEN id = $2 THEN 'degraded' ELSE 'up' END, created_at, 'ok', 'ok', '{}' FROM monitors WHERE id <> $3`,
      [ids.downMonitor, ids.degradedMonitor, ids.unobservedMonitor],
    );
    const [{ tenant_id: tenantId }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [ids.shopMonitor]);
    await db.query(
      `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, 'resolved', '2026-10-10T22:30:00Z', '2026-10-10T23:15:00Z', 'HTTP 503 from 10.9.8.7')`,
      [tenantId, ids.shopMonitor, host, ids.shop],
    );
    await mk(`mutation { createMaintenanceWindow(input: {name: "now", startsAt: "${new Date(FROZEN - 3_600_000).toISOString()}", endsAt: "${new Date(FROZEN + 3_600_000).toISOString()}", hostIds: ["${ids.plannedHost}"]}) { id } }`);

    const page = async (input: Record<string, unknown>) =>
      (await run<{ createStatusPage: { id: string; path: string; components: { id: string }[] } }>('mutation($i: StatusPageInput!) { createStatusPage(input: $i) { id path components { id } } }', { i: input })).createStatusPage;
    const main = await page({ slug: 'main', title: 'Acme status', timeZone: 'Europe/Madrid', customDomain: DOMAIN, components: [{ kind: 'service', subjectId: ids.shop }] });
    ids.main = main.id;
    ids.mainPath = main.path;
    ids.shopComponent = main.components[0]!.id;
    // A post created today (the frozen 20 October) with two updates, published.
    const post = (
      await run<{ createStatusPost: { id: string } }>('mutation($p: ID!, $i: StatusPostInput!) { createStatusPost(pageId: $p, input: $i, update: {state: investigating, body: "We are looking into it."}) { id } }', {
        p: main.id,
        i: { title: 'Shop unreachable', componentIds: [ids.shopComponent] },
      })
    ).createStatusPost;
    await run(`mutation { addStatusPostUpdate(postId: "${post.id}", input: {state: identified, body: "A failed disk."}) { id } }`);
    await run(`mutation { updateStatusPost(id: "${post.id}", input: {published: true}) { id } }`);
    // Written on the day of the outage (the database stamps rows with its own now, not the frozen clock).
    await db.query("UPDATE status_posts SET created_at = '2026-10-10T22:40:00Z' WHERE id = $1", [post.id]);

    ids.statesPath = (
      await page({
        slug: 'states',
        title: 'Every status',
        components: [
          { kind: 'service', subjectId: ids.shop, displayName: 'Up one' },
          { kind: 'host', subjectId: ids.downHost, displayName: 'Down one' },
          { kind: 'host', subjectId: ids.degradedHost, displayName: 'Degraded one' },
          { kind: 'host', subjectId: ids.unobservedHost, displayName: 'Unobserved one' },
          { kind: 'host', subjectId: ids.plannedHost, displayName: 'Planned one' },
        ],
      })
    ).path;
    ids.passwordPath = (await page({ slug: 'private', title: 'Private', visibility: 'password', password: 'correct horse battery', components: [{ kind: 'service', subjectId: ids.shop }] })).path;
    const linked = await page({ slug: 'linked', title: 'Linked', visibility: 'link', components: [{ kind: 'service', subjectId: ids.shop }] });
    ids.linkedPath = linked.path;
    ids.link = pathOf((await run<{ statusPageLink: string }>(`mutation { statusPageLink(id: "${linked.id}", expiresInDays: 7) }`)).statusPageLink);

    // Markup typed into every text field: page, footer, link, component name and group, post, update, maintenance notice.
    const xss = await page({ slug: 'xss', title: XSS, footer: XSS, links: ['https://example.com/?q="><script>alert(3)</script>'], components: [{ kind: 'service', subjectId: ids.shop, displayName: XSS, groupName: XSS }] });
    ids.xssPath = xss.path;
    await run('mutation($p: ID!, $i: StatusPostInput!, $u: StatusPostUpdateInput!) { createStatusPost(pageId: $p, input: $i, update: $u) { id } }', {
      p: xss.id,
      i: { title: XSS, componentIds: [xss.components[0]!.id], published: true },
      u: { state: 'investigating', body: XSS },
    });
    const windowId = await mk(`mutation { createMaintenanceWindow(input: {name: "internal", startsAt: "${new Date(FROZEN + 86_400_000).toISOString()}", endsAt: "${new Date(FROZEN + 90_000_000).toISOString()}", serviceIds: ["${ids.shop}"]}) { id } }`);
    await run('mutation($w: ID!, $t: String!, $b: String) { publishMaintenanceNotice(windowId: $w, title: $t, body: $b) { id } }', { w: windowId, t: XSS, b: XSS });

    // A made-up host name that chromium resolves to this machine: the custom domain as a visitor's browser asks for it.
    browser = await launchChromium([`--host-resolver-rules=MAP ${DOMAIN} 127.0.0.1`]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('shows the uptime bars, and a day’s tooltip names its availability, its outage and the posts of that day', async () => {
    const { page, close } = await open();
    await page.goto(`${api.url}${ids.mainPath}`);
    const bars = page.locator('main ol.bars[aria-label]');
    expect(await bars.count()).toBe(1);
    expect(await bars.first().locator('li').count()).toBe(90);
    expect(await bars.first().getAttribute('aria-label')).toBe('Tienda online: 90 days');
    const titles = await bars.first().locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    // The day of the outage, in the page's zone (Madrid): its uptime, downtime and the outage's times.
    // The day of the outage lists the post written about it that day; today is a plain day.
    expect(titles).toContain('Sun, Oct 11, 2026 · 96.87 % uptime · down 45 min · Outage 00:30–01:15 · Shop unreachable');
    expect(titles.at(-1)).toBe('Tue, Oct 20, 2026 · 100.00 % uptime');
    // Before the monitor existed: no data, not 100 %.
    expect(titles[0]).toMatch(/no data$/);
    // The outage's day is drawn as an outage (its own pattern), and the axis says the span in words.
    const outageDay = bars.first().locator('li[title^="Sun, Oct 11, 2026"]');
    expect(await outageDay.evaluate((e) => (e as unknown as El).className)).toBe('down');
    expect(await page.locator('.axis').first().textContent()).toContain('90 days ago');
    await close();
  });

  it('shows a published post with its two updates, the newest first, and never a draft', async () => {
    const { page, close } = await open();
    await page.goto(`${api.url}${ids.mainPath}`);
    const post = page.locator('article.post:not(.maintenance)').filter({ hasText: 'Shop unreachable' });
    expect(await post.locator('h3').textContent()).toBe('Shop unreachable');
    expect(await post.locator('.components').textContent()).toBe('Tienda online');
    const updates = await post.locator('ol > li').allTextContents();
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatch(/^Identified — A failed disk\. /);
    expect(updates[1]).toMatch(/^Investigating — We are looking into it\. /);
    await close();
  });

  it('a password page refuses without its password, and opens with it', async () => {
    const { page, close } = await open();
    const closed = await page.goto(`${api.url}${ids.passwordPath}`);
    expect(closed!.status()).toBe(401);
    expect(await page.locator('h1').textContent()).toBe('This status page is private');
    expect(await page.content()).not.toContain('Tienda online');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Wrong password.');
    expect(await page.content()).not.toContain('Tienda online');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('h1', { hasText: 'Private' }).waitFor();
    expect(page.url()).toBe(`${api.url}${ids.passwordPath}`);
    expect(await page.locator('.component h2').textContent()).toBe('Tienda online');
    await close();
  });

  it('a link page is a 404 without its signed link (or with a tampered one), and opens with it, the cookie then keeping it open', async () => {
    const { page, close } = await open();
    expect((await page.goto(`${api.url}${ids.linkedPath}`))!.status()).toBe(404);
    expect(await page.content()).not.toContain('Tienda online');
    const tampered = ids.link!.replace(/k=(\d+)/, (_x, n: string) => `k=${Number(n) + 1}`);
    expect((await page.goto(`${api.url}${tampered}`))!.status()).toBe(404);
    expect((await page.goto(`${api.url}${ids.link}`))!.status()).toBe(200);
    expect(await page.locator('.component h2').textContent()).toBe('Tienda online');
    // The link set the page's cookie: the plain address opens now in this browser…
    expect((await page.goto(`${api.url}${ids.linkedPath}`))!.status()).toBe(200);
    await close();
    // …and not in another.
    const other = await open();
    expect((await other.page.goto(`${api.url}${ids.linkedPath}`))!.status()).toBe(404);
    await other.close();
  });

  it('its RSS and Atom feeds parse as XML in the browser, with the post as an entry', async () => {
    const { page, close } = await open();
    await page.goto(`${api.url}${ids.mainPath}`);
    const hrefs = await page.locator('a', { hasText: /^(RSS|Atom)$/ }).evaluateAll((els) => els.map((e) => (e as unknown as { href: string }).href));
    expect(hrefs).toEqual([`${api.url}${ids.mainPath}/feed.rss`, `${api.url}${ids.mainPath}/feed.atom`]);
    const parsed = await page.evaluate(async (urls) => {
      const g = globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, type: string): { querySelector(s: string): unknown; querySelectorAll(s: string): ArrayLike<{ textContent: string | null; getAttribute(n: string): string | null }>; documentElement: { nodeName: string } } } };
      const out = [];
      for (const url of urls) {
        const res = await fetch(url);
        const doc = new g.DOMParser().parseFromString(await res.text(), 'application/xml');
        out.push({
          type: res.headers.get('content-type'),
          error: doc.querySelector('parsererror') !== null,
          root: doc.documentElement.nodeName,
          titles: Array.from(doc.querySelectorAll('item > title, entry > title')).map((e) => e.textContent),
          links: Array.from(doc.querySelectorAll('item > link, entry > link')).map((e) => e.textContent || e.getAttribute('href')),
        });
      }
      return out;
    }, hrefs);
    expect(parsed.map((p) => [p.error, p.root])).toEqual([[false, 'rss'], [false, 'feed']]);
    for (const feed of parsed) {
      expect(feed.type).toMatch(/xml/);
      expect(feed.titles).toEqual(['Shop unreachable (Identified)']);
      expect(feed.links[0]).toMatch(/\/status\/acme\/main#post-/);
    }
    await close();
  });

  it('a badge renders as an image (the SVG has a width), with its words', async () => {
    const { page, close } = await open();
    await page.goto(`${api.url}${ids.mainPath}`);
    const sizes = await page.evaluate(async (srcs) => {
      const g = globalThis as unknown as { document: { createElement(t: string): { src: string; alt: string; decode(): Promise<void>; naturalWidth: number; naturalHeight: number }; body: { append(e: unknown): void } } };
      const out = [];
      for (const src of srcs) {
        const img = g.document.createElement('img');
        img.alt = 'badge';
        img.src = src;
        g.document.body.append(img);
        await img.decode();
        out.push({ width: img.naturalWidth, height: img.naturalHeight });
      }
      return out;
    }, ['status.svg', 'uptime.svg', 'response-time.svg'].map((b) => `${ids.mainPath}/badge/${ids.shopComponent}/${b}`));
    for (const s of sizes) {
      expect(s.width).toBeGreaterThan(0);
      expect(s.height).toBeGreaterThan(0);
    }
    const svg = await (await page.request.get(`${api.url}${ids.mainPath}/badge/${ids.shopComponent}/status.svg`)).text();
    expect(svg).toContain('aria-label="Tienda online: Operational"');
    await close();
  });

  it('serves the page on its custom domain, chosen by the host name the browser asked for', async () => {
    const { page, close } = await open();
    const port = new URL(api.url).port;
    const res = await page.goto(`http://${DOMAIN}:${port}/`);
    expect(res!.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Acme status');
    expect(await page.locator('.component h2').textContent()).toBe('Tienda online');
    // Its feeds on that host too.
    expect(await page.locator('a', { hasText: 'RSS' }).getAttribute('href')).toBe('/feed.rss');
    // (Fetched by the page: only chromium resolves the made-up name.)
    expect(await page.evaluate(async () => (await fetch('/feed.atom')).text())).toContain('Shop unreachable');
    await close();
  });

  it('speaks each of the five languages in its own words', async () => {
    const expected: Record<string, string[]> = {
      en: ['All systems operational', 'Operational', 'Identified', 'Sun, Oct 11, 2026 · 96.87 % uptime'],
      es: ['Todos los sistemas operativos', 'Operativo', 'Identificado', 'dom, 11 oct 2026 · 96,87 % disponibilidad'],
      pt: ['Todos os sistemas operacionais', 'Operacional', 'Identificado', '96,87 % disponibilidade'],
      de: ['Alle Systeme in Betrieb', 'In Betrieb', 'Ursache erkannt', 'So., 11. Okt. 2026 · 96,87 % Verfügbarkeit'],
      fr: ['Tous les systèmes sont opérationnels', 'Opérationnel', 'Cause identifiée', 'dim. 11 oct. 2026 · 96,87 % disponibilité'],
    };
    for (const [language, [banner, status, state, day]] of Object.entries(expected)) {
      await run(`mutation { updateStatusPage(id: "${ids.main}", input: {language: "${language}"}) { id } }`);
      // A new browser each time: the page is cacheable for 10 s, and this one would show its copy.
      const { page, close } = await open();
      await page.goto(`${api.url}${ids.mainPath}`);
      expect(await page.locator('html').getAttribute('lang'), language).toBe(language);
      expect(await page.locator('.banner').textContent(), language).toBe(banner);
      expect(await page.locator('.component .st').textContent(), language).toBe(status);
      expect(await page.locator('article.post:not(.maintenance) .state').first().textContent(), language).toBe(state);
      const titles = await page.locator('main ol.bars[aria-label] li').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
      expect(titles.some((t) => t.includes(day!)), `${language}: ${day}`).toBe(true);
      await close();
    }
    await run(`mutation { updateStatusPage(id: "${ids.main}", input: {language: "en"}) { id } }`);
  });

  it('shows HTML and script typed in every text field as text: no dialog, no element injected', async () => {
    const { page, dialogs, close } = await open();
    await page.goto(`${api.url}${ids.xssPath}`);
    await page.waitForLoadState('load');
    expect(dialogs).toEqual([]);
    // The page's one script is the live-refresh file; no image was made from the text.
    expect(await page.locator('script').evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? 'inline'))).toEqual([expect.stringMatching(/\/live\.js\?v=/)]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // The text is shown as typed, in the title, the group and component, the post and its update, the notice and the footer.
    expect(await page.title()).toBe(XSS);
    expect(await page.locator('h1').textContent()).toBe(XSS);
    expect(await page.locator('section.group > .row h2').textContent()).toBe(XSS);
    expect(await page.locator('.component h3').textContent()).toBe(XSS);
    expect(await page.locator('article.post:not(.maintenance) h3').textContent()).toBe(XSS);
    expect(await page.locator('article.post:not(.maintenance) ol > li').textContent()).toContain(XSS);
    expect(await page.locator('article.maintenance h3').textContent()).toBe(XSS);
    expect(await page.locator('article.maintenance').textContent()).toContain(`${XSS}`);
    expect(await page.locator('footer').textContent()).toContain(XSS);
    const link = page.locator('footer a[rel~="noopener"]');
    expect(await link.getAttribute('href')).toBe('https://example.com/?q="><script>alert(3)</script>');
    // Nothing fires later either (an onerror would have by now).
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await close();
  });

  it('never tells a status by colour alone, and its status colours meet WCAG AA contrast', async () => {
    const { page, close } = await open();
    await page.goto(`${api.url}${ids.statesPath}`);
    // Each component says its status in words, each of the five.
    const said = await page.locator('.component').evaluateAll((els) =>
      els.map((e) => [e.querySelector('h2, h3')?.textContent ?? '', e.querySelector('.st')?.textContent ?? '', e.querySelector('.st')?.className ?? '']),
    );
    expect(said).toEqual([
      ['Up one', 'Operational', 'st st-operational'],
      ['Down one', 'Outage', 'st st-outage'],
      ['Degraded one', 'Degraded', 'st st-degraded'],
      ['Unobserved one', 'Not observed', 'st st-unknown'],
      ['Planned one', 'Maintenance', 'st st-maintenance'],
    ]);
    // The banner: words and a symbol before them (not its colour only).
    expect(await page.locator('.banner').textContent()).toBe('Some systems are down');
    expect(await page.locator('.banner').evaluate((e) => (globalThis as unknown as Win).getComputedStyle(e as unknown as El, '::before').content)).toMatch(/✖/);
    // Every day of every bar has words (its title, also its accessible name), and the legend names each kind of day.
    const untitled = await page.locator('main ol.bars[aria-label] li').evaluateAll((els) => els.filter((e) => !(e.getAttribute('title') ?? '').trim()).length);
    expect(untitled).toBe(0);
    expect(await page.locator('ul.legend > li').allTextContents()).toEqual(['Operational', 'Degraded', 'Outage', 'Maintenance', 'no data']);
    // Each kind of day differs by shape too (its height), not by colour alone.
    const heights = await page.locator('ul.legend ol.bars li').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(new Set(heights.slice(1)).size).toBe(heights.length - 1);

    // WCAG AA: each status word against what it is drawn on, and the banner's white text on its colour.
    const pairs = await page.locator('.st, .banner').evaluateAll((els) =>
      (els as unknown as El[]).map((e) => {
        const w = globalThis as unknown as Win;
        let bg = 'rgba(0, 0, 0, 0)';
        for (let at: El | null = e; at && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); at = at.parentElement) bg = w.getComputedStyle(at).backgroundColor;
        const s = w.getComputedStyle(e);
        return { what: `${e.className}: ${e.textContent}`, colour: s.color, background: bg, size: parseFloat(s.fontSize), weight: Number(s.fontWeight) };
      }),
    );
    expect(pairs.length).toBe(6);
    for (const p of pairs) {
      const ratio = contrastRatio(p.colour, p.background);
      const large = p.size >= 24 || (p.size >= 18.66 && p.weight >= 700);
      expect(ratio, `${p.what} ${p.colour} on ${p.background}`).toBeGreaterThanOrEqual(large ? 3 : 4.5);
    }
    // Each banner colour (one page per overall status would show them one at a time): white text on each, from the
    // page's own style sheet.
    const banners = await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      const out: Record<string, string> = {};
      for (const cls of ['', 'outage', 'degraded', 'maintenance', 'unknown']) {
        const el = w.document.createElement('div');
        el.className = `banner ${cls}`.trim();
        w.document.querySelector('main')!.append(el);
        out[cls || 'operational'] = `${w.getComputedStyle(el).color}|${w.getComputedStyle(el).backgroundColor}`;
        el.remove();
      }
      return out;
    });
    for (const [state, pair] of Object.entries(banners)) {
      const [colour, background] = pair.split('|') as [string, string];
      expect(contrastRatio(colour, background), `banner ${state}`).toBeGreaterThanOrEqual(4.5);
    }
    await close();
  });
});
