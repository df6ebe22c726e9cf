import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusNotificationsWorker } from '#lib/status-pages';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

const HOUR = 3_600_000;
const HOOK_SECRET = 'rate-hook-secret-0123456789';
const PER_HOUR = 3;

/**
 * The per-subscriber sending rate (issue 17): at most VIGIA_STATUS_SUBSCRIBER_SENDS_PER_HOUR mails or webhook calls
 * per subscriber in any hour, counted from the queue's rows in PostgreSQL — so two API processes on one database,
 * draining the queue at the same time, send no more than one would. Beyond the limit a row is held (counted,
 * visible in GraphQL) and sent when the hour frees a send; a post's held update followed by a newer held one is
 * coalesced. Real SMTP server, the recording webhook server, the API's clock injected.
 */
describe('per-subscriber sending rate', () => {
  let api: TestApi;
  let second: TestApi;
  let token: string;
  let otherToken: string;
  const smtp = new RecordingSmtpServer();
  let workers: StatusNotificationsWorker[];
  let pageId: string;
  // Ahead of the real now, so the rows (due from the database's now()) are due; moved by the test.
  let now = Date.now() + 60_000;
  const clock = { now: () => new Date(now) };
  const raw = smtp.raw;
  const hook = new RecordingServer();
  const run = <T,>(q: string, v: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, v, token);
  // Sorted: two processes send at once, so arrival order is not theirs to keep.
  const subjects = async (to: string) =>
    (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m: ParsedMail) => JSON.stringify(m.to).includes(to)).map((m) => m.subject ?? '').sort();
  const posts = () => hook.hits.map((h) => (JSON.parse(h.body) as { post: { title: string; state: string } }).post).map((p) => `${p.title} ${p.state}`).sort();
  /** Both processes drain the queue at once, a few times. */
  const drainBoth = async () => {
    for (let i = 0; i < 3; i++) await Promise.all(workers.map((w) => w.runOnce()));
  };

  beforeAll(async () => {
    await hook.start();
    await smtp.start();
    const env = { ...smtp.env, VIGIA_STATUS_SUBSCRIBER_SENDS_PER_HOUR: String(PER_HOUR) };
    api = await startTestApi(env, undefined, { clock });
    // A second API process on the same database.
    second = await startTestApi(env, api.db, { clock });
    token = (await api.tenant('acme')).token;
    otherToken = (await api.tenant('other')).token;
    workers = [api.app.get(StatusNotificationsWorker), second.app.get(StatusNotificationsWorker)];
    // The test drives both queues by hand, at the times it sets.
    for (const w of workers) await w.loop.stop();
    pageId = (await run<{ createStatusPage: { id: string } }>('mutation { createStatusPage(input: {slug: "status", title: "Acme"}) { id } }')).createStatusPage.id;
    await api.app.get(DataSource).query("INSERT INTO status_subscribers (tenant_id, page_id, kind, address, confirmed_at) SELECT tenant_id, id, 'email', 'alice@example.test', now() FROM status_pages WHERE id = $1", [pageId]);
    await run(`mutation { addStatusWebhookSubscriber(pageId: "${pageId}", input: {url: "${hook.url}/rate", secret: "${HOOK_SECRET}"}) { id } }`);
  }, 120_000);
  afterAll(async () => {
    await second?.close({ keepDatabase: true });
    await api?.close();
    await hook.stop();
    await smtp.stop();
  });

  it('sends at most the hourly limit per subscriber across two processes, holds the rest (counted), then sends them an hour later with a post’s held updates coalesced', async () => {
    const a = (await run<{ createStatusPost: { id: string } }>(`mutation { createStatusPost(pageId: "${pageId}", input: {title: "Outage A", published: true}, update: {state: investigating, body: "a1"}) { id } }`)).createStatusPost.id;
    await run(`mutation { addStatusPostUpdate(postId: "${a}", input: {state: identified, body: "a2"}) { id } }`);
    await run(`mutation { addStatusPostUpdate(postId: "${a}", input: {state: monitoring, body: "a3"}) { id } }`);
    await run(`mutation { addStatusPostUpdate(postId: "${a}", input: {state: monitoring, body: "a4"}) { id } }`);
    await run(`mutation { addStatusPostUpdate(postId: "${a}", input: {state: resolved, body: "a5"}) { id } }`);
    await run(`mutation { createStatusPost(pageId: "${pageId}", input: {title: "Outage B", published: true}, update: {state: investigating, body: "b1"}) { id } }`);

    await drainBoth();
    expect(await subjects('alice@example.test')).toEqual(['Acme: Outage A — Identified', 'Acme: Outage A — Investigating', 'Acme: Outage A — Monitoring']);
    expect(posts()).toEqual(['Outage A identified', 'Outage A investigating', 'Outage A monitoring']);

    // Held, not lost nor dropped silently: counted per subscriber (admins, GraphQL).
    const counts = async () =>
      (await run<{ statusSubscribers: { nodes: { kind: string; heldNotifications: number; coalescedNotifications: number }[] } }>(
        'query($p: ID!) { statusSubscribers(pageId: $p) { nodes { kind heldNotifications coalescedNotifications } } }',
        { p: pageId },
      )).statusSubscribers.nodes.map((n) => [n.kind, n.heldNotifications, n.coalescedNotifications]);
    expect(await counts()).toEqual([['email', 3, 0], ['webhook', 3, 0]]);
    // And to the platform's operators, in /metrics (the rows waiting now, whichever process held them).
    expect(await (await fetch(`${second.url}/metrics`)).text()).toMatch(/^vigia_status_notifications_held 6$/m);

    // Still within the hour: nothing more, whoever drains.
    now += HOUR - 60_000;
    await drainBoth();
    expect(await subjects('alice@example.test')).toHaveLength(3);
    expect(hook.hits).toHaveLength(3);

    // The hour of the first sends is over: the held rows go, A's held earlier update coalesced into its latest (resolved).
    now += 2 * 60_000;
    await drainBoth();
    expect(await subjects('alice@example.test')).toEqual([
      'Acme: Outage A — Identified', 'Acme: Outage A — Investigating', 'Acme: Outage A — Monitoring', 'Acme: Outage A — Resolved', 'Acme: Outage B — Investigating',
    ]);
    expect(posts()).toEqual(['Outage A identified', 'Outage A investigating', 'Outage A monitoring', 'Outage A resolved', 'Outage B investigating']);
    expect(await counts()).toEqual([['email', 0, 1], ['webhook', 0, 1]]);
    const metrics = (await Promise.all([api, second].map(async (a) => (await fetch(`${a.url}/metrics`)).text()))).join('\n');
    expect(metrics).toMatch(/^vigia_status_notifications_held 0$/m);
    const total = (name: string) => [...metrics.matchAll(new RegExp(`^${name} (\\d+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(total('vigia_status_notifications_coalesced')).toBe(2);
    expect(total('vigia_status_notifications_held_by_process')).toBeGreaterThanOrEqual(6);
    const rows = (await api.app.get(DataSource).query("SELECT status, count(*)::int AS n FROM status_notifications GROUP BY status ORDER BY status")) as { status: string; n: number }[];
    expect(rows).toEqual([{ status: 'coalesced', n: 2 }, { status: 'sent', n: 10 }]);
  });

  it('confirmations are not counted against the limit (they have their own: one per address and page an hour)', async () => {
    const db = api.app.get(DataSource);
    // A new address's confirmation goes at once (the per-subscriber count is of posts and notices only).
    const res = await fetch(`${api.url}/status/acme/status/subscribe`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=bob%40example.test' });
    expect(res.status).toBe(202);
    await drainBoth();
    expect(await subjects('bob@example.test')).toEqual(['Confirm your subscription to Acme']);
    expect((await db.query("SELECT count(*)::int AS n FROM status_notifications WHERE kind = 'confirm' AND status = 'sent'"))[0].n).toBe(1);
  });

  it('another tenant reads no counts of this page’s subscribers', async () => {
    await api.fails('query($p: ID!) { statusSubscribers(pageId: $p) { nodes { heldNotifications } } }', { p: pageId }, otherToken, { code: 'NOT_FOUND', field: 'pageId' });
  });

  it('coalesces a held update when the newer one of its post is already being sent by another process (not only when queued)', async () => {
    const db = api.app.get(DataSource);
    now += 3 * HOUR;
    const c = (await run<{ createStatusPost: { id: string } }>(`mutation { createStatusPost(pageId: "${pageId}", input: {title: "Outage C", published: true}, update: {state: investigating, body: "c1"}) { id } }`)).createStatusPost.id;
    for (const [state, body] of [['identified', 'c2'], ['monitoring', 'c3'], ['monitoring', 'c4'], ['resolved', 'c5']]) {
      await run(`mutation { addStatusPostUpdate(postId: "${c}", input: {state: ${state}, body: "${body}"}) { id } }`);
    }
    await workers[0]!.runOnce();
    const held = async (): Promise<{ id: string; subscriber_id: string; status: string }[]> =>
      db.query("SELECT id, subscriber_id, status FROM status_notifications WHERE payload->>'postId' = $1 AND held_at IS NOT NULL ORDER BY subscriber_id, created_at", [c]);
    const rows = await held();
    // Per subscriber: the older held update (c4) and the newer one (c5).
    expect(rows.map((r) => r.status)).toEqual(['queued', 'queued', 'queued', 'queued']);
    // The other process took each newer one first (its lease runs): the older one must not be sent after it.
    const newer = [rows[1]!.id, rows[3]!.id];
    await db.query("UPDATE status_notifications SET status = 'sending', next_attempt_at = $2 WHERE id = ANY($1::uuid[])", [newer, new Date(now + 10 * HOUR)]);
    now += HOUR + 120_000;
    await workers[0]!.runOnce();
    expect((await held()).map((r) => r.status)).toEqual(['coalesced', 'sending', 'coalesced', 'sending']);
  });
});
