import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusNotificationsWorker } from '#lib/status-pages';
import { eventually } from './support/eventually.js';
import { RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

const HOOK_SECRET = 'components-hook-secret-0123';
const SET = 'mutation($id: ID!, $c: [ID!]!) { updateStatusSubscriberComponents(id: $id, componentIds: $c) { id componentIds } }';

/**
 * The operators change what a subscriber hears about (issue 17): a webhook's components (before, only by deleting
 * and adding it again) and an e-mail subscriber's (on its reader's request), through GraphQL; checked against the
 * subscriber's page, refused by field, nothing half-saved; another tenant's subscriber is not found. What is sent
 * follows the new choice (real SMTP server, the recording webhook server).
 */
describe('changing a subscriber’s components', () => {
  let api: TestApi;
  let token: string;
  let otherToken: string;
  const smtp = new RecordingSmtpServer();
  let worker: StatusNotificationsWorker;
  const raw = smtp.raw;
  const hook = new RecordingServer();
  const ids: Record<string, string> = {};
  const run = <T,>(q: string, v: Record<string, unknown> = {}): Promise<T> => api.ok<T>(q, v, token);
  const subjects = async (to: string) => (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m: ParsedMail) => JSON.stringify(m.to).includes(to)).map((m) => m.subject ?? '').sort();
  const hookTitles = () => hook.hits.map((h) => (JSON.parse(h.body) as { post: { title: string } }).post.title).sort();
  const stored = async (id: string) => ((await api.app.get(DataSource).query('SELECT component_ids FROM status_subscribers WHERE id = $1', [id])) as { component_ids: string[] }[])[0]!.component_ids;
  const drain = async () => {
    for (let i = 0; i < 3; i++) await worker.runOnce();
  };
  const publish = (title: string, componentIds: string[]) =>
    run('mutation($p: ID!, $i: StatusPostInput!) { createStatusPost(pageId: $p, input: $i, update: {state: investigating, body: "x"}) { id } }', { p: ids.page, i: { title, componentIds, published: true } });

  beforeAll(async () => {
    await hook.start();
    await smtp.start();
    api = await startTestApi({ ...smtp.env });
    token = (await api.tenant('acme')).token;
    otherToken = (await api.tenant('other')).token;
    worker = api.app.get(StatusNotificationsWorker);
    const mk = async (q: string, t = token) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, t))[0]!.id;
    const host = await mk('mutation { createHost(input: {name: "web-1", addresses: ["192.0.2.1"]}) { id } }');
    const web = await mk(`mutation { createService(input: {name: "web-int", customerFacingName: "Web", type: web, hostId: "${host}"}) { id } }`);
    const mail = await mk(`mutation { createService(input: {name: "mail-int", customerFacingName: "Mail", type: mail, hostId: "${host}"}) { id } }`);
    const page = (await run<{ createStatusPage: { id: string; components: { id: string }[] } }>(
      `mutation { createStatusPage(input: {slug: "status", title: "Acme", components: [{kind: service, subjectId: "${web}"}, {kind: service, subjectId: "${mail}"}]}) { id components { id } } }`,
    )).createStatusPage;
    ids.page = page.id;
    ids.web = page.components[0]!.id;
    ids.mail = page.components[1]!.id;
    ids.otherPage = (await run<{ createStatusPage: { components: { id: string }[] } }>(`mutation { createStatusPage(input: {slug: "second", title: "Second", components: [{kind: service, subjectId: "${web}"}]}) { components { id } } }`)).createStatusPage.components[0]!.id;
    ids.hook = (await run<{ addStatusWebhookSubscriber: { id: string } }>(`mutation { addStatusWebhookSubscriber(pageId: "${page.id}", input: {url: "${hook.url}/c", secret: "${HOOK_SECRET}", componentIds: ["${ids.web}"]}) { id } }`)).addStatusWebhookSubscriber.id;
    ids.email = ((await api.app.get(DataSource).query(
      "INSERT INTO status_subscribers (tenant_id, page_id, kind, address, confirmed_at) SELECT tenant_id, id, 'email', 'reader@example.test', now() FROM status_pages WHERE id = $1 RETURNING id",
      [page.id],
    )) as { id: string }[])[0]!.id;
    // Another tenant's page, component and webhook.
    const theirHost = await mk('mutation { createHost(input: {name: "x-1", addresses: ["192.0.2.9"]}) { id } }', otherToken);
    const theirService = await mk(`mutation { createService(input: {name: "x", type: web, hostId: "${theirHost}"}) { id } }`, otherToken);
    const theirs = (await api.ok<{ createStatusPage: { id: string; components: { id: string }[] } }>(`mutation { createStatusPage(input: {slug: "theirs", title: "Theirs", components: [{kind: service, subjectId: "${theirService}"}]}) { id components { id } } }`, {}, otherToken)).createStatusPage;
    ids.theirComponent = theirs.components[0]!.id;
    ids.theirHook = (await api.ok<{ addStatusWebhookSubscriber: { id: string } }>(`mutation { addStatusWebhookSubscriber(pageId: "${theirs.id}", input: {url: "${hook.url}/theirs", secret: "${HOOK_SECRET}"}) { id } }`, {}, otherToken)).addStatusWebhookSubscriber.id;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await hook.stop();
    await smtp.stop();
  });

  it('changes a webhook’s components in place (no delete and add), and what it receives follows', async () => {
    await publish('Web slow', [ids.web!]);
    await publish('Mail slow', [ids.mail!]);
    await drain();
    await eventually('the web post', () => hook.hits.length === 1);
    expect(hookTitles()).toEqual(['Web slow']);

    const changed = (await run<{ updateStatusSubscriberComponents: { id: string; componentIds: string[] } }>(SET, { id: ids.hook, c: [ids.mail] })).updateStatusSubscriberComponents;
    expect(changed).toEqual({ id: ids.hook, componentIds: [ids.mail] });
    await publish('Web down', [ids.web!]);
    await publish('Mail down', [ids.mail!]);
    await drain();
    await eventually('the mail post', () => hook.hits.length === 2);
    expect(hookTitles()).toEqual(['Mail down', 'Web slow']);
    // The same URL and secret as before: still one subscriber, its deliveries signed as ever.
    expect((await api.app.get(DataSource).query("SELECT count(*)::int AS n FROM status_subscribers WHERE kind = 'webhook' AND address = $1", [`${hook.url}/c`]))[0].n).toBe(1);
  });

  it('changes an e-mail subscriber’s components on its reader’s behalf; empty means all again', async () => {
    await run(SET, { id: ids.email, c: [ids.web] });
    expect(await stored(ids.email!)).toEqual([ids.web]);
    // The earlier tests' mails to this reader may still be queued or on their way to the SMTP stand-in: count from
    // when every one of them is sent and has arrived.
    const reader = async () => ((await api.app.get(DataSource).query(
      "SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS waiting FROM status_notifications WHERE subscriber_id = $1",
      [ids.email],
    )) as { sent: number; waiting: number }[])[0]!;
    const before = await eventually('the earlier mails delivered', async () => {
      await drain();
      const [{ sent, waiting }, n] = [await reader(), (await subjects('reader@example.test')).length];
      return waiting === 0 && n === sent ? n : undefined;
    });
    await publish('Mail queue', [ids.mail!]);
    await publish('Web queue', [ids.web!]);
    await drain();
    await eventually('the web mail', async () => (await subjects('reader@example.test')).length === before + 1);
    expect((await subjects('reader@example.test')).filter((s) => s.includes('queue'))).toEqual(['Acme: Web queue — Investigating']);

    await run(SET, { id: ids.email, c: [] });
    expect(await stored(ids.email!)).toEqual([]);
    await publish('Mail again', [ids.mail!]);
    await drain();
    await eventually('the mail post to a reader of all', async () => (await subjects('reader@example.test')).includes('Acme: Mail again — Investigating'));
  });

  it('refuses a component of another page or tenant, or not an id, naming it; nothing changed', async () => {
    await api.fails(SET, { id: ids.hook, c: [ids.web, ids.otherPage] }, token, { code: 'VALIDATION_FAILED', field: 'componentIds.1' });
    await api.fails(SET, { id: ids.hook, c: [ids.theirComponent] }, token, { code: 'VALIDATION_FAILED', field: 'componentIds.0' });
    await api.fails(SET, { id: ids.hook, c: ['not-an-id'] }, token, { code: 'VALIDATION_FAILED', field: 'componentIds.0' });
    expect(await stored(ids.hook!)).toEqual([ids.mail]);
    await api.fails(SET, { id: 'x', c: [] }, token, { field: 'id' });
  });

  it('another tenant’s subscriber is not found, and only admins change subscribers', async () => {
    await api.fails(SET, { id: ids.theirHook, c: [] }, token, { code: 'NOT_FOUND', field: 'id' });
    await api.fails(SET, { id: ids.hook, c: [] }, otherToken, { code: 'NOT_FOUND', field: 'id' });
    const operator = await api.as('operator', { slug: 'acme', token });
    await operator.fails(SET, { id: ids.hook, c: [] });
    expect(await stored(ids.hook!)).toEqual([ids.mail]);
    expect(await stored(ids.theirHook!)).toEqual([]);
  });
});
