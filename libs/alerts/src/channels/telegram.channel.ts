import { flag, httpUrl, int, matching } from '#lib/common';
import { type EgressGuard, egressFetch } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, retryAfterMs, send } from './channel.js';
import { type AckContext, defineChannel, type ThreadStore } from './channel-kind.js';
import { chatText, clip, incidentIdOf, parseJson, pause, RateGate, threadKeyOf } from './chat-text.js';

/** sendMessage's text limit (characters after entity parsing). */
const MAX_TEXT = 4096;

function apiBase(channel: AlertChannel, token: string): string {
  return `${String(channel.config.apiUrl ?? 'https://api.telegram.org').replace(/\/$/, '')}/bot${token}`;
}

/** What a chat says to the bot, in the parts Vigia reads (Bot API `Message`). */
interface TelegramMessage {
  message_id: number;
  chat: { id: number; username?: string; type?: string };
  from?: { id: number; username?: string };
  text?: string;
  reply_to_message?: { message_id: number };
}

/** A kept message id: `<chat>:<id>` for a direct message (ids count per chat), a bare id in the channel's chat. */
function dmMessageId(stored: string | undefined): string | undefined {
  return stored?.split(':').at(-1);
}

/** `/ack`, `/ack@bot`, `ack`, optionally with the incident's short id (8 hex digits, more of the id allowed). */
const ACK = /^\/?ack(?:@[A-Za-z0-9_]{1,64})?(?:\s+([0-9a-f]{8})[0-9a-f-]{0,28})?$/i;

/**
 * Telegram Bot API `sendMessage` to one chat (a group, a channel or a person): text at most 4,096 characters, one
 * message a second per chat (Telegram's advice), a 429 says `parameters.retry_after`. The alert's `message_id` is kept,
 * so later messages reply to it; with `acknowledgements`, the bot long-polls `getUpdates` and `/ack <id>` (or a reply
 * to the alert) from a mapped user acknowledges — no public URL needed.
 */
export class TelegramChannel implements ChannelAdapter {
  private readonly gate = new RateGate(1000);

  constructor(private readonly threads: ThreadStore) {}

  async deliver(channel: AlertChannel, token: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const chatId = String(channel.config.chatId);
    const busy = await this.gate.turn(`${token}:${chatId}`);
    if (busy) return busy;
    const replyTo = message.kind === 'trigger' ? undefined : dmMessageId(await this.threads.of(channel.id, threadKeyOf(message)));
    const hint = channel.config.acknowledgements ? (id: string) => `Acknowledge: reply /ack to this message, or send /ack ${id}` : undefined;
    const outcome = await send(egress, `${apiBase(channel, token ?? '')}/sendMessage`, {
      json: {
        chat_id: chatId,
        text: clip(chatText(message, hint), MAX_TEXT),
        link_preview_options: { is_disabled: true },
        ...(replyTo ? { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } } : {}),
      },
    }, {});
    const sent = parseJson<{ result?: { message_id?: number } }>(outcome.body)?.result?.message_id;
    if (outcome.ok && message.kind === 'trigger' && incidentIdOf(message.dedupKey) && sent !== undefined) await this.threads.remember(channel.id, threadKeyOf(message), message.personalTo ? `${chatId}:${sent}` : String(sent));
    const { body: _body, ...rest } = outcome;
    return rest;
  }
}

/** Long polling of `getUpdates` (`offset` kept in `chat_listeners`), until the context's signal aborts. */
async function listen(channel: AlertChannel, token: string | null, ctx: AckContext): Promise<void> {
  const base = apiBase(channel, token ?? '');
  const chatId = String(channel.config.chatId);
  const timeout = Number(channel.config.pollSeconds ?? 25);
  let offset = Number((await ctx.cursor()) ?? 0);
  let failures = 0;
  const reply = (to: TelegramMessage, text: string) =>
    send(ctx.egress, `${base}/sendMessage`, { json: { chat_id: to.chat.id, text, reply_parameters: { message_id: to.message_id, allow_sending_without_reply: true } } }, {});
  const handle = async (msg: TelegramMessage | undefined) => {
    // The channel's chat, or a person's private chat with the bot (where their direct pages go).
    const inChat = msg && (String(msg.chat.id) === chatId || (msg.chat.username !== undefined && `@${msg.chat.username}` === chatId) || msg.chat.type === 'private');
    const command = inChat && msg.from ? ACK.exec((msg.text ?? '').trim()) : null;
    if (!msg?.from || !command) return;
    const dedupKey = command[1]
      ? await ctx.threads.byShortId(channel.id, command[1].toLowerCase())
      : msg.reply_to_message
        ? await ctx.threads.dedupKeyOf(channel.id, msg.chat.type === 'private' ? `${msg.chat.id}:${msg.reply_to_message.message_id}` : String(msg.reply_to_message.message_id))
        : undefined;
    if (!dedupKey) return void (await reply(msg, 'Which incident? Reply /ack to the alert, or send /ack <id> with the id the alert shows.'));
    const outcome = await ctx.acknowledge(String(msg.from.id), dedupKey);
    // An acknowledgement is announced by the delivery of the "acknowledged" message; a refusal is said here.
    if (!outcome.ok) await reply(msg, outcome.reply);
  };
  while (!ctx.signal.aborted) {
    let wait = 0;
    try {
      const res = await egressFetch(ctx.egress, `${base}/getUpdates`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offset, timeout, allowed_updates: ['message'] }),
        timeoutMs: (timeout + 10) * 1000,
        signal: ctx.signal,
        maxBodyBytes: 1 << 20,
      });
      const answer = parseJson<{ ok?: boolean; result?: { update_id: number; message?: TelegramMessage }[] }>(res.body);
      if (res.status !== 200 || !answer?.ok || !Array.isArray(answer.result)) {
        failures += 1;
        wait = retryAfterMs(res.headers['retry-after'], res.body) ?? Math.min(60_000, 1000 * 2 ** failures);
        ctx.log(`getUpdates answered HTTP ${res.status}; again in ${wait} ms`);
      } else {
        failures = 0;
        for (const update of answer.result) {
          offset = Math.max(offset, update.update_id + 1);
          await handle(update.message).catch((e: unknown) => ctx.log(`update ${update.update_id}: ${String(e)}`));
        }
        if (answer.result.length) await ctx.saveCursor(String(offset));
      }
    } catch (error) {
      if (ctx.signal.aborted) break;
      failures += 1;
      wait = Math.min(60_000, 1000 * 2 ** failures);
      ctx.log(`getUpdates: ${error instanceof Error ? error.message : String(error)}; again in ${wait} ms`);
    }
    if (wait) await pause(wait, ctx.signal);
  }
}

export const telegramChannelKind = defineChannel({
  type: 'telegram',
  description: 'Telegram bot (sendMessage; acknowledgement by /ack through long polling)',
  configHint: 'telegram: {chatId, acknowledgements?, apiUrl?, pollSeconds?} (secret: the bot token)',
  config: {
    chatId: matching(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, 'a Telegram chat id (a number) or @channelusername'),
    acknowledgements: flag().optional(),
    apiUrl: httpUrl().optional(),
    pollSeconds: int({ min: 0, max: 50 }).optional(),
  },
  secretLabel: 'Bot token',
  secret: matching(/^\d{3,15}:[A-Za-z0-9_-]{30,64}$/, 'a Telegram bot token (<digits>:<35 characters>)'),
  pages: true,
  hearsAcknowledgements: true,
  createAdapter: ({ threads }) => new TelegramChannel(threads),
  acks: { chat: 'telegram', listens: (channel) => channel.config.acknowledgements === true, listen },
});
