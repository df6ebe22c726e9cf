import { type ParsedMail, simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusNotificationsWorker } from '#lib/status-pages';
import { eventually } from '../support/eventually.js';
import { expectedSignature, RecordingServer } from '../support/recording-server.js';
import { RecordingSmtpServer } from '../support/recording-smtp.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { hasChromium, launchChromium } from './support/chromium.js';

const HOOK_SECRET = 'browser-hook-secret-0123456789';

/**
 * A visitor's subscription in chromium (issue 17's test list), against the real API, PostgreSQL and a real SMTP server:
 * the public page's form → the confirmation mail the SMTP server caught → its link opened and confirmed in the browser →
 * a published post update arrives by mail (and, to the operators' webhook subscriber, signed) → the mail's unsubscribe
 * link opened and pressed in the browser → the next update mails nobody.
 */
describe.skipIf(!hasChromium)('subscribing to a status page in the browser', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let token: string;
  let pageId: string;
  let path: string;
  const smtp = new RecordingSmtpServer();
  const hook = new RecordingServer();
  const problems: string[] = [];
  const mails = async (to: string): Promise<ParsedMail[]> => (await Promise.all(smtp.raw.map((r) => simpleParser(r)))).filter((m) => JSON.stringify(m.to).includes(to));
  /** A link from a mail, opened on this API (the mail names the host the visitor used; the test's is the same). */
  const local = (link: string) => {
    const u = new URL(link);
    return `${api.url}${u.pathname}${u.search}`;
  };
  const drain = async () => {
    for (let i = 0; i < 3; i++) await api.app.get(StatusNotificationsWorker).runOnce();
  };

  beforeAll(async () => {
    await smtp.start();
    await hook.start();
    api = await startTestApi({ ...smtp.env });
    token = (await api.tenant('acme')).token;
    const created = (await api.ok<{ createStatusPage: { id: string; path: string } }>('mutation { createStatusPage(input: {slug: "status", title: "Acme Status"}) { id path } }', {}, token)).createStatusPage;
    pageId = created.id;
    path = created.path;
    await api.ok('mutation($p: ID!, $i: StatusWebhookSubscriberInput!) { addStatusWebhookSubscriber(pageId: $p, input: $i) { id } }', { p: pageId, i: { url: `${hook.url}/status`, secret: HOOK_SECRET } }, token);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      // The browser's own favicon request is expected to 404; anything else is a problem.
      if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(m.text());
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await hook.stop();
    await smtp.stop();
  });

  it('subscribes on the page, confirms from the mail, gets an update by mail and webhook, and unsubscribes from the mail', async () => {
    await page.goto(`${api.url}${path}`);
    await page.getByLabel('E-mail address').fill('visitor@example.test');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('a confirmation mail is on its way').waitFor();

    // Nothing but the confirmation is ever sent before the link is pressed.
    await drain();
    const [confirmation, ...more] = await eventually('the confirmation mail', async () => ((await mails('visitor@example.test')).length ? mails('visitor@example.test') : undefined));
    expect(more).toHaveLength(0);
    expect(confirmation!.subject).toBe('Confirm your subscription to Acme Status');
    await page.goto(local(/https?:\/\/\S+\/confirm\?\S+/.exec(confirmation!.text ?? '')![0]));
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.getByText('Your subscription is confirmed').waitFor();

    const post = (
      await api.ok<{ createStatusPost: { id: string } }>(`mutation { createStatusPost(pageId: "${pageId}", input: {title: "Checkout slow", published: true}, update: {state: investigating, body: "We are looking into slow checkouts."}) { id } }`, {}, token)
    ).createStatusPost;
    await drain();
    const update = await eventually('the update mail', async () => (await mails('visitor@example.test')).find((m) => m.subject?.includes('Checkout slow')));
    expect(update.subject).toBe('Acme Status: Checkout slow — Investigating');
    expect(update.text).toContain('We are looking into slow checkouts.');
    const hit = await eventually('the webhook', () => hook.hits[0]);
    expect(hit.headers['x-vigia-signature']).toBe(expectedSignature(HOOK_SECRET, hit));
    expect(JSON.parse(hit.body)).toMatchObject({ post: { title: 'Checkout slow', state: 'investigating' } });

    // The mail's own unsubscribe link, opened in the browser: a button, pressed.
    const unsubscribe = /https?:\/\/\S+\/unsubscribe\?\S+/.exec(update.text ?? '')![0];
    await page.goto(local(unsubscribe));
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByText('You are unsubscribed').waitFor();

    await api.ok(`mutation { addStatusPostUpdate(postId: "${post.id}", input: {state: resolved, body: "Fixed."}) { id } }`, {}, token);
    await drain();
    await eventually('the webhook told of the resolution', () => hook.hits[1]);
    expect((await mails('visitor@example.test')).map((m) => m.subject)).toEqual(['Confirm your subscription to Acme Status', 'Acme Status: Checkout slow — Investigating']);
    expect(problems).toEqual([]);
  });
});
