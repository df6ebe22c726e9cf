import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostMaintenance } from '#lib/detection';
import { StatusMaintenanceNotice, StatusMaintenanceScanner, StatusNotificationsWorker, StatusPageCache, StatusPagesService } from '#lib/status-pages';
import { eventually } from './support/eventually.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

const HOUR = 3_600_000;
const HOOK_SECRET = 'maintenance-hook-secret-0123';

/**
 * Maintenance start and end told to subscribers (issue 17), with the API's clock injected: a daily window announced
 * on a page is mailed (and posted to the webhook) when it is announced, when an occurrence starts and when it ends —
 * once per occurrence, however often the scan runs and in however many processes; nothing before the start, nothing
 * for an end long past. Real SMTP server, real PostgreSQL, the durable status_notifications queue.
 */
describe('maintenance start and end notices', () => {
  let api: TestApi;
  let token: string;
  const smtp = new RecordingSmtpServer();
  let scanner: StatusMaintenanceScanner;
  let worker: StatusNotificationsWorker;
  // From the real now on (the queue's rows are due from the database's now()), moved by the test.
  const base = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
  let now = Date.now();
  const raw = smtp.raw;
  const hook = new RecordingServer();
  const ids: Record<string, string> = {};
  const run = <T,>(q: string): Promise<T> => api.ok<T>(q, {}, token);
  const subjects = async () => (await Promise.all(raw.map((r) => simpleParser(r)))).map((m: ParsedMail) => m.subject ?? '');
  const events = () => hook.hits.map((h) => (JSON.parse(h.body) as { event: string; maintenance: { startsAt: string } }).event);
  /** One scan and the queue sent; returns how many events the scan queued. */
  const tick = async (at: number) => {
    now = at;
    const queued = await scanner.runOnce();
    for (let i = 0; i < 3; i++) await worker.runOnce();
    return queued;
  };

  beforeAll(async () => {
    await hook.start();
    await smtp.start();
    api = await startTestApi({ ...smtp.env }, undefined, { clock: { now: () => new Date(now) } });
    token = (await api.tenant('acme')).token;
    scanner = api.app.get(StatusMaintenanceScanner);
    worker = api.app.get(StatusNotificationsWorker);
    // The loops of the app run on real time; this test drives them by hand, at the times it sets.
    await scanner.loop.stop();
    await worker.loop.stop();
    const mk = async (q: string) => Object.values(await run<Record<string, { id: string }>>(q))[0]!.id;
    const host = await mk('mutation { createHost(input: {name: "web-1", addresses: ["192.0.2.1"]}) { id } }');
    ids.shop = await mk(`mutation { createService(input: {name: "shop-int", customerFacingName: "Shop", type: web, hostId: "${host}"}) { id } }`);
    ids.mail = await mk(`mutation { createService(input: {name: "mail-int", customerFacingName: "Mail", type: mail, hostId: "${host}"}) { id } }`);
    const page = (await run<{ createStatusPage: { id: string; components: { id: string }[] } }>(
      `mutation { createStatusPage(input: {slug: "status", title: "Acme", components: [{kind: service, subjectId: "${ids.shop}"}, {kind: service, subjectId: "${ids.mail}"}]}) { id components { id } } }`,
    )).createStatusPage;
    ids.page = page.id;
    const db = api.app.get(DataSource);
    // A reader of everything, confirmed; and one of the mail service only, who must hear nothing of the shop's window.
    await db.query("INSERT INTO status_subscribers (tenant_id, page_id, kind, address, confirmed_at) SELECT tenant_id, id, 'email', 'all@example.test', now() FROM status_pages WHERE id = $1", [page.id]);
    await db.query("INSERT INTO status_subscribers (tenant_id, page_id, kind, address, confirmed_at, component_ids) SELECT tenant_id, id, 'email', 'mailonly@example.test', now(), ARRAY[$2]::uuid[] FROM status_pages WHERE id = $1", [page.id, page.components[1]!.id]);
    await run(`mutation { addStatusWebhookSubscriber(pageId: "${page.id}", input: {url: "${hook.url}/m", secret: "${HOOK_SECRET}", componentIds: ["${page.components[0]!.id}"]}) { id } }`);
    // Every day from `base` for one hour, on the shop.
    ids.window = await mk(
      `mutation { createMaintenanceWindow(input: {name: "internal: kernel update web-1", startsAt: "${new Date(base).toISOString()}", endsAt: "${new Date(base + HOUR).toISOString()}", recurrence: "FREQ=DAILY", timeZone: "UTC", serviceIds: ["${ids.shop}"]}) { id } }`,
    );
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await hook.stop();
    await smtp.stop();
  });

  it('mails the announcement, then each occurrence’s start and end once, to the subscribers of the shop only', async () => {
    await run(`mutation { publishMaintenanceNotice(windowId: "${ids.window}", title: "Shop <upgrade>", body: "Checkout paused.") { id } }`);
    // (The queue's row is due from the database's now(): the clock is set past it.)
    expect(await tick(Date.now() + 1000)).toBe(0);
    await eventually('the announcement', async () => (await subjects()).length === 1);
    // Before the start: nothing due.
    expect(await tick(base - 60_000)).toBe(0);

    // Started: one event, however often scanned.
    expect(await tick(base + 60_000)).toBe(1);
    expect(await tick(base + 120_000)).toBe(0);
    await eventually('the start mail', async () => (await subjects()).length === 2);
    const page = await (await fetch(`${api.url}/status/acme/status`)).text();
    expect(page).toContain('<span class="state">In progress</span>');

    // Another process (its own memory) scanning the same moment queues nothing more: the queue's key is per occurrence.
    const other = new StatusMaintenanceScanner(
      api.app.get(DataSource), api.app.get(DataSource).getRepository(StatusMaintenanceNotice), api.app.get(StatusPagesService), api.app.get(HostMaintenance, { strict: false }), api.app.get(StatusPageCache), { now: () => new Date(now) },
    );
    expect(await other.runOnce()).toBe(1);
    for (let i = 0; i < 3; i++) await worker.runOnce();

    // Ended: the end, once; the start is not told again.
    expect(await tick(base + HOUR + 60_000)).toBe(1);
    expect(await tick(base + HOUR + 30 * 60_000)).toBe(0);
    await eventually('the end mail', async () => (await subjects()).length === 3);
    // Long after the end, and before the next day's start: nothing.
    expect(await tick(base + 5 * HOUR)).toBe(0);
    // The next day's occurrence is its own: started again.
    expect(await tick(base + 24 * HOUR + 60_000)).toBe(1);
    await eventually('the second start mail', async () => (await subjects()).length === 4);

    expect(await subjects()).toEqual([
      'Acme: scheduled maintenance — Shop <upgrade>',
      'Acme: maintenance started — Shop <upgrade>',
      'Acme: maintenance completed — Shop <upgrade>',
      'Acme: maintenance started — Shop <upgrade>',
    ]);
    const mails = await Promise.all(raw.map((r) => simpleParser(r)));
    expect(mails.every((m) => JSON.stringify(m.to).includes('all@example.test'))).toBe(true);
    expect(mails.map((m) => m.text).join('\n')).not.toContain('kernel update');
    expect(mails[1]!.text).toContain('Checkout paused.');
    await eventually('four webhook events', () => hook.hits.length === 4);
    expect(events()).toEqual(['status_maintenance.notice', 'status_maintenance.started', 'status_maintenance.ended', 'status_maintenance.started']);
    const starts = hook.hits.map((h) => (JSON.parse(h.body) as { maintenance: { startsAt: string } }).maintenance.startsAt);
    expect(starts.slice(1)).toEqual([new Date(base).toISOString(), new Date(base).toISOString(), new Date(base + 24 * HOUR).toISOString()]);
    // Durable: each is a row of the queue, sent, one per subscriber and occurrence.
    const rows = await api.app.get(DataSource).query("SELECT event_key, status FROM status_notifications WHERE event_key LIKE 'maintenance-%' ORDER BY created_at, event_key");
    expect(rows.map((r: { status: string }) => r.status)).toEqual(Array(6).fill('sent'));
  });

  it('sends no "completed" for an occurrence that ended more than an hour before the process looked', async () => {
    const before = (await subjects()).length;
    // The second day's occurrence ended two hours ago: nothing is queued (old news), and nothing else is due.
    expect(await tick(base + 24 * HOUR + 3 * HOUR)).toBe(0);
    for (let i = 0; i < 3; i++) await worker.runOnce();
    expect(await subjects()).toHaveLength(before);
  });
});
