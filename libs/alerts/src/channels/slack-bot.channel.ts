import WebSocket from 'ws';
import { httpUrl, matching } from '#lib/common';
import { type EgressGuard, pinnedLookup, urlPort } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, send } from './channel.js';
import { type AckContext, defineChannel, type ThreadStore } from './channel-kind.js';
import { chatText, clip, incidentIdOf, parseJson, pause, RateGate, threadKeyOf } from './chat-text.js';
import { slackEscape } from './slack.channel.js';

/** The Ack button's action id: what the Socket Mode listener looks for in a `block_actions` payload. */
export const SLACK_ACK_ACTION = 'vigia_ack';

/** Slack Web API errors worth another try (the rest — invalid_auth, channel_not_found, not_in_channel … — are final). */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

function apiBase(channel: AlertChannel): string {
  return String(channel.config.apiUrl ?? 'https://slack.com/api').replace(/\/$/, '');
}

/** The secret is `<bot token>` or `<bot token> <app-level token>` (the second only for Socket Mode acknowledgements). */
function tokens(secret: string | null): { bot: string; app?: string } {
  const [bot = '', app] = (secret ?? '').trim().split(/\s+/);
  return { bot, app };
}

/** One Web API call (JSON, bearer token): HTTP errors as `send` maps them, then Slack's own `{ok: false, error}`. */
async function call(egress: EgressGuard, url: string, token: string, body: Record<string, unknown>): Promise<DeliveryOutcome & { answer?: Record<string, unknown> }> {
  const outcome = await send(egress, url, { json: body }, { authorization: `Bearer ${token}` });
  const { body: text, ...rest } = outcome;
  if (!outcome.ok) return rest;
  const answer = parseJson<Record<string, unknown>>(text);
  if (answer?.ok === true) return { ...rest, answer };
  const error = String(answer?.error ?? 'no answer');
  return { ok: false, response: rest.response, permanent: !TRANSIENT.has(error), answer };
}

/**
 * Slack bot: `chat.postMessage` with a bot token (`xoxb-…`). An incident's alert is a top-level message whose `ts` is
 * kept; its acknowledgement, runbook news and recovery are replies in that thread (the recovery also broadcast to the
 * channel). Text at most 4,000 characters, a section block at most 3,000; one message a second per channel (Slack's
 * limit for chat.postMessage), a 429 carries Retry-After. With an app-level token (`xapp-…`, after the bot token), the
 * alert carries an Acknowledge button and the channel listens over Socket Mode. Once acknowledged (from anywhere) or
 * resolved, the alert's own message is updated (`chat.update`) to say so, without the button.
 */
export class SlackBotChannel implements ChannelAdapter {
  private readonly gate = new RateGate(1000);

  constructor(private readonly threads: ThreadStore) {}

  async deliver(channel: AlertChannel, secret: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const { bot, app } = tokens(secret);
    const busy = await this.gate.turn(`${bot}:${String(channel.config.channel)}`);
    if (busy) return busy;
    const thread = message.kind === 'trigger' ? undefined : threadOf(await this.threads.of(channel.id, threadKeyOf(message)));
    const text = slackEscape(chatText(message));
    const incidentId = incidentIdOf(message.dedupKey);
    const button = message.kind === 'trigger' && incidentId && app
      ? [{ type: 'actions', elements: [{ type: 'button', action_id: SLACK_ACK_ACTION, value: incidentId, style: 'danger', text: { type: 'plain_text', text: 'Acknowledge' } }] }]
      : [];
    const outcome = await call(egress, `${apiBase(channel)}/chat.postMessage`, bot, {
      channel: channel.config.channel,
      text: clip(text, 4000),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }, ...button],
      unfurl_links: false,
      ...(thread ? { thread_ts: thread.ts, reply_broadcast: message.kind === 'resolve' } : {}),
    });
    const ts = outcome.answer?.ts;
    const postedIn = outcome.answer?.channel;
    if (outcome.ok && message.kind === 'trigger' && incidentId && typeof ts === 'string') await this.threads.remember(channel.id, threadKeyOf(message), typeof postedIn === 'string' ? `${ts}@${postedIn}` : ts);
    // Acknowledged or over: the alert itself says so, and its Acknowledge button goes (the thread keeps the history).
    if (outcome.ok && thread && (message.kind === 'acknowledge' || message.kind === 'resolve')) await this.settle(channel, bot, thread, text, egress);
    const { answer: _answer, ...rest } = outcome;
    return rest;
  }

  /**
   * `chat.update` of the alert's own message (it needs the channel's id, which postMessage answered). Best effort: the
   * thread reply, which carries the news, already went; a failed update leaves the old message as it was.
   */
  private async settle(channel: AlertChannel, bot: string, thread: { ts: string; channelId?: string }, text: string, egress: EgressGuard): Promise<void> {
    const channelId = thread.channelId ?? String(channel.config.channel);
    await call(egress, `${apiBase(channel)}/chat.update`, bot, { channel: channelId, ts: thread.ts, text: clip(text, 4000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }] }).catch(() => undefined);
  }
}

/** A thread as stored: `<ts>@<channel id>` (the id chat.update needs), or a bare `ts` as stored before. */
function threadOf(stored: string | undefined): { ts: string; channelId?: string } | undefined {
  if (!stored) return undefined;
  const at = stored.indexOf('@');
  return at < 0 ? { ts: stored } : { ts: stored.slice(0, at), channelId: stored.slice(at + 1) };
}

/** What Vigia reads of a Socket Mode envelope and of an interactive (`block_actions`) payload. */
interface Envelope {
  type?: string;
  envelope_id?: string;
  payload?: { type?: string; user?: { id?: string }; channel?: { id?: string }; actions?: { action_id?: string; value?: string }[] };
}

/**
 * Socket Mode: `apps.connections.open` with the app-level token gives a WebSocket URL (judged by the egress policy and
 * connected to the judged address); every envelope is acknowledged at once with `{envelope_id}`; a `disconnect`
 * (Slack refreshes connections) or a dropped socket opens a new one. An Ack button pressed by a mapped user
 * acknowledges; an unmapped user is told so in an ephemeral message, and the refusal is logged.
 */
async function listen(channel: AlertChannel, secret: string | null, ctx: AckContext): Promise<void> {
  const { bot, app } = tokens(secret);
  let failures = 0;
  const pressed = async (payload: NonNullable<Envelope['payload']>) => {
    const user = payload.user?.id;
    for (const action of payload.actions ?? []) {
      if (action.action_id !== SLACK_ACK_ACTION || !user || !action.value) continue;
      const dedupKey = `vigia-incident-${action.value}`;
      // Only an incident this channel was paged for, or this person by a direct message (the button's value comes back
      // from Slack as Vigia wrote it).
      if (!(await ctx.threads.of(channel.id, dedupKey)) && !(await ctx.threads.of(channel.id, threadKeyOf({ dedupKey, personalTo: user })))) continue;
      const outcome = await ctx.acknowledge(user, dedupKey);
      if (!outcome.ok) await call(ctx.egress, `${apiBase(channel)}/chat.postEphemeral`, bot, { channel: payload.channel?.id ?? channel.config.channel, user, text: outcome.reply });
    }
  };
  const connectOnce = async (): Promise<boolean> => {
    const opened = await call(ctx.egress, `${apiBase(channel)}/apps.connections.open`, app ?? '', {});
    const target = typeof opened.answer?.url === 'string' ? new URL(opened.answer.url) : undefined;
    if (!target || (target.protocol !== 'wss:' && target.protocol !== 'ws:')) throw new Error(`apps.connections.open: ${opened.response}`);
    const resolved = await ctx.egress.resolve(target.hostname, urlPort(new URL(target.href.replace(/^ws/, 'http'))));
    const ws = new WebSocket(target, { lookup: pinnedLookup(resolved), handshakeTimeout: 10_000, maxPayload: 1 << 20, followRedirects: false });
    let greeted = false;
    await new Promise<void>((resolve) => {
      const stop = () => ws.close(1000);
      ctx.signal.addEventListener('abort', stop, { once: true });
      ws.on('message', (data: WebSocket.RawData) => {
        const envelope = parseJson<Envelope>(data.toString());
        if (!envelope) return;
        if (envelope.envelope_id) ws.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
        if (envelope.type === 'hello') greeted = true;
        else if (envelope.type === 'disconnect') ws.close(1000);
        else if (envelope.type === 'interactive' && envelope.payload?.type === 'block_actions') void pressed(envelope.payload).catch((e: unknown) => ctx.log(`Ack button: ${String(e)}`));
      });
      ws.on('error', (error) => ctx.log(`Socket Mode: ${error.message}`));
      ws.on('close', () => {
        ctx.signal.removeEventListener('abort', stop);
        resolve();
      });
    });
    return greeted;
  };
  while (!ctx.signal.aborted) {
    try {
      failures = (await connectOnce()) ? 0 : failures + 1;
    } catch (error) {
      failures += 1;
      ctx.log(error instanceof Error ? error.message : String(error));
    }
    if (failures) await pause(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)), ctx.signal);
  }
}

export const slackBotChannelKind = defineChannel({
  type: 'slack_bot',
  description: 'Slack bot (chat.postMessage, threaded; Acknowledge button over Socket Mode)',
  configHint: 'slack_bot: {channel, apiUrl?} (secret: the bot token, then the app-level token for the Ack button)',
  config: {
    channel: matching(/^([CGD][A-Z0-9]{6,20}|#?[a-z0-9._-]{1,80})$/, 'a Slack channel id (C…) or channel name'),
    apiUrl: httpUrl().optional(),
  },
  secretLabel: 'Bot token (and app-level token)',
  secret: matching(/^xoxb-[A-Za-z0-9-]{10,250}(\s+xapp-[A-Za-z0-9-]{10,250})?$/, 'a Slack bot token (xoxb-…), optionally followed by a space and an app-level token (xapp-…) for Socket Mode'),
  pages: true,
  hearsAcknowledgements: true,
  createAdapter: ({ threads }) => new SlackBotChannel(threads),
  acks: { chat: 'slack', listens: (_channel, secret) => tokens(secret).app !== undefined, listen },
});
