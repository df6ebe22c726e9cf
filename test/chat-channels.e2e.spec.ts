import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsOutboxConsumer, AlertsService, ChatListeners, DeliveryWorker, SLACK_ACK_ACTION, twilioSignature, vonageSignature } from '#lib/alerts';
import { VigiaConfig } from '#lib/config';
import { type Incident, IncidentsService } from '#lib/incidents';
import { SlackStandIn, TelegramStandIn } from './support/chat-stand-ins.js';
import { eventually } from './support/eventually.js';
import { type Hit, RecordingServer } from './support/recording-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/** A provider's stand-in answering from a script (`{status, headers, body}`), then `fallback`. */
class Provider extends RecordingServer {
  script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  constructor(fallback: (hit: Hit) => { status: number; body: string }) {
    super((hit) => {
      const next = this.script.shift();
      return next ? { status: next.status, headers: { 'content-type': 'application/json', ...next.headers }, body: next.body ?? '{}' } : { ...fallback(hit), headers: { 'content-type': 'application/json' } };
    });
  }
}

const TG_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const BOT = 'xoxb-1111-2222-abcdefghijklmnop';
const APP = 'xapp-1-A0VIGIA-3333-abcdef0123456789';
const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TWILIO_TOKEN = 'fedcba9876543210fedcba9876543210';
const VONAGE_KEY = 'a1b2c3d4';
const VONAGE_SECRET = 'S3cretVonage42';
const VONAGE_APP = '0b5a1a52-3f0e-4a4e-9d5f-2a6e9bb1c7d0';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

describe('chat, SMS and voice channels against local stand-ins checked as the providers document them', () => {
  let api: TestApi;
  let token: string;
  let tenantId: string;
  let ownerId: string;
  const web = new Provider(() => ({ status: 200, body: 'ok' })); // Slack, Teams, Discord, Mattermost, Rocket.Chat webhooks
  const twilio = new Provider(() => ({ status: 201, body: '{"sid":"SM0123","status":"queued"}' }));
  const vonage = new Provider((hit) => (hit.path === '/sms/json' ? { status: 200, body: '{"message-count":"1","messages":[{"status":"0","message-id":"0A00"}]}' } : { status: 201, body: '{"uuid":"63f61863","status":"started"}' }));
  const telegram = new TelegramStandIn();
  const slack = new SlackStandIn();
  /** A Socket Mode server on an address the operator's deny-list refuses (VIGIA_EGRESS_DENY below). */
  const denied = new SlackStandIn();
  const ids: Record<string, string> = {};

  const drain = async (rounds = 3) => {
    for (let i = 0; i < rounds; i++) await api.app.get(DeliveryWorker).runOnce();
  };
  const run = <T,>(q: string, v?: Record<string, unknown>): Promise<T> => api.ok<T>(q, v, token);
  const channel = (input: Record<string, unknown>) => run<{ createAlertChannel: { id: string } }>('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: input }).then((d) => d.createAlertChannel.id);
  const hitsTo = (server: RecordingServer, prefix: string) => server.hits.filter((h) => h.path.startsWith(prefix));
  const form = (hit: Hit) => Object.fromEntries(new URLSearchParams(hit.body));
  const open = async (reason: string): Promise<{ incident: Incident; close: () => Promise<void> }> => {
    const incidents = api.app.get(IncidentsService);
    const ref = { id: ids.monitor!, tenantId, hostId: ids.host!, serviceId: ids.service!, name: 'www http' };
    const incident = (await incidents.open(ref, new Date(Date.now() - 5000), reason, { planned: false, flapping: false, suppressed: false }))!;
    await api.app.get(AlertsService).incidentOpened(incident, 'www http');
    return {
      incident,
      close: async () => {
        await incidents.resolve(ref, new Date(), 'HTTP 200');
        await api.app.get(AlertsOutboxConsumer).worker.settle();
        await drain();
      },
    };
  };

  beforeAll(async () => {
    await Promise.all([web.start(), twilio.start(), vonage.start(), telegram.start(), slack.start(), denied.start('127.0.0.2')]);
    api = await startTestApi({ VIGIA_ROLES: 'api,watchdog', VIGIA_ALERT_GROUP_SECONDS: '0', VIGIA_EGRESS_DENY: '127.0.0.2/32' });
    const t = await api.tenant('chat');
    token = t.token;
    tenantId = t.tenantId;
    [{ id: ownerId }] = await api.app.get(DataSource).query('SELECT id FROM users WHERE email = $1', [t.email]);
    ids.slack = await channel({ name: 'slack', type: 'slack', config: {}, secret: `${web.url}/services/T000/B000/XXXX` });
    ids.slackBot = await channel({ name: 'slack bot', type: 'slack_bot', config: { channel: 'C0123456', apiUrl: `${slack.url}/api` }, secret: `${BOT} ${APP}` });
    ids.teams = await channel({ name: 'teams', type: 'teams', config: {}, secret: `${web.url}/workflows/abc/triggers/manual/paths/invoke?sig=s1` });
    ids.telegram = await channel({ name: 'telegram', type: 'telegram', config: { chatId: '-1001234567890', apiUrl: telegram.url, acknowledgements: true, pollSeconds: 1 }, secret: TG_TOKEN });
    ids.discord = await channel({ name: 'discord', type: 'discord', config: {}, secret: `${web.url}/api/webhooks/1234/tok` });
    ids.mattermost = await channel({ name: 'mattermost', type: 'mattermost', config: {}, secret: `${web.url}/hooks/mm1` });
    ids.rocketchat = await channel({ name: 'rocketchat', type: 'rocketchat', config: {}, secret: `${web.url}/hooks/rc1/rctoken` });
    ids.twilioSms = await channel({ name: 'twilio sms', type: 'twilio_sms', config: { accountSid: SID, from: '+15005550006', to: '+4915112345678', apiUrl: twilio.url }, secret: TWILIO_TOKEN });
    ids.twilioVoice = await channel({ name: 'twilio voice', type: 'twilio_voice', config: { accountSid: SID, from: '+15005550006', to: '+4915112345678', apiUrl: twilio.url }, secret: TWILIO_TOKEN });
    ids.vonageSms = await channel({ name: 'vonage sms', type: 'vonage_sms', config: { apiKey: VONAGE_KEY, from: 'Vigia', to: '+447700900123', apiUrl: vonage.url }, secret: VONAGE_SECRET });
    ids.vonageVoice = await channel({ name: 'vonage voice', type: 'vonage_voice', config: { applicationId: VONAGE_APP, from: '+447700900001', to: '+447700900123', apiUrl: vonage.url }, secret: privateKey });
    ids.host = (await run<{ createHost: { id: string } }>('mutation { createHost(input: {name: "web1", addresses: ["192.0.2.10"]}) { id } }')).createHost.id;
    ids.service = (await run<{ createService: { id: string } }>(`mutation { createService(input: {name: "www", type: web, hostId: "${ids.host}"}) { id } }`)).createService.id;
    ids.monitor = (await run<{ createMonitor: { id: string } }>(`mutation { createMonitor(input: {name: "www http", type: http, hostId: "${ids.host}", serviceId: "${ids.service}", config: {url: "http://192.0.2.10/"}, intervalMs: 60000, timeoutMs: 5000, enabled: false}) { id } }`)).createMonitor.id;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await Promise.all([web.stop(), twilio.stop(), vonage.stop(), telegram.stop(), slack.stop(), denied.stop()]);
  });

  it('sends each kind in its provider’s documented request, and threads the recovery under the alert', async () => {
    const { incident, close } = await open('HTTP 503 from 192.0.2.10 in 12 ms');
    await drain();
    const short = incident.id.slice(0, 8);

    const [slackHook] = hitsTo(web, '/services/');
    expect(slackHook!.headers['content-type']).toBe('application/json');
    const slackBody = JSON.parse(slackHook!.body);
    expect(slackBody.text).toMatch(/^\[CRITICAL\] www on web1 is DOWN \(www http\)\nsince /);
    expect(slackBody.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: slackBody.text } }]);

    const post = slack.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(post.headers.authorization).toBe(`Bearer ${BOT}`);
    expect(post.body).toMatchObject({ channel: 'C0123456', unfurl_links: false });
    expect(post.body.thread_ts).toBeUndefined();
    expect((post.body.blocks as unknown[])[1]).toEqual({ type: 'actions', elements: [{ type: 'button', action_id: SLACK_ACK_ACTION, value: incident.id, style: 'danger', text: { type: 'plain_text', text: 'Acknowledge' } }] });

    const card = JSON.parse(hitsTo(web, '/workflows/')[0]!.body);
    expect(card.type).toBe('message');
    expect(card.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: { type: 'AdaptiveCard', version: '1.4' } });
    expect(card.attachments[0].content.body[0]).toMatchObject({ type: 'TextBlock', text: '[CRITICAL] www on web1 is DOWN (www http)', color: 'Attention' });
    expect(card.attachments[0].content.body[2].facts).toContainEqual({ title: 'Why', value: 'HTTP 503 from 192.0.2.10 in 12 ms' });

    const tg = telegram.sent[0]!;
    expect(tg.path).toBe(`/bot${TG_TOKEN}/sendMessage`);
    expect(tg.body).toMatchObject({ chat_id: '-1001234567890', link_preview_options: { is_disabled: true } });
    expect(tg.body.text).toContain(`send /ack ${short}`);

    const discord = hitsTo(web, '/api/webhooks/')[0]!;
    expect(discord.path).toBe('/api/webhooks/1234/tok?wait=true');
    expect(JSON.parse(discord.body)).toMatchObject({ username: 'Vigia', allowed_mentions: { parse: [] } });
    expect(JSON.parse(hitsTo(web, '/hooks/mm1')[0]!.body).text).toMatch(/^\[CRITICAL\] www on web1/);
    expect(JSON.parse(hitsTo(web, '/hooks/rc1/')[0]!.body)).toMatchObject({ alias: 'Vigia' });

    const [sms, call] = [hitsTo(twilio, `/2010-04-01/Accounts/${SID}/Messages.json`), hitsTo(twilio, `/2010-04-01/Accounts/${SID}/Calls.json`)];
    expect(sms).toHaveLength(1);
    expect(sms[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TWILIO_TOKEN}`).toString('base64')}`);
    expect(sms[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form(sms[0]!)).toMatchObject({ To: '+4915112345678', From: '+15005550006' });
    expect(form(sms[0]!).Body).toContain(`id ${short}`);
    expect(form(call[0]!).Twiml).toBe('<Response><Say loop="2">Vigia alert. www on web1 is DOWN (www http).</Say></Response>');

    const vsms = form(hitsTo(vonage, '/sms/json')[0]!);
    expect(vsms).toMatchObject({ api_key: VONAGE_KEY, api_secret: VONAGE_SECRET, from: 'Vigia', to: '447700900123' });
    const vcall = hitsTo(vonage, '/v1/calls')[0]!;
    const [head, claims, signature] = String(vcall.headers.authorization).replace(/^Bearer /, '').split('.');
    expect(verify('sha256', Buffer.from(`${head}.${claims}`), createPublicKey(publicKey), Buffer.from(signature!, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({ application_id: VONAGE_APP });
    expect(JSON.parse(vcall.body)).toEqual({ to: [{ type: 'phone', number: '447700900123' }], from: { type: 'phone', number: '447700900001' }, ncco: [{ action: 'talk', text: 'Vigia alert. www on web1 is DOWN (www http).', loop: 2 }] });

    const [{ n }] = await api.app.get(DataSource).query("SELECT count(*)::int AS n FROM notifications WHERE incident_id = $1 AND status = 'sent'", [incident.id]);
    expect(n).toBe(11);

    // Recovery: the Slack bot answers in the alert's thread (broadcast), Telegram replies to the alert; nobody is called.
    const calls = twilio.hits.length;
    await close();
    const reply = slack.calls.filter((c) => c.method === 'chat.postMessage').at(-1)!;
    expect(reply.body).toMatchObject({ thread_ts: '1700000000.000001', reply_broadcast: true });
    expect(String(reply.body.text)).toMatch(/^\[RESOLVED\]/);
    const tgReply = telegram.sent.at(-1)!;
    expect(tgReply.body.reply_parameters).toEqual({ message_id: 100, allow_sending_without_reply: true });
    expect(twilio.hits.length).toBe(calls + 1); // the SMS, not a call
    expect(form(twilio.hits.at(-1)!).Body).toMatch(/^\[RESOLVED\]/);
  }, 30_000);

  it('cuts each message to its provider’s length limit', async () => {
    const before = { web: web.hits.length, twilio: twilio.hits.length, tg: telegram.sent.length, slack: slack.calls.length };
    const { close } = await open(`HTTP 503: ${'x'.repeat(30_000)}`);
    await drain();
    const body = (prefix: string) => JSON.parse(web.hits.slice(before.web).find((h) => h.path.startsWith(prefix))!.body);
    expect(body('/services/').text).toHaveLength(4000);
    expect(body('/services/').blocks[0].text.text).toHaveLength(3000);
    expect(body('/api/webhooks/').content).toHaveLength(2000);
    expect(body('/api/webhooks/').content.endsWith('…')).toBe(true);
    expect(body('/hooks/mm1').text).toHaveLength(16_383);
    expect(body('/hooks/rc1/').text).toHaveLength(5000);
    expect(Buffer.byteLength(web.hits.slice(before.web).find((h) => h.path.startsWith('/workflows/'))!.body)).toBeLessThanOrEqual(28_000);
    expect(String(telegram.sent[before.tg]!.body.text)).toHaveLength(4096);
    expect(String(slack.calls.slice(before.slack).find((c) => c.method === 'chat.postMessage')!.body.text)).toHaveLength(4000);
    expect(form(twilio.hits.slice(before.twilio).find((h) => h.path.endsWith('/Messages.json'))!).Body).toHaveLength(1600);
    await close();
  }, 30_000);

  it('honours 429 Retry-After (header or body), retries 5xx, gives up on 4xx, and a failing channel blocks no other', async () => {
    const db = api.app.get(DataSource);
    web.script = [{ status: 429, headers: { 'retry-after': '3' }, body: '{"message":"You are being rate limited.","retry_after":3}' }]; // the Slack webhook (first in line)
    telegram.rateLimitNext = 5; // Telegram: retry_after in the body only
    twilio.script = [{ status: 503, body: '{"code":20500,"message":"Internal Server Error"}' }, { status: 400, body: '{"code":21211,"message":"Invalid To number"}' }];
    const tests = async (...names: string[]) => {
      const out: Record<string, string> = {};
      for (const name of names) out[name] = (await run<{ testAlertChannel: { id: string } }>(`mutation { testAlertChannel(channelId: "${ids[name]}") { id } }`)).testAlertChannel.id;
      return out;
    };
    // One at a time, so each script answers the channel it is meant for.
    const slackTest = await tests('slack');
    await drain(1);
    const tgTest = await tests('telegram');
    await drain(1);
    const smsTest = await tests('twilioSms');
    await drain(1);
    const callTest = await tests('twilioVoice');
    await drain(1);
    const others = await tests('discord', 'mattermost', 'vonageSms');
    await drain(1);
    const row = async (id: string) => (await db.query('SELECT status, attempts, last_error, extract(epoch FROM next_attempt_at - (SELECT max(at) FROM notification_attempts a WHERE a.notification_id = n.id))::float8 AS wait FROM notifications n WHERE id = $1', [id]))[0] as { status: string; attempts: number; last_error: string; wait: number };
    const slackRow = await row(slackTest.slack!);
    expect(slackRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(slackRow.wait).toBe(3); // Retry-After: 3, not the backoff's 2 s
    const tgRow = await row(tgTest.telegram!);
    expect(tgRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(tgRow.wait).toBe(5); // parameters.retry_after: 5, not the backoff
    expect(await row(smsTest.twilioSms!)).toMatchObject({ status: 'failed', attempts: 1 }); // 503: retried
    expect(await row(callTest.twilioVoice!)).toMatchObject({ status: 'dead', attempts: 1, last_error: expect.stringContaining('21211') }); // 400: given up
    for (const id of Object.values(others)) expect((await row(id)).status).toBe('sent');
    await db.query('UPDATE notifications SET next_attempt_at = now() WHERE id = ANY($1::uuid[])', [[slackTest.slack, tgTest.telegram, smsTest.twilioSms]]);
    // A pass claims the 20 rows due first, oldest first: earlier tests' retries may be due before these three (the
    // slower the machine, the more of them), so pass until these are handled rather than assume one pass reaches them.
    const retried = [slackTest.slack!, tgTest.telegram!, smsTest.twilioSms!];
    await eventually('the three retried', async () => {
      await drain(1);
      return (await Promise.all(retried.map(row))).every((r) => r.status !== 'failed' && r.status !== 'sending');
    });
    for (const id of retried) expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
  }, 30_000);

  it('“send a test” reaches every kind', async () => {
    const names = ['slack', 'slackBot', 'teams', 'telegram', 'discord', 'mattermost', 'rocketchat', 'twilioSms', 'twilioVoice', 'vonageSms', 'vonageVoice'];
    const queued: string[] = [];
    for (const name of names) queued.push((await run<{ testAlertChannel: { id: string } }>(`mutation { testAlertChannel(channelId: "${ids[name]}") { id } }`)).testAlertChannel.id);
    await drain(3);
    const rows: { status: string }[] = await api.app.get(DataSource).query('SELECT status FROM notifications WHERE id = ANY($1::uuid[])', [queued]);
    expect(rows.map((r) => r.status)).toEqual(names.map(() => 'sent'));
    expect(String(telegram.sent.at(-1)!.body.text)).toMatch(/^\[TEST\] Test from Vigia to telegram/);
    expect(String(slack.calls.filter((c) => c.method === 'chat.postMessage').at(-1)!.body.text)).toMatch(/^\[TEST\] Test from Vigia to slack bot/);
    expect(form(hitsTo(vonage, '/sms/json').at(-1)!).text).toMatch(/^\[TEST\]/);
  }, 30_000);

  it('refuses bad settings, naming the field, and seals each secret', async () => {
    const bad = (input: Record<string, unknown>, field: string) => api.fails('mutation($i: CreateAlertChannelInput!) { createAlertChannel(input: $i) { id } }', { i: input }, token, { code: 'VALIDATION_FAILED', field });
    expect((await bad({ name: 'b1', type: 'twilio_sms', config: { accountSid: SID, from: '+15005550006', to: '0151 1234' }, secret: TWILIO_TOKEN }, 'input.config.to')).message).toContain('E.164');
    await bad({ name: 'b2', type: 'slack', config: {}, secret: 'ftp://hooks.example/x' }, 'input.secret');
    await bad({ name: 'b3', type: 'discord', config: {}, secret: 'http://169.254.169.254/latest' }, 'input.secret');
    await bad({ name: 'b4', type: 'telegram', config: { chatId: '-100123' }, secret: 'not-a-token' }, 'input.secret');
    await bad({ name: 'b5', type: 'telegram', config: { chatId: 'general' }, secret: TG_TOKEN }, 'input.config.chatId');
    await bad({ name: 'b6', type: 'slack_bot', config: { channel: 'C0123456' }, secret: 'xoxp-user-token-not-a-bot' }, 'input.secret');
    await bad({ name: 'b7', type: 'vonage_voice', config: { applicationId: VONAGE_APP, from: '+447700900001', to: '+447700900123' }, secret: 'not a key' }, 'input.secret');
    const sealed: { secret_sealed: string }[] = await api.app.get(DataSource).query('SELECT secret_sealed FROM alert_channels WHERE tenant_id = $1', [tenantId]);
    for (const s of sealed) for (const clear of ['/services/T000', TG_TOKEN, BOT, TWILIO_TOKEN, VONAGE_SECRET, 'PRIVATE KEY']) expect(s.secret_sealed).not.toContain(clear);
  });

  it('maps one chat user to one Vigia user, refusing a second mapping', async () => {
    const map = (provider: string, chatUserId: string, userId = ownerId) => `mutation { mapChatIdentity(input: {provider: "${provider}", chatUserId: "${chatUserId}", userId: "${userId}"}) { id provider chatUserId userId } }`;
    await run(map('telegram', '4242'));
    await run(map('slack', 'U0MAPPED1'));
    const other = await api.as('operator', { slug: 'chat', token });
    const [{ id: otherId }] = await api.app.get(DataSource).query("SELECT id FROM users WHERE tenant_id = $1 AND id <> $2 LIMIT 1", [tenantId, ownerId]);
    expect((await api.fails(map('telegram', '4242', otherId), {}, token, { code: 'DUPLICATE', field: 'input.chatUserId' })).message).toContain('already mapped');
    await api.fails(map('slack', 'jane'), {}, token, { code: 'VALIDATION_FAILED', field: 'input.chatUserId' });
    await api.fails(map('irc', 'jane'), {}, token, { code: 'VALIDATION_FAILED', field: 'input.provider' });
    await api.fails(map('sms', '+4915100000000', '00000000-0000-4000-8000-000000000000'), {}, token, { code: 'NOT_FOUND', field: 'input.userId' });
    await other.fails(map('sms', '+4915100000000', otherId), {}, { code: 'FORBIDDEN' });
    const list = await run<{ chatIdentities: { provider: string; chatUserId: string }[] }>('{ chatIdentities { provider chatUserId } }');
    expect(list.chatIdentities).toEqual([{ provider: 'slack', chatUserId: 'U0MAPPED1' }, { provider: 'telegram', chatUserId: '4242' }]);
  });

  const acknowledgedBy = async (id: string) => ((await api.app.get(DataSource).query('SELECT acknowledged_by FROM incidents WHERE id = $1', [id])) as { acknowledged_by: string | null }[])[0]!.acknowledged_by;

  it('acknowledges from Telegram by long polling: /ack <id> from an unmapped user is refused, a reply from a mapped one stops escalation', async () => {
    const listeners = api.app.get(ChatListeners);
    await listeners.sweep();
    expect(listeners.listening()).toContain(ids.telegram);
    const { incident, close } = await open('HTTP 503 from 192.0.2.10');
    await drain();
    const alert = telegram.sent.at(-1)!;
    expect(String(alert.body.text)).toMatch(/^\[CRITICAL\]/);
    const [{ external_id: alertId }] = await api.app.get(DataSource).query('SELECT external_id FROM chat_threads WHERE channel_id = $1 AND dedup_key = $2', [ids.telegram, `vigia-incident-${incident.id}`]);
    const sentBefore = telegram.sent.length;
    telegram.push({ chat: { id: -1001234567890 }, from: { id: 999 }, text: `/ack ${incident.id.slice(0, 8)}` });
    await eventually('the refusal in the chat', () => telegram.sent.length === sentBefore + 1, { timeoutMs: 5000 });
    expect(String(telegram.sent.at(-1)!.body.text)).toContain('not mapped to a Vigia user');
    expect(await acknowledgedBy(incident.id)).toBeNull();
    // From another chat, even a mapped user's /ack is not heard.
    telegram.push({ chat: { id: -42 }, from: { id: 4242 }, text: `/ack ${incident.id.slice(0, 8)}` });
    telegram.push({ chat: { id: -1001234567890 }, from: { id: 4242 }, text: '/ack', reply_to_message: { message_id: Number(alertId) } });
    expect(await eventually('the acknowledgement', () => acknowledgedBy(incident.id), { timeoutMs: 5000 })).toBe('owner@chat.test via Telegram');
    const [event] = await api.app.get(DataSource).query("SELECT message FROM incident_events WHERE incident_id = $1 AND kind = 'acknowledged'", [incident.id]);
    expect(event.message).toBe('acknowledged by owner@chat.test via Telegram: escalation stopped');
    // The offset is kept: a restarted listener does not read the same updates again.
    const [{ cursor }] = await api.app.get(DataSource).query('SELECT cursor FROM chat_listeners WHERE channel_id = $1', [ids.telegram]);
    expect(Number(cursor)).toBeGreaterThan(500);
    // As any acknowledgement: pending steps cancelled, the channels that hear acknowledgements told (Telegram in the alert's thread).
    await api.app.get(AlertsOutboxConsumer).worker.settle();
    await drain();
    const ack = telegram.sent.filter((m) => String(m.body.text).startsWith('[ACK]')).at(-1)!;
    expect(ack.body).toMatchObject({ text: expect.stringContaining('Acknowledged by owner@chat.test via Telegram'), reply_parameters: { message_id: Number(alertId) } });
    await close();
  }, 30_000);

  it('acknowledges from Slack over Socket Mode: every envelope acknowledged, an unmapped user told no, a mapped one acknowledges', async () => {
    const listeners = api.app.get(ChatListeners);
    await listeners.sweep();
    await eventually('a Socket Mode connection', () => slack.socket, { timeoutMs: 5000 });
    const opened = slack.calls.find((c) => c.method === 'apps.connections.open')!;
    expect(opened.headers.authorization).toBe(`Bearer ${APP}`);
    const { incident, close } = await open('HTTP 503 from 192.0.2.10');
    await drain();

    const refused = slack.press('U0STRANGER', SLACK_ACK_ACTION, incident.id, 'C0123456');
    await eventually('the envelope acknowledged', () => slack.acks.some((a) => a.envelope_id === refused), { timeoutMs: 5000 });
    await eventually('the ephemeral refusal', () => slack.calls.some((c) => c.method === 'chat.postEphemeral'), { timeoutMs: 5000 });
    const ephemeral = slack.calls.find((c) => c.method === 'chat.postEphemeral')!;
    expect(ephemeral.headers.authorization).toBe(`Bearer ${BOT}`);
    expect(ephemeral.body).toMatchObject({ channel: 'C0123456', user: 'U0STRANGER', text: expect.stringContaining('not mapped') });
    expect(await acknowledgedBy(incident.id)).toBeNull();

    // Slack refreshes connections: after `disconnect` the listener opens a new one.
    const connections = slack.calls.filter((c) => c.method === 'apps.connections.open').length;
    slack.socket!.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
    await eventually('a new connection', () => slack.calls.filter((c) => c.method === 'apps.connections.open').length === connections + 1 && slack.socket, { timeoutMs: 5000 });

    const pressed = slack.press('U0MAPPED1', SLACK_ACK_ACTION, incident.id, 'C0123456');
    expect(await eventually('the acknowledgement', () => acknowledgedBy(incident.id), { timeoutMs: 5000 })).toBe('owner@chat.test via Slack');
    expect(slack.acks).toContainEqual({ envelope_id: pressed });
    await api.app.get(AlertsOutboxConsumer).worker.settle();
    await drain();
    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    const alert = posts.filter((c) => String(c.body.text).includes('DOWN')).at(-1)!;
    const stored = (await api.app.get(DataSource).query('SELECT external_id FROM chat_threads WHERE channel_id = $1 AND dedup_key = $2', [ids.slackBot, `vigia-incident-${incident.id}`]))[0].external_id;
    // The alert's ts and the id of the channel it went to (chat.update needs the id).
    const [ts, postedIn] = String(stored).split('@');
    expect(postedIn).toBe('C0123456');
    expect(alert.body.thread_ts).toBeUndefined();
    expect(posts.at(-1)!.body).toMatchObject({ thread_ts: ts, reply_broadcast: false, text: expect.stringContaining('Acknowledged by owner@chat.test via Slack') });
    // The alert itself now says so, and its Acknowledge button is gone.
    const update = slack.calls.filter((c) => c.method === 'chat.update').at(-1)!;
    expect(update.headers.authorization).toBe(`Bearer ${BOT}`);
    expect(update.body).toMatchObject({ channel: 'C0123456', ts, text: expect.stringContaining('Acknowledged by owner@chat.test via Slack') });
    expect(update.body.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: update.body.text } }]);
    await close();
    await drain();
    expect(slack.calls.filter((c) => c.method === 'chat.update').at(-1)!.body).toMatchObject({ ts, text: expect.stringMatching(/^\[RESOLVED\]/) });
  }, 30_000);

  it('connects the Socket Mode WebSocket only where the egress policy allows, and stops a disabled channel’s listener', async () => {
    const listeners = api.app.get(ChatListeners);
    slack.socketUrl = `${denied.url.replace(/^http/, 'ws')}/link/?ticket=elsewhere`;
    const opens = () => slack.calls.filter((c) => c.method === 'apps.connections.open').length;
    const before = opens();
    slack.socket!.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
    await eventually('a new apps.connections.open', () => opens() > before, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(denied.sockets).toHaveLength(0); // refused before any connection, although it listens
    expect(listeners.listening()).toContain(ids.slackBot); // and the listener keeps trying, with back-off
    slack.socketUrl = undefined;

    await run(`mutation { updateAlertChannel(id: "${ids.telegram}", input: {name: "telegram", type: telegram, config: {chatId: "-1001234567890", apiUrl: "${telegram.url}", acknowledgements: true, pollSeconds: 1}, enabled: false}) { id } }`);
    await listeners.sweep();
    expect(listeners.listening()).not.toContain(ids.telegram);
    const polls = telegram.polls.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(telegram.polls.length).toBeLessThanOrEqual(polls + 1); // at most the poll that was under way
  }, 30_000);

  it('acknowledges by SMS reply through Twilio’s inbound webhook: signature checked, the sender mapped', async () => {
    await run(`mutation { mapChatIdentity(input: {provider: "sms", chatUserId: "+4915112345678", userId: "${ownerId}"}) { id } }`);
    const { incident, close } = await open('HTTP 503 from 192.0.2.10');
    await drain();
    const path = `/alerts/inbound/${ids.twilioSms}`;
    const reply = async (params: Record<string, string>, signature = twilioSignature(TWILIO_TOKEN, `${api.app.get(VigiaConfig).publicUrl}${path}`, params)) => {
      const res = await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    const sms = (from: string, body: string) => ({ MessageSid: 'SM1', AccountSid: SID, From: from, To: '+15005550006', Body: body });

    expect((await reply(sms('+4915112345678', 'ACK'), 'forged')).status).toBe(403);
    expect((await reply(sms('+4915112345678', 'ACK'), twilioSignature('0'.repeat(32), `${api.app.get(VigiaConfig).publicUrl}${path}`, sms('+4915112345678', 'ACK')))).status).toBe(403);
    const stranger = await reply(sms('+4917000000000', `ack ${incident.id.slice(0, 8)}`));
    expect(stranger).toMatchObject({ status: 200, body: expect.stringContaining('not mapped to a Vigia user') });
    expect(stranger.type).toContain('text/xml');
    const chatter = await reply(sms('+4915112345678', 'on my way'));
    expect(chatter.body).toContain('Reply ACK to acknowledge');
    expect(await acknowledgedBy(incident.id)).toBeNull();

    const ack = await reply(sms('+4915112345678', ' ack '));
    expect(ack).toMatchObject({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Acknowledged by owner@chat.test.</Message></Response>' });
    expect(await acknowledgedBy(incident.id)).toBe('owner@chat.test via SMS');
    expect((await fetch(`${api.url}/alerts/inbound/${ids.slack}`, { method: 'POST', body: 'x' })).status).toBe(404); // a kind without replies
    await close();
  }, 30_000);

  it('acknowledges by SMS reply through Vonage’s signed inbound webhook: signature and its age checked, the sender mapped', async () => {
    const SIGNATURE_SECRET = 'vonage-signature-secret-0001';
    await run(`mutation { updateAlertChannel(id: "${ids.vonageSms}", input: {name: "vonage sms", type: vonage_sms, config: {apiKey: "${VONAGE_KEY}", from: "Vigia", to: "+447700900123", apiUrl: "${vonage.url}", signatureMethod: "sha256"}, secret: "${VONAGE_SECRET} ${SIGNATURE_SECRET}"}) { id } }`);
    await run(`mutation { mapChatIdentity(input: {provider: "sms", chatUserId: "+447700900555", userId: "${ownerId}"}) { id } }`);
    const { incident, close } = await open('HTTP 503 from 192.0.2.10');
    await drain();
    // The alert still goes with the API secret alone (the signature secret is for replies).
    expect(form(hitsTo(vonage, '/sms/json').at(-1)!)).toMatchObject({ api_secret: VONAGE_SECRET });
    const path = `/alerts/inbound/${ids.vonageSms}`;
    const signed = (params: Record<string, string>, secret = SIGNATURE_SECRET) => ({ ...params, sig: vonageSignature(params, secret, 'sha256') });
    const sms = (msisdn: string, text: string, at = Date.now()) => ({ msisdn, to: '447700900001', messageId: `0A${Math.random().toString(16).slice(2, 10)}`, text, type: 'text', keyword: text.trim().split(/\s+/)[0]!.toUpperCase(), 'message-timestamp': new Date(at).toISOString().slice(0, 19).replace('T', ' '), timestamp: String(Math.floor(at / 1000)) });
    const reply = async (params: Record<string, string>) =>
      (await fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() })).status;

    expect(await reply(sms('447700900555', 'ACK'))).toBe(403); // unsigned
    expect(await reply(signed(sms('447700900555', 'ACK'), 'another-secret-0000000000'))).toBe(403);
    expect(await reply(signed(sms('447700900555', 'ACK', Date.now() - 10 * 60_000)))).toBe(403); // a replay of an old request
    expect(await reply(signed(sms('447700900999', `ack ${incident.id.slice(0, 8)}`)))).toBe(200); // a stranger: answered, nothing done
    expect(await acknowledgedBy(incident.id)).toBeNull();

    expect(await reply(signed(sms('447700900555', 'ack')))).toBe(200);
    expect(await acknowledgedBy(incident.id)).toBe('owner@chat.test via SMS');
    await close();
  }, 30_000);

  it('pages a person by direct message in Slack and Telegram, and their own chat contact acknowledges without a mapping', async () => {
    for (const p of (await run<{ escalationPolicies: { id: string }[] }>('{ escalationPolicies { id } }')).escalationPolicies) await run(`mutation { deleteEscalationPolicy(id: "${p.id}") }`);
    const contact = (kind: string, address: string) => run<{ addContactMethod: { id: string } }>(`mutation { addContactMethod(input: {userId: "${ownerId}", kind: ${kind}, address: "${address}"}) { id } }`).then((d) => d.addContactMethod.id);
    const slackContact = await contact('slack', 'U0PERSON1');
    const telegramContact = await contact('telegram', '5550001');
    await run('mutation($i: NotificationRulesInput!) { setNotificationRules(input: $i) { id } }', { i: { userId: ownerId, rules: [{ contactMethodId: slackContact, delayMinutes: 0 }, { contactMethodId: telegramContact, delayMinutes: 0 }] } });
    await run('mutation($i: EscalationPolicyInput!) { createEscalationPolicy(input: $i) { id } }', { i: { name: 'the owner, by chat', steps: [{ delayMinutes: 0, channelIds: [], userIds: [ownerId] }] } });
    // The Telegram channel, disabled by an earlier case, carries the person's Telegram pages again.
    await run(`mutation { updateAlertChannel(id: "${ids.telegram}", input: {name: "telegram", type: telegram, config: {chatId: "-1001234567890", apiUrl: "${telegram.url}", acknowledgements: true, pollSeconds: 1}, enabled: true}) { id } }`);
    await api.app.get(ChatListeners).sweep();
    const before = { slack: slack.calls.length, telegram: telegram.sent.length };
    const { incident, close } = await open('HTTP 503 from 192.0.2.10');
    await drain(5);

    // Slack: the bot's direct message to the person (channel = their user id), with the Acknowledge button; nothing in the channel.
    const posts = slack.calls.slice(before.slack).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((p) => p.body.channel)).toEqual(['U0PERSON1']);
    expect((posts[0]!.body.blocks as { type: string }[])[1]).toMatchObject({ type: 'actions' });
    // Telegram: to the person's private chat with the bot.
    const dms = telegram.sent.slice(before.telegram);
    expect(dms.map((m) => m.body.chat_id)).toEqual(['5550001']);
    // Kept apart from the channels' own threads.
    const threads: { channel_id: string; dedup_key: string }[] = await api.app.get(DataSource).query('SELECT channel_id, dedup_key FROM chat_threads WHERE dedup_key LIKE $1 ORDER BY dedup_key', [`vigia-incident-${incident.id}%`]);
    expect(threads).toEqual(expect.arrayContaining([
      { channel_id: ids.slackBot, dedup_key: `vigia-incident-${incident.id}/dm/U0PERSON1` },
      { channel_id: ids.telegram, dedup_key: `vigia-incident-${incident.id}/dm/5550001` },
    ]));
    expect(threads.some((t) => t.dedup_key === `vigia-incident-${incident.id}`)).toBe(false);

    // The person presses Acknowledge in the DM: their own Slack contact names them; no administrator mapped U0PERSON1.
    await eventually('a Socket Mode connection', () => slack.socket, { timeoutMs: 5000 });
    const stranger = slack.press('U0SOMEONE2', SLACK_ACK_ACTION, incident.id, 'D0PERSON1');
    await eventually('the envelope acknowledged', () => slack.acks.some((a) => a.envelope_id === stranger), { timeoutMs: 5000 });
    expect(await acknowledgedBy(incident.id)).toBeNull();
    slack.press('U0PERSON1', SLACK_ACK_ACTION, incident.id, 'D0PERSON1');
    expect(await eventually('the acknowledgement', () => acknowledgedBy(incident.id), { timeoutMs: 5000 })).toBe('owner@chat.test via Slack');
    await close();

    // Telegram: /ack <id> in the private chat, from the person's own Telegram contact.
    const second = await open('HTTP 502 from 192.0.2.10');
    await drain(5);
    const [{ external_id: dm }] = await api.app.get(DataSource).query('SELECT external_id FROM chat_threads WHERE channel_id = $1 AND dedup_key = $2', [ids.telegram, `vigia-incident-${second.incident.id}/dm/5550001`]);
    expect(String(dm)).toMatch(/^5550001:\d+$/);
    telegram.push({ chat: { id: 5550001, type: 'private' }, from: { id: 5550001 }, text: '/ack', reply_to_message: { message_id: Number(String(dm).split(':')[1]) } });
    expect(await eventually('the acknowledgement', () => acknowledgedBy(second.incident.id), { timeoutMs: 5000 })).toBe('owner@chat.test via Telegram');
    await second.close();
  }, 40_000);

  it('refuses an administrator’s mapping of a chat user who is another person’s own contact', async () => {
    const other = await api.userWithRole(token, 'chat', 'operator');
    const [{ id: otherId }] = await api.app.get(DataSource).query("SELECT id FROM users WHERE email LIKE 'operator-%@chat.test'");
    expect(other).toBeTruthy();
    const refused = await api.fails(`mutation { mapChatIdentity(input: {provider: "slack", chatUserId: "U0PERSON1", userId: "${otherId}"}) { id } }`, {}, token, { field: 'input.chatUserId' });
    expect(refused.message).toMatch(/another Vigia user's own contact/);
  });
});
