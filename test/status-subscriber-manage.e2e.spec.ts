import { type ParsedMail, simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusNotificationsWorker } from '#lib/status-pages';
import { eventually } from './support/eventually.js';
import { startTestApi, type TestApi } from './support/test-api.js';
import { RecordingSmtpServer } from './support/recording-smtp.js';

interface Page {
  id: string;
  path: string;
  components: { id: string }[];
}

/**
 * Status-page subscribers after confirming (issue 17), on the real API, PostgreSQL and a real SMTP server: every mail
 * carries a signed manage link whose form changes the subscriber's components (no login); a tampered link, or one
 * used on another page, is a 404 that changes nothing; a component not on the page is refused.
 */
describe('status page subscribers: the manage link', () => {
  let api: TestApi;
  let token: string;
  const smtp = new RecordingSmtpServer();
  let worker: StatusNotificationsWorker;
  const raw = smtp.raw;
  const pages: Record<string, Page> = {};
  const mails = async (to: string): Promise<ParsedMail[]> => (await Promise.all(raw.map((r) => simpleParser(r)))).filter((m) => JSON.stringify(m.to).includes(to));
  const get = (path: string, cookie?: string) => fetch(`${api.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const post = (path: string, body: URLSearchParams, cookie?: string) =>
    fetch(`${api.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body: body.toString() });
  const local = (link: string) => {
    const u = new URL(link);
    return `${u.pathname}${u.search}`;
  };
  const drain = async () => {
    for (let i = 0; i < 3; i++) await worker.runOnce();
  };
  const choiceOf = async (address: string) => ((await api.app.get(DataSource).query('SELECT component_ids FROM status_subscribers WHERE address = $1', [address])) as { component_ids: string[] }[])[0]!.component_ids;
  /** Subscribes `address` on `path` (with `cookie` for a private page), confirms by the mailed link, returns its confirmation mail. */
  const subscribeAndConfirm = async (path: string, address: string, cookie?: string): Promise<ParsedMail> => {
    expect((await post(`${path}/subscribe`, new URLSearchParams({ email: address }), cookie)).status).toBe(202);
    await drain();
    const [mail] = await eventually('the confirmation mail', async () => ((await mails(address)).length ? mails(address) : undefined));
    const confirm = /https?:\/\/\S+\/confirm\?\S+/.exec(mail!.text ?? '')![0];
    expect((await post(local(confirm), new URLSearchParams())).status).toBe(200);
    return mail!;
  };

  beforeAll(async () => {
    await smtp.start();
    api = await startTestApi({ ...smtp.env });
    token = (await api.tenant('acme')).token;
    worker = api.app.get(StatusNotificationsWorker);
    const mk = async (q: string) => Object.values(await api.ok<Record<string, { id: string }>>(q, {}, token))[0]!.id;
    const host = await mk('mutation { createHost(input: {name: "web-10", addresses: ["192.0.2.10"]}) { id } }');
    const web = await mk(`mutation { createService(input: {name: "web-int", customerFacingName: "Web <b>hosting</b>", type: web, hostId: "${host}"}) { id } }`);
    const mail = await mk(`mutation { createService(input: {name: "mail-int", customerFacingName: "Mail", type: mail, hostId: "${host}"}) { id } }`);
    const page = async (slug: string) =>
      (
        await api.ok<{ createStatusPage: Page }>(
          `mutation { createStatusPage(input: {slug: "${slug}", title: "Acme ${slug}", components: [{kind: service, subjectId: "${web}", groupName: "Hosting"}, {kind: service, subjectId: "${mail}"}]}) { id path components { id } } }`,
          {}, token,
        )
      ).createStatusPage;
    pages.main = await page('main');
    pages.second = await page('second');
  }, 90_000);
  afterAll(async () => {
    await api?.close();
    await smtp.stop();
  });

  it('a confirmed subscriber chooses components by the mail’s manage link; posts then reach it only for those', async () => {
    const confirmation = await subscribeAndConfirm(pages.main!.path, 'carol@example.test');
    const manage = /https?:\/\/\S+\/manage\?s=\S+/.exec(confirmation.text ?? '')![0];
    expect(confirmation.html).toContain('/manage?s=');
    const [webC, mailC] = pages.main!.components.map((c) => c.id) as [string, string];

    const form = await get(local(manage));
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain(`<form method="post" action="${local(manage).replace(/&/g, '&#38;')}">`);
    expect(html).toContain(`value="${webC}">Hosting · Web &#60;b&#62;hosting&#60;/b&#62;</label>`);
    expect(html).not.toContain('<b>hosting');
    expect(html).not.toContain('<script');
    expect(html).not.toContain(' checked'); // none chosen yet: all

    const saved = await post(local(manage), new URLSearchParams([['component', mailC]]));
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Your choice is saved.');
    expect(await choiceOf('carol@example.test')).toEqual([mailC]);
    expect(await (await get(local(manage))).text()).toContain(`value="${mailC}" checked>`);

    const before = (await mails('carol@example.test')).length;
    await api.ok(`mutation { createStatusPost(pageId: "${pages.main!.id}", input: {title: "Web slow", published: true, componentIds: ["${webC}"]}, update: {state: investigating, body: "x"}) { id } }`, {}, token);
    await api.ok(`mutation { createStatusPost(pageId: "${pages.main!.id}", input: {title: "Mail delayed", published: true, componentIds: ["${mailC}"]}, update: {state: investigating, body: "y"}) { id } }`, {}, token);
    await drain();
    const got = await eventually('the post mail', async () => ((await mails('carol@example.test')).length > before ? mails('carol@example.test') : undefined));
    expect(got.slice(before).map((m) => m.subject)).toEqual(['Acme main: Mail delayed — Investigating']);
    // Every mail, not only the confirmation, carries the manage link beside the unsubscribe one.
    expect(got.at(-1)!.text).toMatch(/\/manage\?s=[0-9a-f-]{36}&m=/);

    // None ticked: all components again.
    expect((await post(local(manage), new URLSearchParams())).status).toBe(200);
    expect(await choiceOf('carol@example.test')).toEqual([]);
  });

  it('refuses a component not on the page, and a tampered link or one used on another page, changing nothing', async () => {
    const [confirmation] = await mails('carol@example.test');
    const manage = local(/https?:\/\/\S+\/manage\?s=\S+/.exec(confirmation!.text ?? '')![0]);
    const [mailC] = pages.main!.components.map((c) => c.id).slice(1);
    await post(manage, new URLSearchParams([['component', mailC!]]));
    const foreign = await post(manage, new URLSearchParams([['component', pages.second!.components[0]!.id]]));
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('Components: a chosen component is not on this page.');
    expect(await choiceOf('carol@example.test')).toEqual([mailC]);

    const tampered = manage.replace(/m=(.)/, (_x, c: string) => `m=${c === 'A' ? 'B' : 'A'}`);
    expect((await get(tampered)).status).toBe(404);
    expect((await post(tampered, new URLSearchParams())).status).toBe(404);
    const elsewhere = manage.replace(pages.main!.path, pages.second!.path);
    expect((await get(elsewhere)).status).toBe(404);
    expect((await post(elsewhere, new URLSearchParams())).status).toBe(404);
    // An unsubscribe link's signature is not a manage link's.
    const unsubscribe = local(/https?:\/\/\S+\/unsubscribe\?\S+/.exec(confirmation!.text ?? '')![0]);
    expect((await get(unsubscribe.replace('/unsubscribe?', '/manage?'))).status).toBe(404);
    expect(await choiceOf('carol@example.test')).toEqual([mailC]);
  });
});
