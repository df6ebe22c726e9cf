import { request as httpRequest } from 'node:http';
import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentsService, type OutboxItem } from '#lib/incidents';
import { StatusNotificationsWorker, StatusOutboxConsumer } from '#lib/status-pages';
import { eventually } from './support/eventually.js';
import { expectedSignature, RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

const HOOK_SECRET = 'status-hook-secret-0123456789';

/** One header of a received mail, unfolded. */
function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.replace(/\r?\n[ \t]+/g, ' ').slice(name.length + 1).trim();
}

/**
 * Status-page subscribers (issue 17) on the real API, PostgreSQL and a real SMTP server (smtp-server on loopback,
 * the platform relay): subscribe on the page's form → confirmation mail → confirm link → a published post mails the
 * confirmed subscriber once, with List-Unsubscribe (RFC 8058 one-click) → one-click unsubscribe → no more mail. An
 * unconfirmed address gets only its confirmation; floods are refused; a webhook subscriber receives the signed body.
 */
describe('status page subscribers', () => {
  let api: TestApi;
  let token: string;
  let otherToken: string;
  const smtp = new RecordingSmtpServer();
  let worker: StatusNotificationsWorker;
  let pageId: string;
  let path: string;
  const raw = smtp.raw;
  /** Carried from one step to the next: the published post and its mail's unsubscribe link. */
  const ids: Record<string, string> = {};
  const hook = new RecordingServer();
  const run = <T,>(q: string, v: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, v, token);
  const mails = async (to: string): Promise<ParsedMail[]> => (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m) => JSON.stringify(m.to).includes(to));
  const form = (url: string, body: Record<string, string>) =>
    fetch(`${api.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString(), redirect: 'manual' });
  const local = (link: string) => {
    const u = new URL(link);
    return `${u.pathname}${u.search}`;
  };
  const drain = async () => {
    for (let i = 0; i < 3; i++) await worker.runOnce();
  };

  beforeAll(async () => {
    await hook.start();
    await smtp.start();
    api = await startTestApi({ ...smtp.env });
    token = (await api.tenant('acme')).token;
    otherToken = (await api.tenant('other')).token;
    worker = api.app.get(StatusNotificationsWorker);
    const page = (await run<{ createStatusPage: { id: string; path: string } }>('mutation { createStatusPage(input: {slug: "status", title: "Acme Status"}) { id path } }')).createStatusPage;
    pageId = page.id;
    path = page.path;
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await hook.stop();
    await smtp.stop();
  });

  it('offers a plain HTML form (no script of its own) that posts the address to the page’s subscribe endpoint', async () => {
    const res = await fetch(`${api.url}${path}`);
    const html = await res.text();
    expect(html).toContain(`<form method="post" action="${path}/subscribe">`);
    expect(html).toContain('name="email"');
    // The page's only script is the live-refresh file in the head; the form needs none.
    expect(html.split('</head>')[1]).not.toContain('<script');
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
  });

  it('refuses a malformed address naming the field in words, saving nothing', async () => {
    const res = await form(`${path}/subscribe`, { email: 'not an address<script>' });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('E-mail address: must be an e-mail address');
    expect(text).not.toContain('<script>');
    expect((await api.app.get(DataSource).query('SELECT count(*)::int AS n FROM status_subscribers'))[0].n).toBe(0);
  });

  it('subscribe → one confirmation mail (even when asked twice) → the signed link confirms; a tampered link changes nothing', async () => {
    expect((await form(`${path}/subscribe`, { email: 'Alice@Example.test' })).status).toBe(202);
    expect((await form(`${path}/subscribe`, { email: 'alice@example.test' })).status).toBe(202);
    expect((await form(`${path}/subscribe`, { email: 'bob@example.test' })).status).toBe(202);
    await drain();
    const [confirm, ...more] = await eventually('the confirmation mail', async () => ((await mails('alice@example.test')).length ? mails('alice@example.test') : undefined));
    expect(more).toHaveLength(0); // one pending confirmation per address and page an hour
    expect(confirm!.subject).toBe('Confirm your subscription to Acme Status');
    const link = /https?:\/\/\S+\/confirm\?\S+/.exec(confirm!.text ?? '')![0];
    expect(header(confirm!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    const db = api.app.get(DataSource);
    const tampered = local(link).replace(/m=(.)/, (_x, c: string) => `m=${c === 'A' ? 'B' : 'A'}`);
    expect((await fetch(`${api.url}${tampered}`)).status).toBe(404);
    expect((await fetch(`${api.url}${local(link).replace(/e=\d+/, 'e=9999999999')}`)).status).toBe(404);
    expect((await db.query("SELECT confirmed_at FROM status_subscribers WHERE address = 'alice@example.test'"))[0].confirmed_at).toBeNull();

    // Opening the link (as a mail scanner would) only shows a button; nothing is confirmed until it is pressed.
    const landing = await fetch(`${api.url}${local(link)}`);
    expect(landing.status).toBe(200);
    const html = await landing.text();
    expect(html).toContain('Confirm my subscription');
    expect(html).not.toContain('<script');
    expect((await db.query("SELECT confirmed_at FROM status_subscribers WHERE address = 'alice@example.test'"))[0].confirmed_at).toBeNull();
    const tamperedPost = await fetch(`${api.url}${tampered}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(tamperedPost.status).toBe(404);
    const ok = await fetch(`${api.url}${local(link)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Your subscription is confirmed');
    expect((await db.query("SELECT confirmed_at FROM status_subscribers WHERE address = 'alice@example.test'"))[0].confirmed_at).not.toBeNull();
  });

  it('adds a webhook subscriber through GraphQL, refusing bad fields by name and saving nothing', async () => {
    const add = 'mutation($p: ID!, $i: StatusWebhookSubscriberInput!) { addStatusWebhookSubscriber(pageId: $p, input: $i) { id kind address confirmedAt } }';
    await api.fails(add, { p: pageId, i: { url: 'ftp://example.test/x', secret: HOOK_SECRET } }, token, { code: 'VALIDATION_FAILED', field: 'input.url' });
    await api.fails(add, { p: pageId, i: { url: 'http://169.254.169.254/latest', secret: HOOK_SECRET } }, token, { code: 'VALIDATION_FAILED', field: 'input.url' });
    await api.fails(add, { p: pageId, i: { url: `${hook.url}/status`, secret: 'short' } }, token, { code: 'VALIDATION_FAILED', field: 'input.secret' });
    expect((await api.app.get(DataSource).query("SELECT count(*)::int AS n FROM status_subscribers WHERE kind = 'webhook'"))[0].n).toBe(0);
    const saved = (await run<{ addStatusWebhookSubscriber: { kind: string; confirmedAt: string | null } }>(add, { p: pageId, i: { url: `${hook.url}/status`, secret: HOOK_SECRET } })).addStatusWebhookSubscriber;
    expect(saved).toMatchObject({ kind: 'webhook', address: `${hook.url}/status` });
    expect(saved.confirmedAt).not.toBeNull();
  });

  it('a published post mails the confirmed subscriber once with List-Unsubscribe, posts the signed webhook, and tells the unconfirmed nothing', async () => {
    // A draft tells nobody.
    const post = (await run<{ createStatusPost: { id: string } }>(`mutation { createStatusPost(pageId: "${pageId}", input: {title: "Checkout slow"}, update: {state: investigating, body: "We are looking into slow checkouts."}) { id } }`)).createStatusPost;
    await drain();
    expect(await mails('alice@example.test')).toHaveLength(1);
    expect(hook.hits).toHaveLength(0);

    await run(`mutation { updateStatusPost(id: "${post.id}", input: {published: true}) { id } }`);
    await drain();
    const alice = await eventually('the post mail', async () => ((await mails('alice@example.test')).length === 2 ? mails('alice@example.test') : undefined));
    const mail = alice.find((m) => m.subject?.includes('Checkout slow'))!;
    expect(mail.subject).toBe('Acme Status: Checkout slow — Investigating');
    expect(mail.text).toContain('We are looking into slow checkouts.');
    const unsubscribe = /^<(https?:\/\/[^>]+\/unsubscribe\?[^>]+)>$/.exec(header(mail, 'List-Unsubscribe') ?? '')?.[1];
    expect(unsubscribe).toBeDefined();
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain(unsubscribe);
    expect(mail.html).toContain('/unsubscribe?');
    // Bob never confirmed: his confirmation is all he ever got.
    expect((await mails('bob@example.test')).map((m) => m.subject)).toEqual(['Confirm your subscription to Acme Status']);

    const hit = await eventually('the webhook', () => hook.hits[0]);
    expect(hit.path).toBe('/status');
    expect(hit.headers['x-vigia-signature']).toBe(expectedSignature(HOOK_SECRET, hit));
    expect(JSON.parse(hit.body)).toMatchObject({ event: 'status_post.update', page: { title: 'Acme Status', path }, post: { postId: post.id, title: 'Checkout slow', state: 'investigating' } });

    // Published again, or the worker run again: nothing is queued or sent twice.
    await run(`mutation { updateStatusPost(id: "${post.id}", input: {published: true}) { id } }`);
    await drain();
    expect(await mails('alice@example.test')).toHaveLength(2);
    expect(hook.hits).toHaveLength(1);

    // The page made private (a password): what it says is no longer for whoever asked, so the e-mail subscriber hears
    // nothing of the next update; the operators' webhook still does. Public again: mail resumes.
    await run(`mutation { updateStatusPage(id: "${pageId}", input: {visibility: password, password: "correct horse battery"}) { id } }`);
    await run(`mutation { addStatusPostUpdate(postId: "${post.id}", input: {state: identified, body: "A slow payment provider."}) { id } }`);
    await drain();
    await eventually('the webhook told of the private update', () => hook.hits[1]);
    expect(await mails('alice@example.test')).toHaveLength(2);
    await run(`mutation { updateStatusPage(id: "${pageId}", input: {visibility: public}) { id } }`);
    await run(`mutation { addStatusPostUpdate(postId: "${post.id}", input: {state: monitoring, body: "Fixed; watching."}) { id } }`);
    await drain();
    await eventually('the public update mailed', async () => (await mails('alice@example.test')).length === 3);
    expect(hook.hits).toHaveLength(3);
    ids.post = post.id;
    ids.unsubscribe = unsubscribe!;
  });


  it('a GET of the unsubscribe link only shows a button; the one-click POST unsubscribes without login, and no more mail comes', async () => {
    const shown = await fetch(`${api.url}${local(ids.unsubscribe!)}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<form method="post"');
    const db = api.app.get(DataSource);
    expect((await db.query("SELECT count(*)::int AS n FROM status_subscribers WHERE address = 'alice@example.test'"))[0].n).toBe(1);

    const res = await form(local(ids.unsubscribe!), { 'List-Unsubscribe': 'One-Click' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You are unsubscribed');
    expect((await db.query("SELECT count(*)::int AS n FROM status_subscribers WHERE address = 'alice@example.test'"))[0].n).toBe(0);
    // The link again: the subscriber is gone, nothing to do.
    expect((await form(local(ids.unsubscribe!), { 'List-Unsubscribe': 'One-Click' })).status).toBe(404);

    await run(`mutation { addStatusPostUpdate(postId: "${ids.post}", input: {state: resolved, body: "Fixed."}) { id } }`);
    await drain();
    await eventually('the fourth webhook', () => hook.hits.length === 4);
    expect(await mails('alice@example.test')).toHaveLength(3);
    expect(JSON.parse(hook.hits[3]!.body)).toMatchObject({ post: { state: 'resolved', body: 'Fixed.' } });
  });

  it('lists subscribers with paging, exports them as CSV and deletes one (admins of the tenant only)', async () => {
    const list = (first: number, after?: string) =>
      run<{ statusSubscribers: { totalCount: number; nodes: { id: string; kind: string; address: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
        'query($p: ID!, $f: Int, $a: String) { statusSubscribers(pageId: $p, first: $f, after: $a) { totalCount nodes { id kind address confirmedAt } pageInfo { hasNextPage endCursor } } }',
        { p: pageId, f: first, a: after },
      ).then((d) => d.statusSubscribers);
    const one = await list(1);
    expect(one.totalCount).toBe(2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await list(1, one.pageInfo.endCursor);
    expect([...one.nodes, ...two.nodes].map((n) => n.address).sort()).toEqual(['bob@example.test', `${hook.url}/status`]);

    const csv = (await run<{ statusSubscribersCsv: string }>('query($p: ID!) { statusSubscribersCsv(pageId: $p) }', { p: pageId })).statusSubscribersCsv;
    expect(csv.split('\r\n')[0]).toBe('id,kind,address,confirmed_at,created_at');
    expect(csv).toContain('"bob@example.test"');

    const bob = [...one.nodes, ...two.nodes].find((n) => n.address === 'bob@example.test')!;
    const viewer = await api.as('viewer', { slug: 'acme', token });
    await viewer.fails('query($p: ID!) { statusSubscribersCsv(pageId: $p) }', { p: pageId });
    await api.fails('mutation($id: ID!) { deleteStatusSubscriber(id: $id) }', { id: bob.id }, otherToken, { code: 'NOT_FOUND' });
    // Not an id at all: refused naming the field, not an internal error from the database.
    await api.fails('mutation($id: ID!) { deleteStatusSubscriber(id: $id) }', { id: 'x' }, token, { field: 'id' });
    expect((await run<{ deleteStatusSubscriber: boolean }>('mutation($id: ID!) { deleteStatusSubscriber(id: $id) }', { id: bob.id })).deleteStatusSubscriber).toBe(true);
    expect((await list(10)).totalCount).toBe(1);
  });

  it("another tenant sees none of this page's subscribers", async () => {
    await api.fails('query($p: ID!) { statusSubscribers(pageId: $p) { totalCount } }', { p: pageId }, otherToken, { code: 'NOT_FOUND', field: 'pageId' });
    await api.fails('query($p: ID!) { statusSubscribersCsv(pageId: $p) }', { p: pageId }, otherToken, { code: 'NOT_FOUND', field: 'pageId' });
    await api.fails('mutation($p: ID!) { addStatusWebhookSubscriber(pageId: $p, input: {url: "http://127.0.0.1:9/x", secret: "0123456789abcdef"}) { id } }', { p: pageId }, otherToken, { code: 'NOT_FOUND', field: 'pageId' });
  });

  it('an incident on an auto-publishing page notifies its subscribers once, even when the outbox row is handled twice; a maintenance notice once however often published', async () => {
    const db = api.app.get(DataSource);
    const mk = async (q: string) => Object.values(await run<Record<string, { id: string }>>(q))[0]!.id;
    const host = await mk('mutation { createHost(input: {name: "web-9", addresses: ["192.0.2.9"]}) { id } }');
    const service = await mk(`mutation { createService(input: {name: "shop", customerFacingName: "Shop", type: web, hostId: "${host}"}) { id } }`);
    const monitor = await mk(`mutation { createMonitor(input: {name: "web-9 http", type: http, hostId: "${host}", serviceId: "${service}", config: {url: "http://192.0.2.9/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`);
    const auto = (await run<{ createStatusPage: { id: string } }>(`mutation { createStatusPage(input: {slug: "auto", title: "Auto", autoPublish: true, components: [{kind: service, subjectId: "${service}"}]}) { id } }`)).createStatusPage;
    await run(`mutation { addStatusWebhookSubscriber(pageId: "${auto.id}", input: {url: "${hook.url}/auto", secret: "${HOOK_SECRET}"}) { id } }`);
    // A reader confirmed earlier (the confirmation itself is the test above).
    await db.query("INSERT INTO status_subscribers (tenant_id, page_id, kind, address, confirmed_at) SELECT tenant_id, id, 'email', 'carol@example.test', now() FROM status_pages WHERE id = $1", [auto.id]);
    const autoHits = () => hook.hits.filter((h) => h.path === '/auto').map((h) => JSON.parse(h.body) as { event: string; post?: { state: string }; maintenance?: { title: string } });

    const [{ tenant_id: tenantId }] = await db.query('SELECT tenant_id FROM monitors WHERE id = $1', [monitor]);
    const incident = (await api.app.get(IncidentsService, { strict: false }).open({ id: monitor, tenantId, hostId: host, serviceId: service, name: 'web-9 http' }, new Date(Date.now() - 60_000), 'HTTP 503 from 192.0.2.9', { planned: false, flapping: false, suppressed: false }))!;
    const outbox = api.app.get(StatusOutboxConsumer, { strict: false });
    await outbox.worker.settle();
    // The same row again, as after a crash between the work and its "done" mark.
    await outbox.handle({ tenantId, incidentId: incident.id, kind: 'opened' } as OutboxItem);
    await drain();
    await eventually('the incident mail', async () => (await mails('carol@example.test')).length === 1);
    await drain();
    const carol = await mails('carol@example.test');
    expect(carol.map((m) => m.subject)).toEqual(['Auto: Shop: service disruption — Investigating']);
    expect(carol[0]!.text).not.toMatch(/192\.0\.2\.9|web-9|503/);
    expect(autoHits().map((h) => h.post?.state)).toEqual(['investigating']);

    await api.app.get(IncidentsService, { strict: false }).resolve({ id: monitor, tenantId, hostId: host, serviceId: service, name: 'web-9 http' }, new Date(), 'HTTP 200');
    await outbox.worker.settle();
    await outbox.handle({ tenantId, incidentId: incident.id, kind: 'resolved' } as OutboxItem);
    await drain();
    await eventually('the resolved mail', async () => (await mails('carol@example.test')).length === 2);
    expect(autoHits().map((h) => h.post?.state)).toEqual(['investigating', 'resolved']);

    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const endsAt = new Date(Date.now() + 90_000_000).toISOString();
    const windowId = await mk(`mutation { createMaintenanceWindow(input: {name: "internal: swap disk on web-9", startsAt: "${startsAt}", endsAt: "${endsAt}", serviceIds: ["${service}"]}) { id } }`);
    await run(`mutation { publishMaintenanceNotice(windowId: "${windowId}", title: "Shop upgrade", body: "Checkout is paused for 10 minutes.") { id } }`);
    await run(`mutation { publishMaintenanceNotice(windowId: "${windowId}", title: "Shop upgrade", body: "Checkout is paused for 5 minutes.") { id } }`);
    await drain();
    await eventually('the maintenance mail', async () => (await mails('carol@example.test')).length === 3);
    await drain();
    const notice = (await mails('carol@example.test')).filter((m) => m.subject?.includes('maintenance'));
    expect(notice.map((m) => m.subject)).toEqual(['Auto: scheduled maintenance — Shop upgrade']);
    expect(notice[0]!.text).not.toContain('swap disk');
    expect(autoHits().filter((h) => h.event === 'status_maintenance.notice').map((h) => h.maintenance?.title)).toEqual(['Shop upgrade']);
    ids.auto = auto.id;
  });

  it('a row left sending by a process that died is sent once its lease is over (late, not lost); a failing webhook is retried, its reason kept', async () => {
    const db = api.app.get(DataSource);
    const before = (await mails('carol@example.test')).length;
    await db.query(
      `INSERT INTO status_notifications (tenant_id, page_id, subscriber_id, event_key, kind, payload, status, attempts, next_attempt_at)
       SELECT tenant_id, page_id, id, 'test:lease', 'post', $2::jsonb, 'sending', 1, now() + interval '30 seconds' FROM status_subscribers WHERE page_id = $1 AND address = 'carol@example.test'`,
      [ids.auto, JSON.stringify({ postId: ids.post, title: 'Lease test', state: 'monitoring', body: 'Held by a process that died.', at: new Date().toISOString() })],
    );
    await drain();
    expect(await mails('carol@example.test')).toHaveLength(before); // still another process's
    await db.query("UPDATE status_notifications SET next_attempt_at = now() - interval '1 second' WHERE event_key = 'test:lease'");
    await drain();
    await eventually('the leased row sent', async () => (await mails('carol@example.test')).some((m) => m.subject?.includes('Lease test')));
    expect((await db.query("SELECT status, attempts FROM status_notifications WHERE event_key = 'test:lease'"))[0]).toEqual({ status: 'sent', attempts: 2 });

    let calls = 0;
    const flaky = await new RecordingServer(() => (calls++ === 0 ? { status: 500, body: 'down' } : undefined)).start();
    try {
      await run(`mutation { addStatusWebhookSubscriber(pageId: "${ids.auto}", input: {url: "${flaky.url}/hook", secret: "${HOOK_SECRET}"}) { id } }`);
      await run(`mutation { createStatusPost(pageId: "${ids.auto}", input: {title: "Retry me", published: true}, update: {state: identified, body: "x"}) { id } }`);
      await drain();
      expect(flaky.hits).toHaveLength(1);
      const [row] = await db.query("SELECT n.status, n.last_error, n.next_attempt_at > now() AS later FROM status_notifications n JOIN status_subscribers s ON s.id = n.subscriber_id WHERE s.address = $1", [`${flaky.url}/hook`]);
      expect(row).toEqual({ status: 'queued', last_error: 'webhook answered HTTP 500', later: true });
      await db.query("UPDATE status_notifications SET next_attempt_at = now() WHERE status = 'queued'");
      await drain();
      expect(flaky.hits).toHaveLength(2);
      expect(flaky.hits[0]!.headers['x-vigia-delivery']).toBe(flaky.hits[1]!.headers['x-vigia-delivery']);
    } finally {
      await flaky.stop();
    }
  });

  it('subscribers choose components on the form (none: all); a post or a maintenance notice reaches only those of its components', async () => {
    const db = api.app.get(DataSource);
    const mk = async (q: string) => Object.values(await run<Record<string, { id: string }>>(q))[0]!.id;
    const host = await mk('mutation { createHost(input: {name: "web-10", addresses: ["192.0.2.10"]}) { id } }');
    const web = await mk(`mutation { createService(input: {name: "web-int", customerFacingName: "Web <hosting>", type: web, hostId: "${host}"}) { id } }`);
    const mail = await mk(`mutation { createService(input: {name: "mail-int", customerFacingName: "Mail", type: mail, hostId: "${host}"}) { id } }`);
    const page = (
      await run<{ createStatusPage: { id: string; path: string; components: { id: string; displayName: string }[] } }>(
        `mutation { createStatusPage(input: {slug: "choose", title: "Choose", components: [{kind: service, subjectId: "${web}", groupName: "Hosting"}, {kind: service, subjectId: "${mail}"}]}) { id path components { id displayName } } }`,
      )
    ).createStatusPage;
    const [webC, mailC] = page.components.map((c) => c.id) as [string, string];
    // The form lists the page's components, their names escaped; none ticked means all.
    const html = await (await fetch(`${api.url}${page.path}`)).text();
    expect(html).toContain(`<label class="choice"><input type="checkbox" name="component" value="${webC}">Hosting · Web &#60;hosting&#62;</label>`);
    expect(html).toContain(`<input type="checkbox" name="component" value="${mailC}">Mail</label>`);
    expect(html).toContain('None ticked: all of them.');

    // From another loopback address than the other tests' posts, so the per-client limit is this test's own.
    const post = (body: URLSearchParams) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${api.url}${page.path}/subscribe`, { method: 'POST', localAddress: '127.0.0.2', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body.toString());
      });
    expect((await post(new URLSearchParams([['email', 'dave@example.test'], ['component', webC]]))).status).toBe(202);
    expect((await post(new URLSearchParams([['email', 'frank@example.test']]))).status).toBe(202);
    // A component of another page (or anything else) is refused in words, and nothing is saved.
    const { statusPages } = await run<{ statusPages: { slug: string; components: { id: string }[] }[] }>('{ statusPages { slug components { id } } }');
    const elsewhere = statusPages.find((p) => p.slug === 'auto')!.components[0]!.id;
    const refused = await post(new URLSearchParams([['email', 'erin@example.test'], ['component', webC], ['component', elsewhere]]));
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Components: a chosen component is not on this page.');
    const stored = async () => new Map((await db.query('SELECT address, component_ids FROM status_subscribers WHERE page_id = $1', [page.id]) as { address: string; component_ids: string[] }[]).map((r) => [r.address, r.component_ids]));
    expect(await stored()).toEqual(new Map([['dave@example.test', [webC]], ['frank@example.test', []]]));
    // Both confirm (the link's round trip is the test above).
    await db.query('UPDATE status_subscribers SET confirmed_at = now() WHERE page_id = $1', [page.id]);
    // A confirmed subscriber's choice is not changed by the public form (anyone can post it).
    expect((await post(new URLSearchParams([['email', 'dave@example.test'], ['component', mailC]]))).status).toBe(202);
    expect((await stored()).get('dave@example.test')).toEqual([webC]);

    // A webhook of the mail component; a component of another page refused at its field.
    const add = 'mutation($p: ID!, $i: StatusWebhookSubscriberInput!) { addStatusWebhookSubscriber(pageId: $p, input: $i) { id componentIds } }';
    await api.fails(add, { p: page.id, i: { url: `${hook.url}/choose`, secret: HOOK_SECRET, componentIds: [mailC, elsewhere] } }, token, { code: 'VALIDATION_FAILED', field: 'input.componentIds.1' });
    const hookSub = (await run<{ addStatusWebhookSubscriber: { componentIds: string[] } }>(add, { p: page.id, i: { url: `${hook.url}/choose`, secret: HOOK_SECRET, componentIds: [mailC] } })).addStatusWebhookSubscriber;
    expect(hookSub.componentIds).toEqual([mailC]);
    const hits = () => hook.hits.filter((h) => h.path === '/choose').map((h) => JSON.parse(h.body) as { post?: { title: string }; maintenance?: { title: string } });
    const subjects = async (to: string) => (await mails(to)).map((m) => m.subject).filter((x) => x?.startsWith('Choose:'));

    const publish = (title: string, componentIds: string[]) =>
      run('mutation($p: ID!, $i: StatusPostInput!) { createStatusPost(pageId: $p, input: $i, update: {state: investigating, body: "x"}) { id } }', { p: page.id, i: { title, componentIds, published: true } });
    await publish('Mail delayed', [mailC]);
    await publish('Sites slow', [webC]);
    await publish('Everything down', []);
    await publish('Both affected', [webC, mailC]);
    await drain();
    await eventually('frank told of all four', async () => (await subjects('frank@example.test')).length === 4);
    await drain();
    expect((await subjects('dave@example.test')).sort()).toEqual(['Choose: Both affected — Investigating', 'Choose: Everything down — Investigating', 'Choose: Sites slow — Investigating']);
    expect(hits().map((h) => h.post?.title).sort()).toEqual(['Both affected', 'Everything down', 'Mail delayed']);

    // A maintenance window of the web service: its notice reaches the web subscriber and the all-component one only.
    const windowId = await mk(`mutation { createMaintenanceWindow(input: {name: "w", startsAt: "${new Date(Date.now() + 86_400_000).toISOString()}", endsAt: "${new Date(Date.now() + 90_000_000).toISOString()}", serviceIds: ["${web}"]}) { id } }`);
    await run(`mutation { publishMaintenanceNotice(windowId: "${windowId}", title: "Web upgrade") { id } }`);
    await drain();
    await eventually('the web notice', async () => (await subjects('dave@example.test')).includes('Choose: scheduled maintenance — Web upgrade'));
    await drain();
    expect(await subjects('frank@example.test')).toContain('Choose: scheduled maintenance — Web upgrade');
    expect(hits().filter((h) => h.maintenance)).toEqual([]);
  });

  it('refuses a flood from one client (429 with Retry-After) and queues no confirmation for refused attempts', async () => {
    const db = api.app.get(DataSource);
    const before = (await db.query("SELECT count(*)::int AS n FROM status_notifications WHERE kind = 'confirm'"))[0].n as number;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await form(`${path}/subscribe`, { email: `flood${i}@example.test` });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toBe('60');
    }
    expect(statuses).toContain(429);
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBeLessThan(5);
    expect((await db.query("SELECT count(*)::int AS n FROM status_notifications WHERE kind = 'confirm'"))[0].n).toBe(before + accepted);
  });
});
