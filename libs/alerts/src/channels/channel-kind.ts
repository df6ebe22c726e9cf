import type { z } from 'zod';
import type { Clock, FieldShape } from '#lib/common';
import type { Mailer } from '#lib/mail';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import type { ChannelAdapter } from './channel.js';

/** Where a chat channel keeps the message an incident became (`chat_threads`), for threads and replies. */
export interface ThreadStore {
  of(channelId: string, dedupKey: string): Promise<string | undefined>;
  remember(channelId: string, dedupKey: string, externalId: string): Promise<void>;
  dedupKeyOf(channelId: string, externalId: string): Promise<string | undefined>;
  byShortId(channelId: string, shortId: string): Promise<string | undefined>;
}

/** What a channel's acknowledgement listener is given: it runs until `signal` aborts. */
export interface AckContext {
  /** The egress policy in the channel's tenant context: every connection of the listener goes through it. */
  egress: EgressGuard;
  signal: AbortSignal;
  threads: ThreadStore;
  /** Acknowledges the incident as the Vigia user mapped to `chatUserId`; refused (and logged) for an unmapped one. */
  acknowledge(chatUserId: string, dedupKey: string): Promise<{ ok: boolean; reply: string }>;
  /** Where the listener read to (Telegram's update offset), kept across restarts and replicas. */
  cursor(): Promise<string | null>;
  saveCursor(cursor: string): Promise<void>;
  log(line: string): void;
}

/** What a channel's adapter may need from the process (e-mail goes through the configured SMTP server). */
export interface ChannelDeps {
  mailer: Mailer;
  /** The injected clock: what a channel stamps on a message (a webhook's signed timestamp) counts on it. */
  clock: Clock;
  threads: ThreadStore;
}

/**
 * Everything about one alert channel type, declared in its own file (`<type>.channel.ts`) and listed once in
 * `channel-kinds.ts`: its settings (validated at save, in the field-spec language of libs/common), its secret (the
 * routing key, API key or signing secret: sealed, never shown), whether it pages (a pager deduplicates per incident
 * itself and is sent at once; a message channel waits the grouping window for company), whether it is told of
 * acknowledgements, and the adapter that delivers.
 */
export interface ChannelKind<Type extends string = string> {
  readonly type: Type;
  readonly description: string;
  readonly config: FieldShape;
  /** The secret's rule; absent: the channel has none. Checked on `input.secret` (empty when not given). */
  readonly secret?: z.ZodType<string>;
  /** What the secret is, in the words of the provider's console ("Integration (routing) key"): a form's label. Every kind with a secret has one (test/kind-registries.e2e.spec.ts). */
  readonly secretLabel?: string;
  /** The secret spans lines (a PEM private key): a form asks for it in a text area. */
  readonly secretMultiline?: boolean;
  readonly pages: boolean;
  /** Sent an "acknowledged" message when someone acknowledges (e-mail is not: its reader already knows). */
  readonly hearsAcknowledgements: boolean;
  /** How a missing required setting is refused; default "is required for a <type>". */
  readonly missing?: (key: string) => string;
  /** What `config` the API names in its description of the input (`{to: [..]}`). */
  readonly configHint: string;
  createAdapter(deps: ChannelDeps): ChannelAdapter;
  /**
   * Acknowledgement from the chat without a public URL (Telegram's long polling, Slack's Socket Mode): `chat` names
   * the provider of `chat_identities`, `listens` says whether a channel's settings ask for it, `listen` runs until
   * the context's signal aborts (one process at a time per channel).
   */
  readonly acks?: {
    chat: 'slack' | 'telegram';
    listens(channel: AlertChannel, secret: string | null): boolean;
    listen(channel: AlertChannel, secret: string | null, context: AckContext): Promise<void>;
  };
  /**
   * Replies that reach Vigia through the provider's inbound webhook (`POST /alerts/inbound/<channel id>`, SMS):
   * `read` checks the provider's signature (undefined: refused as forged) and says who wrote what; `answer` is the
   * provider's reply format.
   */
  readonly inbound?: {
    chat: 'sms';
    read(channel: AlertChannel, secret: string | null, request: InboundRequest): { from: string; text: string } | undefined;
    answer(text: string): { contentType: string; body: string };
  };
}

/** A provider's call to the inbound webhook: the URL it called (public), its headers, its form fields, when it came. */
export interface InboundRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  form: Record<string, string>;
  /** Epoch ms by the injected clock: a signed timestamp is judged against it. */
  at: number;
}

export function defineChannel<const Type extends string>(kind: ChannelKind<Type>): ChannelKind<Type> {
  return kind;
}
