import { request } from 'node:http';
import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusNotificationsWorker } from '#lib/status-pages';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

/** A form POST from a chosen loopback address (the client address the limits count by). */
function post(url: string, from: string, body: Record<string, string>): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const text = new URLSearchParams(body).toString();
    const req = request(url, { method: 'POST', localAddress: from, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(text) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/**
 * The public forms' per-minute limits shared by API processes (issue 17): two API apps on one database, the
 * requests of one client (or to one page) spread over both, are limited as one process would limit them — the counts
 * live in PostgreSQL (`status_throttle`), not in each process's memory. The window moves with the injected clock, and
 * windows long over are deleted. Real SMTP server for the customer sign-in mail.
 */
describe('status-page form limits shared between API processes', () => {
  let one: TestApi;
  let two: TestApi;
  let token: string;
  const smtp = new RecordingSmtpServer();
  let now = Date.now();
  const clock = { now: () => new Date(now) };
  const raw = smtp.raw;
  const paths: Record<string, string> = {};
  const mails = async (to: string): Promise<ParsedMail[]> => (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m) => JSON.stringify(m.to).includes(to));
  const apps = () => [one, two];

  beforeAll(async () => {
    await smtp.start();
    const env = { ...smtp.env };
    one = await startTestApi(env, undefined, { clock });
    two = await startTestApi(env, one.db, { clock });
    // The confirmations this test queues are not its subject: no process sends them.
    for (const app of apps()) await app.app.get(StatusNotificationsWorker).loop.stop();
    token = (await one.tenant('acme')).token;
    const mk = async (q: string) => Object.values(await one.ok<Record<string, { id: string }>>(q, {}, token))[0]!.id;
    const customer = await mk('mutation { createCustomer(input: {name: "Bakery", email: "ops@bakery.test"}) { id } }');
    const host = await mk('mutation { createHost(input: {name: "web-1", addresses: ["192.0.2.1"]}) { id } }');
    const shop = await mk(`mutation { createService(input: {name: "shop", customerFacingName: "Shop", type: web, hostId: "${host}", customerIds: ["${customer}"]}) { id } }`);
    await mk(`mutation { createMonitor(input: {name: "shop http", type: http, hostId: "${host}", serviceId: "${shop}", config: {url: "http://192.0.2.1/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`);
    const page = (slug: string, extra: string) => one.ok<{ createStatusPage: { path: string } }>(`mutation { createStatusPage(input: {slug: "${slug}", title: "${slug}"${extra}}) { path } }`, {}, token);
    paths.pub = (await page('pub', '')).createStatusPage.path;
    paths.other = (await page('other', '')).createStatusPage.path;
    paths.bakery = (await page('bakery', `, customerId: "${customer}", visibility: customer`)).createStatusPage.path;
    paths.locked = (await page('locked', ', visibility: password, password: "correct horse battery"')).createStatusPage.path;
  }, 120_000);
  afterAll(async () => {
    await two?.close({ keepDatabase: true });
    await one?.close();
    await smtp.stop();
  });

  it('one client: five subscribe attempts a minute in all, whichever process answers; the next minute it may again', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await post(`${apps()[i % 2]!.url}${paths.pub}/subscribe`, '127.0.0.2', { email: `c${i}@example.test` });
      statuses.push(res.status);
      if (res.status === 429) expect(res.retryAfter).toBe('60');
    }
    // Each process saw four: alone, neither would have refused any.
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    // The same client on another page: its limit is per client address, any page.
    expect((await post(`${two.url}${paths.other}/subscribe`, '127.0.0.2', { email: 'x@example.test' })).status).toBe(429);
    now += 61_000;
    expect((await post(`${two.url}${paths.pub}/subscribe`, '127.0.0.2', { email: 'later@example.test' })).status).toBe(202);
  });

  it('one page: sixty attempts a minute from all clients, counted across both processes', async () => {
    now += 61_000;
    const statuses: number[] = [];
    // Thirteen client addresses, five attempts each (within each client's own limit), alternating processes.
    for (let c = 0; c < 13; c++) {
      for (let i = 0; i < 5; i++) statuses.push((await post(`${apps()[(c * 5 + i) % 2]!.url}${paths.pub}/subscribe`, `127.0.1.${c + 1}`, { email: `p${c}-${i}@example.test` })).status);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(60);
    expect(statuses.slice(60)).toEqual([429, 429, 429, 429, 429]);
    // Another page is not this page's limit.
    expect((await post(`${one.url}${paths.other}/subscribe`, '127.0.2.1', { email: 'other@example.test' })).status).toBe(202);
  });

  it('the customer sign-in: one mail a minute per page and the per-client limit, across processes', async () => {
    now += 61_000;
    const asked: number[] = [];
    for (let i = 0; i < 7; i++) asked.push((await post(`${apps()[i % 2]!.url}${paths.bakery}/signin`, '127.0.0.3', { email: 'ops@bakery.test' })).status);
    expect(asked).toEqual([202, 202, 202, 202, 202, 429, 429]);
    // Asked five times through two processes: one mail (a second process would have mailed again with its own memory).
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mails('ops@bakery.test')).toHaveLength(1);
    now += 61_000;
    expect((await post(`${two.url}${paths.bakery}/signin`, '127.0.0.3', { email: 'ops@bakery.test' })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mails('ops@bakery.test')).toHaveLength(2);
  });

  it('the password form: ten wrong passwords a minute per page and address in all, whichever process answers', async () => {
    now += 61_000;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post(`${apps()[i % 2]!.url}${paths.locked}/login`, '127.0.0.5', { password: `wrong ${i}` })).status);
    expect(statuses).toEqual(Array(10).fill(401));
    // Five failures seen by each process: the eleventh try, even the right password, is refused by both.
    expect((await post(`${one.url}${paths.locked}/login`, '127.0.0.5', { password: 'correct horse battery' })).status).toBe(429);
    expect((await post(`${two.url}${paths.locked}/login`, '127.0.0.5', { password: 'correct horse battery' })).status).toBe(429);
    // Another address is not this one's limit; and the next minute this one may try again.
    expect((await post(`${two.url}${paths.locked}/login`, '127.0.0.6', { password: 'correct horse battery' })).status).toBe(303);
    now += 61_000;
    expect((await post(`${one.url}${paths.locked}/login`, '127.0.0.5', { password: 'correct horse battery' })).status).toBe(303);
  });

  it('the password form: guesses sent all at once are counted before any is checked — at most ten checked, the rest refused', async () => {
    now += 61_000;
    const statuses = await Promise.all(Array.from({ length: 14 }, (_, i) => post(`${apps()[i % 2]!.url}${paths.locked}/login`, '127.0.0.7', { password: `parallel ${i}` }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('keeps the table small: windows over for two minutes are deleted, and no client address is stored', async () => {
    const db = one.app.get(DataSource);
    // The earlier tests' windows (sixteen client addresses and more) were deleted as the clock moved on: only the
    // last two minutes' are left.
    expect((await db.query('SELECT count(*)::int AS n FROM status_throttle'))[0].n).toBeLessThanOrEqual(5);
    expect(JSON.stringify(await db.query('SELECT key FROM status_throttle'))).not.toContain('127.0.');
    now += 5 * 60_000;
    expect((await post(`${one.url}${paths.other}/subscribe`, '127.0.0.4', { email: 'late@example.test' })).status).toBe(202);
    expect((await post(`${two.url}${paths.other}/subscribe`, '127.0.0.4', { email: 'late2@example.test' })).status).toBe(202);
    // Only this minute's keys are left: the client's and the page's.
    expect((await db.query('SELECT count(*)::int AS n FROM status_throttle'))[0].n).toBe(2);
  });
});
