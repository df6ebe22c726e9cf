import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { XMLValidator } from 'fast-xml-parser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentsService } from '#lib/incidents';
import { MetricsService } from '#lib/observability';
import { StatusFastPath, StatusOutboxConsumer, StatusPageCache, StatusPagesService } from '#lib/status-pages';
import { StatusPageSource } from '../libs/status-pages/src/status-page.source.js';
import { eventually } from './support/eventually.js';
import { pathOf, startTestApi, type TestApi } from './support/test-api.js';

/**
 * Status pages on the real API and PostgreSQL, with the clock frozen at 2026-10-20 12:00 UTC. One outage, 00:30–01:15
 * Madrid time on 11 October (22:30–23:15 UTC on the 10th), on the shop service of customer "Panadería": the page
 * counts it on the 11th in its own zone, as the SLA report does (45 min of 24 h: 96.875 %).
 */
const FROZEN = Date.parse('2026-10-20T12:00:00Z');
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';
/** The page's one script tag, the live-refresh file's: what is left must hold no script at all. */
const LIVE_TAG = /<script src="[^"]*\/live\.js\?v=[\w-]+" integrity="sha256-[\w+/=]+" data-every="\d+" defer><\/script>/;

interface Page {
  id: string;
  slug: string;
  path: string;
}

/** A GET with any Host header (fetch will not set one), returning status, headers and body. */
function getWithHost(url: string, host: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('status pages', () => {
  let api: TestApi;
  let token: string;
  let otherToken: string;
  const ids: Record<string, string> = {};
  const run = <T,>(q: string, variables: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, variables, token);
  const create = async (input: Record<string, unknown>): Promise<Page> =>
    (await run<{ createStatusPage: Page }>('mutation($i: StatusPageInput!) { createStatusPage(input: $i) { id slug path } }', { i: input })).createStatusPage;
  const get = (path: string, init: RequestInit = {}) => fetch(`${api.url}${path}`, { redirect: 'manual', ...init });

  beforeAll(async () => {
    api = await startTestApi({}, undefined, { clock: { now: () => new Date(FROZEN) } });
    token = (await api.tenant('acme')).token;
    otherToken = (await api.tenant('other')).token;
    const mk = async (q: string, t = token) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, t))[0]!.id;
    ids.panaderia = await mk('mutation { createCustomer(input: {name: "Panadería López"}) { id } }');
    ids.ferreteria = await mk('mutation { createCustomer(input: {name: "Ferretería Secreta"}) { id } }');
    ids.host = await mk('mutation { createHost(input: {name: "internal-web-7", addresses: ["10.9.8.7"]}) { id } }');
    ids.host2 = await mk('mutation { createHost(input: {name: "hidden-db-3", addresses: ["10.1.1.3"]}) { id } }');
    ids.shop = await mk(`mutation { createService(input: {name: "shop-internal", customerFacingName: "Tienda online", type: web, hostId: "${ids.host}", customerIds: ["${ids.panaderia}"]}) { id } }`);
    ids.tools = await mk(`mutation { createService(input: {name: "tools-internal", customerFacingName: "Catálogo de herramientas", type: web, hostId: "${ids.host2}", customerIds: ["${ids.ferreteria}"]}) { id } }`);
    ids.shopMonitor = await mk(`mutation { createMonitor(input: {name: "internal-web-7 http", type: http, hostId: "${ids.host}", serviceId: "${ids.shop}", config: {url: "http://10.9.8.7/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`);
    ids.toolsMonitor = await mk(`mutation { createMonitor(input: {name: "hidden-db-3 http", type: http, hostId: "${ids.host2}", serviceId: "${ids.tools}", config: {url: "http://10.1.1.3/"}, intervalMs: 10000, timeoutMs: 5000}) { id } }`);
    const otherHost = await mk('mutation { createHost(input: {name: "their-host", addresses: ["10.5.5.5"]}) { id } }', otherToken);
    ids.otherService = await mk(`mutation { createService(input: {name: "theirs", type: web, hostId: "${otherHost}"}) { id } }`, otherToken);
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitors SET created_at = '2026-09-01T00:00:00Z'");
    await db.query("UPDATE service_customers SET starts_at = '2026-09-01T00:00:00Z'");
    await db.query("INSERT INTO monitor_state_changes (tenant_id, monitor_id, at, effective_at, from_health, to_health, flapping, reason) SELECT tenant_id, id, created_at, created_at, 'unknown', 'up', false, 'first probe' FROM monitors");
    await db.query(
      "INSERT INTO monitor_states (monitor_id, tenant_id, health, since, reason, last_reason, detector) SELECT id, tenant_id, 'up', created_at, 'ok', 'HTTP 200 from 10.9.8.7', '{}' FROM monitors",
    );
    const [{ tenant_id }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [ids.shopMonitor]);
    await db.query(
      `INSERT INTO incidents (tenant_id, monitor_id, host_id, service_id, status, opened_at, resolved_at, open_reason) VALUES ($1, $2, $3, $4, 'resolved', '2026-10-10T22:30:00Z', '2026-10-10T23:15:00Z', 'HTTP 503 from 10.9.8.7')`,
      [tenant_id, ids.shopMonitor, ids.host, ids.shop],
    );
  }, 90_000);
  afterAll(() => api?.close());

  it('creates a page with grouped components of services, hosts and monitors, and lists it', async () => {
    const page = await create({
      slug: 'main',
      title: 'Acme status',
      timeZone: 'Europe/Madrid',
      components: [
        { kind: 'service', subjectId: ids.shop, groupName: 'Web' },
        { kind: 'host', subjectId: ids.host2, displayName: 'Database', groupName: 'Web' },
        { kind: 'monitor', subjectId: ids.toolsMonitor, displayName: 'Tools check' },
      ],
    });
    expect(page.path).toBe('/status/acme/main');
    const { statusPages } = await run<{ statusPages: { slug: string; components: { displayName: string; groupName: string | null; kind: string }[] }[] }>(
      '{ statusPages { slug components { displayName groupName kind } } }',
    );
    expect(statusPages[0]!.components).toEqual([
      { displayName: 'Tienda online', groupName: 'Web', kind: 'service' },
      { displayName: 'Database', groupName: 'Web', kind: 'host' },
      { displayName: 'Tools check', groupName: null, kind: 'monitor' },
    ]);
  });

  it('an edit keeps the ids of the components it keeps (posts still name them), and drops the others', async () => {
    type Component = { id: string; kind: string; subjectId: string; displayName: string; groupName: string | null };
    const [main] = (await run<{ statusPages: { id: string }[] }>('{ statusPages { id } }')).statusPages;
    const read = async () => (await run<{ statusPage: { components: Component[] } }>(`{ statusPage(id: "${main!.id}") { components { id kind subjectId displayName groupName } } }`)).statusPage.components;
    const before = await read();
    // The same components, the last one left out and the first two swapped.
    const kept = [before[1]!, before[0]!];
    await api.ok('mutation($id: ID!, $i: StatusPageInput!) { updateStatusPage(id: $id, input: $i) { id } }', {
      id: main!.id, i: { components: kept.map((c) => ({ kind: c.kind, subjectId: c.subjectId, displayName: c.displayName, groupName: c.groupName })) },
    }, token);
    expect((await read()).map((c) => c.id)).toEqual(kept.map((c) => c.id));
    // Back as it was, for the tests after this one (the dropped component comes back with a new id).
    await api.ok('mutation($id: ID!, $i: StatusPageInput!) { updateStatusPage(id: $id, input: $i) { id } }', {
      id: main!.id, i: { components: before.map((c) => ({ kind: c.kind, subjectId: c.subjectId, displayName: c.displayName, groupName: c.groupName })) },
    }, token);
    const after = await read();
    expect(after.slice(0, 2).map((c) => c.id)).toEqual([before[0]!.id, before[1]!.id]);
    expect(after[2]!.id).not.toBe(before[2]!.id);
  });

  it('refuses bad input with the field in words, and saves nothing of it', async () => {
    const q = 'mutation($i: StatusPageInput!) { createStatusPage(input: $i) { id } }';
    const fails = (i: Record<string, unknown>, field: string, code = 'VALIDATION_FAILED') => api.fails(q, { i }, token, { field, code });
    expect((await fails({ slug: 'Bad Slug!', title: 'x' }, 'input.slug')).message).toMatch(/lower-case letters/);
    expect((await fails({ slug: 'main', title: 'again' }, 'input.slug')).message).toMatch(/already used/);
    expect((await fails({ slug: 'p2', title: 'x', customDomain: 'https://status.example.com/' }, 'input.customDomain')).message).toMatch(/host name/);
    expect((await fails({ slug: 'p2', title: 'x', customDomain: '10.0.0.1' }, 'input.customDomain')).message).toMatch(/host name/);
    expect((await fails({ slug: 'p2', title: 'x', days: 400 }, 'input.days')).message).toMatch(/7 to 365/);
    expect((await fails({ slug: 'p2', title: 'x', timeZone: 'Mars/Olympus' }, 'input.timeZone')).message).toMatch(/IANA/);
    expect((await fails({ slug: 'p2', title: 'x', visibility: 'password' }, 'input.password')).message).toMatch(/required/);
    expect((await fails({ slug: 'p2', title: 'x', accentColor: 'red;}body{display:none' }, 'input.accentColor')).message).toMatch(/#rrggbb/);
    // Another tenant's service is "not found" here, and the page is not created without it.
    await fails({ slug: 'p2', title: 'x', components: [{ kind: 'service', subjectId: ids.shop }, { kind: 'service', subjectId: ids.otherService }] }, 'input.components.1.subjectId', 'NOT_FOUND');
    const { statusPages } = await run<{ statusPages: { slug: string }[] }>('{ statusPages { slug } }');
    expect(statusPages.map((p) => p.slug)).toEqual(['main']);
    // An update that fails half-way leaves the page as it was.
    const [main] = (await run<{ statusPages: { id: string }[] }>('{ statusPages { id } }')).statusPages;
    await api.fails('mutation($id: ID!, $i: StatusPageInput!) { updateStatusPage(id: $id, input: $i) { id } }', { id: main!.id, i: { title: 'Changed', components: [{ kind: 'service', subjectId: ids.otherService }] } }, token, { code: 'NOT_FOUND', field: 'input.components.0.subjectId' });
    const after = await run<{ statusPage: { title: string; components: unknown[] } }>(`{ statusPage(id: "${main!.id}") { title components { id } } }`);
    expect(after.statusPage).toMatchObject({ title: 'Acme status' });
    expect(after.statusPage.components).toHaveLength(3);
    // A custom domain is Vigia-wide: the other tenant cannot take acme's.
    await run(`mutation { updateStatusPage(id: "${main!.id}", input: {customDomain: "Status.Example-Hosting.com"}) { customDomain } }`);
    await api.fails(q, { i: { slug: 'theirs', title: 'x', customDomain: 'status.example-hosting.com' } }, otherToken, { field: 'input.customDomain' });
    // A viewer may read pages but not change them.
    const viewer = await api.as('viewer', { slug: 'acme', token });
    await viewer.fails(q, { i: { slug: 'v', title: 'v' } }, { code: 'FORBIDDEN' });
  });

  it('serves the page as HTML without script, with strict headers, 90 day bars in its zone, and the method', async () => {
    const res = await get('/status/acme/main');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    // Script only from files of this origin (the live-refresh file), never inline.
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("script-src 'self'; connect-src 'self';");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    // One script: the live-refresh file, by its URL with its integrity, nothing inline.
    expect(html.match(/<script\b[^>]*>/gi)).toEqual([expect.stringMatching(/^<script src="\/status\/acme\/main\/live\.js\?v=[\w-]+" integrity="sha256-[\w+/=]+" data-every="30" defer>$/)]);
    expect(html).toMatch(/defer><\/script>/);
    // Three components and one group bar, 90 days each.
    const lists = html.split('<ol class="bars" aria-label=').slice(1);
    expect(lists).toHaveLength(4);
    for (const l of lists) expect(l.split('</ol>')[0]!.match(/<li class=/g)).toHaveLength(90);
    expect(html).toContain('title="Sun, Oct 11, 2026 · 96.87 % uptime · down 45 min · Outage 00:30–01:15"');
    expect(html).toContain('title="Sat, Oct 10, 2026 · 100.00 % uptime"');
    // Before the monitors existed there is no data, not 100 %.
    expect(html).toContain('title="Sat, Aug 1, 2026 · no data"');
    expect(html).toContain('Accounting method v2: downtime = confirmed outages; maintenance excluded; degraded counted as up');
    expect(html).toContain('Days in the Europe/Madrid time zone.');
    expect(html).toContain('A group shows the worst status of its components');
    // Status in words, not colour alone; and nothing internal: no address, no probe reason, no internal name.
    expect(html).toContain('All systems operational');
    expect(html).toContain('<span class="st st-operational">Operational</span>');
    expect(html).not.toMatch(/10\.9\.8\.7|HTTP 503|HTTP 200|shop-internal/);
  });

  it('a page with no components claims nothing: its banner says nothing is observed, not "All systems operational"', async () => {
    const empty = await create({ slug: 'empty', title: 'Nothing yet', timeZone: 'UTC', components: [] });
    const html = await (await get(empty.path)).text();
    expect(html).toContain('<div class="banner unknown" role="status">Status not observed right now</div>');
    expect(html).not.toContain('All systems operational');
  });

  it('serves the live-refresh script as its own file, the one the page pins by integrity, without looking up the page', async () => {
    const html = await (await get('/status/acme/main')).text();
    const [, src, integrity] = /<script src="([^"]+)" integrity="([^"]+)"/.exec(html)!;
    const res = await get(src!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    const script = await res.text();
    expect(`sha256-${createHash('sha256').update(script).digest('base64')}`).toBe(integrity);
    // It swaps the page's status parts, which the page marks.
    expect(script).toContain('"live-status","live-updated"');
    expect(html).toContain('<div id="live-status"><div class="banner');
    expect(html).toContain('<p id="live-updated">');
    // The same static file for any page: nothing about a page is in it.
    expect(await (await get('/status/nobody/nothing/live.js')).text()).toBe(script);
    expect((await get(src!, { headers: { 'if-none-match': res.headers.get('etag')! } })).status).toBe(304);
  });

  it('answers from the cache with an ETag, and a matching If-None-Match gets 304', async () => {
    const cache = api.app.get(StatusPageCache);
    const first = await get('/status/acme/main');
    const renders = cache.renders;
    const again = await get('/status/acme/main');
    expect(cache.renders).toBe(renders);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('cache-control')).toBe('public, max-age=10');
    const notModified = await get('/status/acme/main', { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
    expect(await get('/status/acme/nope')).toHaveProperty('status', 404);
    expect(await get('/status/nobody/main')).toHaveProperty('status', 404);
  });

  it('escapes HTML and script in every text field of the page, its posts and feeds', async () => {
    const page = await create({ slug: 'xss', title: XSS, footer: XSS, links: ['https://example.com/?q="><script>alert(3)</script>'], components: [{ kind: 'service', subjectId: ids.shop, displayName: XSS, groupName: XSS }] });
    const { statusPage } = await run<{ statusPage: { components: { id: string }[] } }>(`{ statusPage(id: "${page.id}") { components { id } } }`);
    await run('mutation($p: ID!, $i: StatusPostInput!, $u: StatusPostUpdateInput!) { createStatusPost(pageId: $p, input: $i, update: $u) { id } }', {
      p: page.id,
      i: { title: XSS, componentIds: [statusPage.components[0]!.id], published: true },
      u: { state: 'investigating', body: XSS },
    });
    const html = (await (await get('/status/acme/xss')).text()).replace(LIVE_TAG, '');
    expect(html).not.toMatch(/<script|<img src=x/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    for (const format of ['rss', 'atom']) {
      const xml = await (await get(`/status/acme/xss/feed.${format}`)).text();
      expect(XMLValidator.validate(xml), format).toBe(true);
      // Descriptions are HTML to a reader: the text is in them escaped, never as markup.
      expect(xml, format).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
      expect(xml.replace(/<title[^>]*>.*?<\/title>/gs, ''), format).not.toMatch(/<script>/);
    }
  });

  it('publishes incident posts with updates, newest first on the page and in valid RSS and Atom feeds', async () => {
    const { statusPage } = await run<{ statusPage: { id: string; components: { id: string; displayName: string }[] } }>(
      `{ statusPage(id: "${(await run<{ statusPages: { id: string; slug: string }[] }>('{ statusPages { id slug } }')).statusPages.find((p) => p.slug === 'main')!.id}") { id components { id displayName } } }`,
    );
    const shop = statusPage.components.find((c) => c.displayName === 'Tienda online')!;
    const draft = (
      await run<{ createStatusPost: { id: string; published: boolean } }>(
        'mutation($p: ID!, $i: StatusPostInput!, $u: StatusPostUpdateInput!) { createStatusPost(pageId: $p, input: $i, update: $u) { id published } }',
        { p: statusPage.id, i: { title: 'Shop unreachable', componentIds: [shop.id] }, u: { state: 'investigating', body: 'We are looking into it.' } },
      )
    ).createStatusPost;
    expect(draft.published).toBe(false);
    expect(await (await get('/status/acme/main')).text()).not.toContain('Shop unreachable');
    await run(`mutation { addStatusPostUpdate(postId: "${draft.id}", input: {state: identified, body: "A failed disk."}) { id } }`);
    await run(`mutation { updateStatusPost(id: "${draft.id}", input: {published: true}) { id } }`);
    await api.fails(`mutation { updateStatusPost(id: "${draft.id}", input: {componentIds: ["${ids.otherService}"]}) { id } }`, {}, token, { field: 'input.componentIds.0' });
    const html = await (await get('/status/acme/main')).text();
    expect(html).toContain('<h3>Shop unreachable</h3><div class="components">Tienda online</div>');
    expect(html.indexOf('A failed disk.')).toBeLessThan(html.indexOf('We are looking into it.'));
    expect(html).toContain('<span class="state">Identified</span>');
    const rss = await (await get('/status/acme/main/feed.rss')).text();
    const atom = await (await get('/status/acme/main/feed.atom')).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    expect(XMLValidator.validate(atom)).toBe(true);
    expect(rss).toContain('<title><![CDATA[Shop unreachable (Identified)]]></title>');
    expect(atom).toMatch(/<entry>[\s\S]*Shop unreachable \(Identified\)/);
    expect(atom).toContain(`${api.url}/status/acme/main#post-${draft.id}`);
  });

  it('renders status and uptime badges as SVG with the words in them', async () => {
    const { statusPages } = await run<{ statusPages: { slug: string; components: { id: string; displayName: string }[] }[] }>('{ statusPages { slug components { id displayName } } }');
    const shop = statusPages.find((p) => p.slug === 'main')!.components.find((c) => c.displayName === 'Tienda online')!;
    const status = await get(`/status/acme/main/badge/${shop.id}/status.svg`);
    expect(status.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await status.text();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('aria-label="Tienda online: Operational"');
    const uptime = await (await get(`/status/acme/main/badge/${shop.id}/uptime.svg`)).text();
    // 45 min down in 50 observed days (1 Sep 00:00 UTC to 20 Oct 12:00 UTC = 1,212 h): 99.93 %.
    expect(uptime).toContain('aria-label="Tienda online 90d: 99.93%"');
    expect((await get(`/status/acme/main/badge/${ids.otherService}/status.svg`)).status).toBe(404);
  });

  it('keeps a password page closed without its password, and a new password voids the old cookie', async () => {
    const page = await create({ slug: 'private', title: 'Private', visibility: 'password', password: 'correct horse battery', components: [{ kind: 'service', subjectId: ids.shop }] });
    const closed = await get('/status/acme/private');
    expect(closed.status).toBe(401);
    const form = await closed.text();
    expect(form).toContain('<form method="post" action="/status/acme/private/login">');
    expect(form).not.toContain('Tienda online');
    const post = (password: string) => get('/status/acme/private/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ password }).toString() });
    const wrong = await post('wrong password');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong password.');
    const right = await post('correct horse battery');
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/status/acme/private');
    const cookie = right.headers.get('set-cookie')!.split(';')[0]!;
    expect(right.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    const open = await get('/status/acme/private', { headers: { cookie } });
    expect(open.status).toBe(200);
    expect(open.headers.get('cache-control')).toBe('private, no-store');
    expect(await open.text()).toContain('Tienda online');
    expect((await get('/status/acme/private/feed.rss')).status).toBe(404);
    await run(`mutation { updateStatusPage(id: "${page.id}", input: {password: "another long password"}) { id } }`);
    expect((await get('/status/acme/private', { headers: { cookie } })).status).toBe(401);
  });

  it('opens a link page only with its signed link; a tampered one is a 404', async () => {
    const page = await create({ slug: 'linked', title: 'Linked', visibility: 'link', components: [{ kind: 'service', subjectId: ids.shop }] });
    expect((await get('/status/acme/linked')).status).toBe(404);
    const absolute = (await run<{ statusPageLink: string }>(`mutation { statusPageLink(id: "${page.id}", expiresInDays: 7) }`)).statusPageLink;
    // What an operator sends the customer: the whole address, on VIGIA_PUBLIC_URL (the test API's default: its HOST:PORT).
    expect(absolute).toMatch(/^http:\/\/[^/]+\/status\/acme\/linked\?k=\d+\./);
    const statusPageLink = pathOf(absolute);
    expect((await get(statusPageLink)).status).toBe(200);
    const tampered = statusPageLink.replace(/k=(\d+)/, (_, n: string) => `k=${Number(n) + 1}`);
    const refused = await get(tampered);
    expect(refused.status).toBe(404);
    // A customer's page, not a bare "Not found": what went wrong and what to do — the same bytes as a page that does not exist.
    const refusedHtml = await refused.text();
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(refusedHtml).toContain('the link you followed has expired or was replaced');
    expect(await (await get('/status/acme/no-such-page')).text()).toBe(refusedHtml);
    // The signature's last character has spare bits: every other spelling of it is refused too.
    const last = statusPageLink.at(-1)!;
    for (const other of ['A', 'B', 'C', 'D', 'g', 'w'].filter((c) => c !== last)) expect((await get(statusPageLink.slice(0, -1) + other)).status, other).toBe(404);
    // The cookie it sets ends when the link does: a 1-day link gives a day, not the cookie's 30.
    const day = pathOf((await run<{ statusPageLink: string }>(`mutation { statusPageLink(id: "${page.id}", expiresInDays: 1) }`)).statusPageLink);
    const opened = await get(day);
    expect(opened.status).toBe(200);
    const maxAge = Number(/Max-Age=(\d+)/.exec(opened.headers.get('set-cookie') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(86_400 - 120);
    expect(maxAge).toBeLessThanOrEqual(86_400);
    // A customer's page made by hand is private unless said otherwise.
    const customerPage = await run<{ createStatusPage: { visibility: string } }>(`mutation { createStatusPage(input: {slug: "by-hand", title: "By hand", customerId: "${ids.ferreteria}"}) { visibility } }`);
    expect(customerPage.createStatusPage.visibility).toBe('link');
    expect((await get('/status/acme/by-hand')).status).toBe(404);
  });

  it('generates per-customer pages that show only that customer’s services, nothing of another customer', async () => {
    const { generateCustomerStatusPages: pages } = await run<{ generateCustomerStatusPages: { id: string; customerId: string; visibility: string; components: { displayName: string }[] }[] }>(
      'mutation { generateCustomerStatusPages { id customerId visibility components { displayName } } }',
    );
    expect(pages).toHaveLength(2);
    const mine = pages.find((p) => p.customerId === ids.panaderia)!;
    expect(mine.visibility).toBe('link');
    expect(mine.components.map((c) => c.displayName)).toEqual(['Tienda online']);
    // Generated again: nothing new.
    expect((await run<{ generateCustomerStatusPages: unknown[] }>('mutation { generateCustomerStatusPages { id } }')).generateCustomerStatusPages).toHaveLength(2);
    const { statusPageLink } = await run<{ statusPageLink: string }>(`mutation { statusPageLink(id: "${mine.id}") }`);
    const html = await (await get(pathOf(statusPageLink))).text();
    expect(html).toContain('Tienda online');
    // A generated page counts its days in the tenant's zone (UTC here).
    expect(html).toContain('Outage 22:30–23:15');
    // The second customer's names, its hosts, addresses, and any probe reason never appear.
    for (const secret of ['Ferretería Secreta', 'Catálogo de herramientas', 'tools-internal', 'hidden-db-3', '10.1.1.3', 'internal-web-7', '10.9.8.7', 'HTTP 503', 'shop-internal']) {
      expect(html, secret).not.toContain(secret);
    }
    // Components of a customer page are not chosen by hand.
    await api.fails(`mutation { updateStatusPage(id: "${mine.id}", input: {components: [{kind: service, subjectId: "${ids.tools}"}]}) { id } }`, {}, token, { field: 'input.components' });
    // A customer who took the shop after its outage of 10 October: its page shows the shop's days only from then, as
    // its report counts them (an independent check found the page showing outages from before the customer had it).
    const late = (await run<{ createCustomer: { id: string } }>('mutation { createCustomer(input: {name: "Recién llegado"}) { id } }')).createCustomer.id;
    await run(`mutation { setServiceCustomerLink(input: {serviceId: "${ids.shop}", customerId: "${late}", startsAt: "2026-10-20T00:00:00Z", weight: 1}) { weight } }`);
    const latePage = (await run<{ createStatusPage: { id: string } }>(`mutation { createStatusPage(input: {slug: "late", title: "Recién llegado", customerId: "${late}", visibility: link}) { id } }`)).createStatusPage.id;
    const lateHtml = await (await get(pathOf((await run<{ statusPageLink: string }>(`mutation { statusPageLink(id: "${latePage}") }`)).statusPageLink))).text();
    expect(lateHtml).toContain('Tienda online');
    expect(lateHtml).not.toContain('Outage 22:30–23:15');
    await run(`mutation { deleteStatusPage(id: "${latePage}") }`);
  });

  it('serves a page on its custom domain by the Host header', async () => {
    const res = await getWithHost(`${api.url}/`, 'status.example-hosting.com');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<h1>Acme status</h1>');
    expect(res.body).toContain('href="/feed.rss"');
    expect(res.body).toMatch(/<script src="\/live\.js\?v=/);
    const live = await getWithHost(`${api.url}/live.js`, 'status.example-hosting.com');
    expect(live.status).toBe(200);
    expect(live.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const feed = await getWithHost(`${api.url}/feed.atom`, 'status.example-hosting.com:443');
    expect(XMLValidator.validate(feed.body), feed.body.slice(0, 300)).toBe(true);
    expect(feed.body).toContain('Shop unreachable');
    // Another Host gets the API's own answer, not the page.
    const other = await getWithHost(`${api.url}/`, 'status.unknown.example');
    expect(other.body).not.toContain('Acme status');
  });

  it('answers a public page’s cache hit before Express, as Express would; never a private page, nor /status/… on a custom domain', async () => {
    const fast = api.app.get(StatusFastPath);
    const cache = api.app.get(StatusPageCache);
    const counted = async () => (await api.app.get(MetricsService).httpRequests.get()).values.filter((v) => v.labels.route === '/status').reduce((n, v) => n + v.value, 0);
    const headers = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => !['date', 'keep-alive', 'connection'].includes(k)));
    cache.invalidate();
    const served = fast.served;
    const before = await counted();
    // A miss goes the long way (and fills the cache); the same request again is answered before Express.
    const slow = await get('/status/acme/main');
    expect(fast.served).toBe(served);
    const quick = await get('/status/acme/main?utm=x');
    expect(fast.served).toBe(served + 1);
    expect(headers(quick)).toEqual(headers(slow));
    expect(await quick.text()).toBe(await slow.text());
    // Gzip, HEAD and a matching ETag there too.
    const zipped = await get('/status/acme/main', { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(await zipped.text()).toContain('<h1>Acme status</h1>');
    expect((await get('/status/acme/main', { method: 'HEAD' })).status).toBe(200);
    expect((await get('/status/acme/main', { headers: { 'if-none-match': slow.headers.get('etag')! } })).status).toBe(304);
    expect(fast.served).toBe(served + 4);
    expect(await counted()).toBe(before + 5);
    // A private page, twice: never answered here (its cookie is checked the long way).
    for (let i = 0; i < 2; i++) expect((await get('/status/acme/private')).status).toBe(401);
    // A custom domain's host: its page at / is a hit here; /status/… on that host stays the 404 of the long way.
    expect((await getWithHost(`${api.url}/`, 'status.example-hosting.com')).status).toBe(200);
    const onDomain = await getWithHost(`${api.url}/`, 'status.example-hosting.com');
    expect(onDomain.body).toContain('<h1>Acme status</h1>');
    expect(fast.served).toBe(served + 5);
    expect((await getWithHost(`${api.url}/status/acme/main`, 'status.example-hosting.com')).status).toBe(404);
    // A public page made private: from the next request on, never the public answer again (no window).
    const flip = await create({ slug: 'flip', title: 'Flip', components: [{ kind: 'service', subjectId: ids.shop }] });
    for (let i = 0; i < 2; i++) expect((await get('/status/acme/flip')).status).toBe(200);
    expect(fast.served).toBe(served + 6);
    await run(`mutation { updateStatusPage(id: "${flip.id}", input: {visibility: password, password: "a long enough password"}) { id } }`);
    for (let i = 0; i < 2; i++) expect((await get('/status/acme/flip')).status).toBe(401);
    await run(`mutation { deleteStatusPage(id: "${flip.id}") }`);
    expect((await get('/status/acme/flip')).status).toBe(404);
    expect(fast.served).toBe(served + 6);
    // A change through the API empties the cache: the next request is the long way's fresh render.
    const renders = cache.renders;
    await run(`mutation { updateStatusPage(id: "${(await run<{ statusPages: { id: string; slug: string }[] }>('{ statusPages { id slug } }')).statusPages.find((p) => p.slug === 'main')!.id}", input: {title: "Acme status"}) { id } }`);
    expect((await get('/status/acme/main')).status).toBe(200);
    expect(cache.renders).toBeGreaterThan(renders);
    expect(fast.served).toBe(served + 6);
  });

  it('lets a page be framed only by the origins it names, only while public; refuses anything but an origin, by its field', async () => {
    const page = await create({ slug: 'framed', title: 'Framed', components: [{ kind: 'service', subjectId: ids.shop }] });
    const framing = async () => {
      const res = await get('/status/acme/framed');
      return { ancestors: /frame-ancestors ([^;]+)/.exec(res.headers.get('content-security-policy') ?? '')?.[1], xfo: res.headers.get('x-frame-options') };
    };
    expect(await framing()).toEqual({ ancestors: "'none'", xfo: 'DENY' });
    const save = (embedOrigins: string[], extra = '') =>
      api.gql(`mutation($o: [String!]) { updateStatusPage(id: "${page.id}", input: {embedOrigins: $o${extra}}) { embedOrigins } }`, { o: embedOrigins }, token);
    expect((await save(['https://WWW.Example-Hosting.com/', 'http://intranet.example:8080', 'https://*.example.org'])).data).toEqual({
      updateStatusPage: { embedOrigins: ['https://www.example-hosting.com', 'http://intranet.example:8080', 'https://*.example.org'] },
    });
    // Twice: the second answer is the fast path's, with the same headers.
    for (let i = 0; i < 2; i++) expect(await framing()).toEqual({ ancestors: 'https://www.example-hosting.com http://intranet.example:8080 https://*.example.org', xfo: null });
    for (const [bad, n] of [[['https://ok.example', 'https://x.example/path'], 1], [['javascript:alert(1)'], 0], [['https://a.example; script-src *'], 0], [['https://user:pw@a.example'], 0], [['https://a.example?x=1'], 0], [['https://a.example\\path'], 0]] as const) {
      const res = await save([...bad]);
      expect(res.errors?.[0]?.extensions?.field, JSON.stringify(bad)).toBe(`input.embedOrigins.${n}`);
      // Several origins in one field: the message says which one.
      expect(res.errors?.[0]?.message).toContain(`"${bad[n]}"`);
    }
    expect((await save(Array.from({ length: 11 }, (_, i) => `https://s${i}.example`))).errors?.[0]?.extensions?.field).toBe('input.embedOrigins');
    // Refused saves changed nothing; made private, no site may frame it (its form or its contents).
    expect((await framing()).ancestors).toContain('https://www.example-hosting.com');
    await run(`mutation { updateStatusPage(id: "${page.id}", input: {visibility: password, password: "a long enough password"}) { id } }`);
    const closed = await get('/status/acme/framed');
    expect(closed.status).toBe(401);
    expect(closed.headers.get('x-frame-options')).toBe('DENY');
    await run(`mutation { deleteStatusPage(id: "${page.id}") }`);
  });

  it('speaks each language of the page, with dates and numbers in its locale', async () => {
    const { statusPages } = await run<{ statusPages: { id: string; slug: string }[] }>('{ statusPages { id slug } }');
    const main = statusPages.find((p) => p.slug === 'main')!;
    const expected: Record<string, string[]> = {
      en: ['All systems operational', 'Sun, Oct 11, 2026 · 96.87 % uptime'],
      es: ['Todos los sistemas operativos', 'dom, 11 oct 2026 · 96,87 % disponibilidad', 'Método de cómputo v2'],
      pt: ['Todos os sistemas operacionais', '96,87 % disponibilidade', 'Método de contabilização v2'],
      de: ['Alle Systeme in Betrieb', 'So., 11. Okt. 2026 · 96,87 % Verfügbarkeit', 'Berechnungsmethode v2'],
      fr: ['Tous les systèmes sont opérationnels', 'dim. 11 oct. 2026 · 96,87 % disponibilité', 'Méthode de calcul v2'],
    };
    for (const [language, strings] of Object.entries(expected)) {
      await run(`mutation { updateStatusPage(id: "${main.id}", input: {language: "${language}"}) { id } }`);
      const html = await (await get('/status/acme/main')).text();
      expect(html, language).toContain(`<html lang="${language}">`);
      for (const s of strings) expect(html, `${language}: ${s}`).toContain(s);
    }
    await run(`mutation { updateStatusPage(id: "${main.id}", input: {language: "en"}) { id } }`);
  });

  it('drafts a post when Vigia opens an incident on a component (published at once where the page says so), with nothing internal', async () => {
    const auto = await create({ slug: 'auto', title: 'Auto', autoPublish: true, components: [{ kind: 'service', subjectId: ids.tools, displayName: 'Herramientas' }] });
    const incidents = api.app.get(IncidentsService, { strict: false });
    const outbox = api.app.get(StatusOutboxConsumer, { strict: false });
    const monitor = { id: ids.toolsMonitor, tenantId: (await api.app.get(DataSource).query('SELECT tenant_id FROM monitors WHERE id = $1', [ids.toolsMonitor]))[0].tenant_id, hostId: ids.host2, serviceId: ids.tools, name: 'hidden-db-3 http' };
    const incident = await incidents.open(monitor, new Date(FROZEN - 600_000), 'TCP refused by 10.1.1.3:80', { planned: false, flapping: false, suppressed: false });
    expect(incident).toBeDefined();
    const posts = async (slug: string) => {
      const { statusPages } = await run<{ statusPages: { slug: string; posts: { title: string; published: boolean; state: string; updates: { body: string; state: string }[] }[] }[] }>(
        '{ statusPages { slug posts { title published state updates { body state } } } }',
      );
      return statusPages.find((p) => p.slug === slug)!.posts;
    };
    await outbox.worker.settle();
    const drafted = await eventually('the drafts', async () => ((await posts('auto')).length ? await posts('auto') : undefined));
    expect(drafted).toEqual([{ title: 'Herramientas: service disruption', published: true, state: 'investigating', updates: [{ state: 'investigating', body: 'We are investigating a problem affecting Herramientas since Oct 20, 2026, 11:50 AM (UTC).' }] }]);
    const main = (await posts('main')).find((p) => p.title.includes('service disruption'))!;
    expect(main).toMatchObject({ title: 'Database, Tools check: service disruption', published: false });
    const ferreteria = (await run<{ statusPages: { customerId: string | null; posts: { title: string }[] }[] }>('{ statusPages { customerId posts { title } } }')).statusPages.find((p) => p.customerId === ids.ferreteria)!;
    expect(ferreteria.posts.map((p) => p.title)).toEqual(['Catálogo de herramientas: service disruption']);
    const all = JSON.stringify(await run('{ statusPages { posts { title updates { body } } } }'));
    for (const secret of ['10.1.1.3', 'TCP refused', 'hidden-db-3', 'tools-internal']) expect(all, secret).not.toContain(secret);
    // Handled again (a crash between act and mark): still one post per page.
    await outbox.handle({ id: '0', consumer: 'status-pages', tenantId: monitor.tenantId, incidentId: incident!.id, kind: 'opened', payload: {}, attempts: 1 });
    expect(await posts('auto')).toHaveLength(1);
    expect(await (await get('/status/acme/auto')).text()).toContain('Herramientas: service disruption');
    // A second monitor of the same service fails too: the same outage, so no second post (and no second mail).
    const tcp = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "hidden-db-3 tcp", type: tcp, hostId: "${ids.host2}", serviceId: "${ids.tools}", config: {host: "10.1.1.3", port: 80}, intervalMs: 10000, timeoutMs: 5000}) { id } }`)).createMonitor.id;
    const second = { ...monitor, id: tcp, name: 'hidden-db-3 tcp' };
    expect(await incidents.open(second, new Date(FROZEN - 590_000), 'TCP refused', { planned: false, flapping: false, suppressed: false })).toBeDefined();
    await outbox.worker.settle();
    const queued = async () => Number((await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM status_post_incidents WHERE incident_id = $1', [(await incidents.openIncidentOf(tcp))!.id]))[0].n);
    await eventually('the second incident joined', async () => ((await queued()) >= 3 ? true : undefined));
    expect(await posts('auto')).toEqual(drafted);
    expect((await posts('main')).filter((p) => p.title.includes('service disruption'))).toHaveLength(1);
    // The first monitor recovers while the second is still down: the post stays open.
    await incidents.resolve(monitor, new Date(FROZEN - 60_000), 'recovered');
    await outbox.worker.settle();
    expect((await posts('auto'))[0]!.state).toBe('investigating');
    await incidents.resolve(second, new Date(FROZEN - 50_000), 'recovered');
    await outbox.worker.settle();
    const resolved = await eventually('the resolved update', async () => ((await posts('auto'))[0]!.state === 'resolved' ? (await posts('auto'))[0] : undefined));
    expect(resolved!.updates.map((u) => u.state)).toEqual(['investigating', 'resolved']);
    expect(auto.slug).toBe('auto');
    await run(`mutation { deleteMonitor(id: "${tcp}") }`);
  });

  it('a post an operator published and left open after its outage ended takes no later outage: that one gets its own', async () => {
    const manual = await create({ slug: 'manual', title: 'Manual', components: [{ kind: 'service', subjectId: ids.tools, displayName: 'Herramientas' }] });
    const incidents = api.app.get(IncidentsService);
    const outbox = api.app.get(StatusOutboxConsumer, { strict: false });
    const tenantId = (await api.app.get(DataSource).query('SELECT tenant_id FROM monitors WHERE id = $1', [ids.toolsMonitor]))[0].tenant_id;
    const monitor = { id: ids.toolsMonitor, tenantId, hostId: ids.host2, serviceId: ids.tools, name: 'hidden-db-3 http' };
    const posts = async () =>
      (await run<{ statusPage: { posts: { id: string; state: string; published: boolean }[] } }>(`{ statusPage(id: "${manual.id}") { posts { id state published } } }`)).statusPage.posts;
    await incidents.open(monitor, new Date(FROZEN - 400_000), 'refused', { planned: false, flapping: false, suppressed: false });
    await outbox.worker.settle();
    const [first] = await eventually('the draft', async () => ((await posts()).length ? posts() : undefined));
    await run(`mutation { updateStatusPost(id: "${first!.id}", input: {published: true}) { id } }`);
    await incidents.resolve(monitor, new Date(FROZEN - 300_000), 'recovered');
    await outbox.worker.settle();
    // The operator's post: left to the operator, still open.
    expect(await posts()).toEqual([{ id: first!.id, state: 'investigating', published: true }]);
    await incidents.open(monitor, new Date(FROZEN - 200_000), 'refused again', { planned: false, flapping: false, suppressed: false });
    await outbox.worker.settle();
    const both = await eventually('a second post', async () => ((await posts()).length === 2 ? posts() : undefined));
    expect(both!.map((p) => p.id)).toContain(first!.id);
    await incidents.resolve(monitor, new Date(FROZEN - 100_000), 'recovered');
    await outbox.worker.settle();
    await run(`mutation { deleteStatusPage(id: "${manual.id}") }`);
  });

  it('announces a maintenance window only when asked, on the pages whose components it covers', async () => {
    const startsAt = new Date(FROZEN + 86_400_000).toISOString();
    const endsAt = new Date(FROZEN + 90_000_000).toISOString();
    const { createMaintenanceWindow: window } = await run<{ createMaintenanceWindow: { id: string } }>(
      `mutation { createMaintenanceWindow(input: {name: "swap disk on internal-web-7", startsAt: "${startsAt}", endsAt: "${endsAt}", serviceIds: ["${ids.shop}"]}) { id } }`,
    );
    expect(await (await get('/status/acme/main')).text()).not.toContain('Scheduled maintenance');
    await run(`mutation { publishMaintenanceNotice(windowId: "${window.id}", title: "Storage upgrade <b>", body: "Short interruptions possible.") { id } }`);
    const html = await (await get('/status/acme/main')).text();
    expect(html).toContain('<h2>Scheduled maintenance</h2><article class="post maintenance"><h3>Storage upgrade &#60;b&#62;</h3><div class="components">Tienda online</div><p><span class="state">Upcoming</span>');
    expect(html).not.toContain('swap disk');
    // Listed for the tenant that announced it, and for no other.
    expect((await run<{ statusMaintenanceNotices: { windowId: string; title: string }[] }>('{ statusMaintenanceNotices { windowId title } }')).statusMaintenanceNotices).toEqual([{ windowId: window.id, title: 'Storage upgrade <b>' }]);
    expect((await api.ok<{ statusMaintenanceNotices: unknown[] }>('{ statusMaintenanceNotices { id } }', {}, otherToken)).statusMaintenanceNotices).toEqual([]);
    // Not on a page without the service.
    expect(await (await get('/status/acme/auto')).text()).not.toContain('Storage upgrade');
    const theirs = (await api.ok<{ createMaintenanceWindow: { id: string } }>(`mutation { createMaintenanceWindow(input: {name: "x", startsAt: "${startsAt}", endsAt: "${endsAt}", serviceIds: ["${ids.otherService}"]}) { id } }`, {}, otherToken)).createMaintenanceWindow;
    await api.fails(`mutation { publishMaintenanceNotice(windowId: "${theirs.id}", title: "x") { id } }`, {}, token, { code: 'NOT_FOUND', field: 'windowId' });
    await run(`mutation { withdrawMaintenanceNotice(windowId: "${window.id}") }`);
    expect(await (await get('/status/acme/main')).text()).not.toContain('Storage upgrade');
  });

  it('under a red banner with no post yet, says no update was posted, not "no incidents"', async () => {
    await create({ slug: 'quiet', title: 'Quiet', components: [{ kind: 'service', subjectId: ids.shop }] });
    expect(await (await get('/status/acme/quiet')).text()).toContain('No incidents reported.');
    const db = api.app.get(DataSource);
    await db.query("UPDATE monitor_states SET health = 'down' WHERE monitor_id = $1", [ids.shopMonitor]);
    try {
      api.app.get(StatusPageCache).invalidate();
      const html = await (await get('/status/acme/quiet')).text();
      expect(html).toContain('No update has been posted yet. The status above is measured live.');
      expect(html).not.toContain('No incidents reported.');
    } finally {
      await db.query("UPDATE monitor_states SET health = 'up' WHERE monitor_id = $1", [ids.shopMonitor]);
      api.app.get(StatusPageCache).invalidate();
    }
  });

  it('says maintenance while a window covers a component now, not for the rest of the day after it ended', async () => {
    const page = (await api.app.get(StatusPagesService).bySlugs('acme', 'main'))!;
    const shopStatus = async () => (await api.app.get(StatusPageSource).view(page, { withPosts: false })).components.find((c) => c.name === 'Tienda online')?.status;
    const window = async (from: number, until: number) =>
      (await run<{ createMaintenanceWindow: { id: string } }>(`mutation { createMaintenanceWindow(input: {name: "restart", startsAt: "${new Date(from).toISOString()}", endsAt: "${new Date(until).toISOString()}", serviceIds: ["${ids.shop}"]}) { id } }`)).createMaintenanceWindow.id;
    const ended = await window(FROZEN - 2 * 3_600_000, FROZEN - 3_600_000);
    expect(await shopStatus()).toBe('operational');
    const now = await window(FROZEN - 60_000, FROZEN + 3_600_000);
    expect(await shopStatus()).toBe('maintenance');
    for (const id of [ended, now]) await run(`mutation { deleteMaintenanceWindow(id: "${id}") }`);
  });

  it('renders a response-time badge: the slowest of a component’s monitors’ 24-hour medians, from the rollups', async () => {
    const db = api.app.get(DataSource);
    const [{ tenant_id: tenantId }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [ids.shopMonitor]);
    const mk = async (q: string) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, token))[0]!.id;
    const shopTcp = await mk(`mutation { createMonitor(input: {name: "internal-web-7 tcp", type: tcp, hostId: "${ids.host}", serviceId: "${ids.shop}", config: {port: 443}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`);
    const ping = await mk(`mutation { createMonitor(input: {name: "hidden-db-3 ping", type: icmp, hostId: "${ids.host2}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`);
    const idleHost = await mk('mutation { createHost(input: {name: "idle-host", addresses: ["10.7.7.7"]}) { id } }');
    const idle = await mk(`mutation { createMonitor(input: {name: "idle ping", type: icmp, hostId: "${idleHost}", config: {}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`);
    /** Minutes `minutesAgo` before the frozen now with these medians (null: nothing answered in that minute). */
    const seed = (monitorId: string, rows: [minutesAgo: number, p50: number | null][]) =>
      Promise.all(rows.map(([ago, p50]) => db.query(
        `INSERT INTO probe_rollups (monitor_id, minute, tenant_id, count, failures, degraded, latency_p50, latency_p95) VALUES ($1, $2, $3, 6, $4, 0, $5, $6)`,
        [monitorId, new Date(FROZEN - ago * 60_000), tenantId, p50 === null ? 6 : 0, p50, p50 === null ? null : p50 * 2],
      )));
    // The shop's HTTP check: 10, 30 and 500 ms (median 30, mean 180); a minute of 9 s a day and an hour ago is outside
    // the window, and a minute where nothing answered is not a fast minute.
    await seed(ids.shopMonitor, [[1, 10], [60, 30], [1439, 500], [25 * 60, 9000], [30, null]]);
    // The shop's TCP check is slower (median 80): the service shows its slowest monitor.
    await seed(shopTcp, [[2, 70], [3, 80], [4, 90]]);
    // The database host: its host-level ping (median 5) stands for it, not the tools service's HTTP check on it (1.2 s).
    await seed(ping, [[5, 4], [6, 5], [7, 6]]);
    await seed(ids.toolsMonitor, [[5, 900], [6, 1200], [7, 1500]]);
    // Nothing in the last 24 hours: no data, not 0 ms.
    await seed(idle, [[24 * 60 + 1, 20]]);
    const page = await create({
      slug: 'latency', title: 'Latency',
      components: [{ kind: 'service', subjectId: ids.shop }, { kind: 'host', subjectId: ids.host2, displayName: 'Database' }, { kind: 'monitor', subjectId: ids.toolsMonitor, displayName: 'Tools check' }, { kind: 'host', subjectId: idleHost, displayName: 'Idle <b>' }],
    });
    const { statusPage } = await run<{ statusPage: { components: { id: string; displayName: string }[] } }>(`{ statusPage(id: "${page.id}") { components { id displayName } } }`);
    const badge = async (name: string) => {
      const c = statusPage.components.find((x) => x.displayName === name)!;
      const res = await get(`/status/acme/latency/badge/${c.id}/response-time.svg`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(res.headers.get('cache-control')).toBe('public, max-age=10');
      const svg = await res.text();
      expect(XMLValidator.validate(svg), name).toBe(true);
      return { svg, etag: res.headers.get('etag')!, url: `/status/acme/latency/badge/${c.id}/response-time.svg` };
    };
    const shop = await badge('Tienda online');
    expect(shop.svg).toContain('aria-label="Tienda online median 24h: 80 ms"');
    expect(shop.svg).toContain('fill="#1a7f37"');
    expect((await badge('Database')).svg).toContain('aria-label="Database median 24h: 5.0 ms"');
    const tools = await badge('Tools check');
    expect(tools.svg).toContain('aria-label="Tools check median 24h: 1200 ms"');
    expect(tools.svg).toContain('fill="#b42318"');
    const idleSvg = (await badge('Idle <b>')).svg;
    expect(idleSvg).toContain('aria-label="Idle &#60;b&#62; median 24h: no data"');
    expect(idleSvg).not.toContain('<b>');
    // Nothing internal in any of them: no host name, address or monitor name.
    for (const svg of [shop.svg, tools.svg, idleSvg]) expect(svg).not.toMatch(/internal-web-7|hidden-db-3|10\.\d|idle-host|ping/);
    // Cacheable: an ETag, and If-None-Match answered 304 without a render.
    expect((await get(shop.url, { headers: { 'if-none-match': shop.etag } })).status).toBe(304);
    // Another page's component, another tenant's service id, or an unknown badge kind: 404.
    const other = await create({ slug: 'latency-other', title: 'Other', components: [{ kind: 'monitor', subjectId: ids.shopMonitor }] });
    const otherComponent = (await run<{ statusPage: { components: { id: string }[] } }>(`{ statusPage(id: "${other.id}") { components { id } } }`)).statusPage.components[0]!;
    expect((await get(`/status/acme/latency-other/badge/${otherComponent.id}/response-time.svg`)).status).toBe(200);
    expect((await get(`/status/acme/latency/badge/${otherComponent.id}/response-time.svg`)).status).toBe(404);
    expect((await get(`/status/acme/latency/badge/${ids.otherService}/response-time.svg`)).status).toBe(404);
    expect((await get(`/status/acme/latency/badge/${statusPage.components[0]!.id}/latency.svg`)).status).toBe(404);
  });

  it('answers a cached page with the database gone', async () => {
    const warm = await get('/status/acme/main');
    expect(warm.status).toBe(200);
    const db = api.app.get(DataSource);
    await db.destroy();
    try {
      const res = await get('/status/acme/main');
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<h1>Acme status</h1>');
    } finally {
      await db.initialize();
    }
  });
});
