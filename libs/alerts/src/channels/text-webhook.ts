import { httpUrl } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, postJson } from './channel.js';
import { type ChannelKind, defineChannel } from './channel-kind.js';
import { RateGate } from './chat-text.js';

/** What differs between the incoming-webhook chat kinds (Slack, Teams, Discord, Mattermost, Rocket.Chat). */
export interface TextWebhookSpec<Type extends string> {
  type: Type;
  description: string;
  /** How the secret (the webhook URL, which carries the provider's token) is described: "a Slack incoming webhook URL". */
  urlIs: string;
  /** The provider's documented pace per webhook (one request per this many ms); 0: none. */
  spacingMs: number;
  /** The request body for a message (each provider's shape, with its own length limits applied). */
  body(message: AlertMessage): unknown;
  /** Query added to the webhook URL (Discord's `wait=true`, so errors are answered, not swallowed). */
  query?: string;
}

/**
 * A chat that takes messages by incoming webhook: the webhook URL is the secret (it carries the provider's token, so
 * it is sealed and never shown), judged by the egress policy at save and at every call, one POST of JSON per message.
 */
export function defineTextWebhook<const Type extends string>(spec: TextWebhookSpec<Type>): ChannelKind<Type> {
  const gate = new RateGate(spec.spacingMs);
  const adapter: ChannelAdapter = {
    async deliver(_channel: AlertChannel, url: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
      if (!url) return { ok: false, permanent: true, response: 'the channel has no webhook URL' };
      const busy = await gate.turn(url);
      if (busy) return busy;
      const target = spec.query ? `${url}${url.includes('?') ? '&' : '?'}${spec.query}` : url;
      return postJson(egress, target, spec.body(message), {});
    },
  };
  return defineChannel({
    type: spec.type,
    description: spec.description,
    configHint: `${spec.type}: {} (secret: the webhook URL)`,
    config: {},
    secretLabel: 'Webhook URL',
    secret: httpUrl(`must be ${spec.urlIs} (http:// or https://)`),
    pages: false,
    hearsAcknowledgements: true,
    createAdapter: () => adapter,
  });
}
