import { chatText, clip } from './chat-text.js';
import { defineTextWebhook } from './text-webhook.js';

/**
 * Discord webhook (`POST <webhook>?wait=true`): `content` at most 2,000 characters, no mentions parsed (an alert never
 * pings @everyone). Discord allows about 5 requests per 2 s per webhook; its 429 says `retry_after` (seconds) in the
 * body and Retry-After in the header.
 */
export const discordChannelKind = defineTextWebhook({
  type: 'discord',
  description: 'Discord webhook',
  urlIs: 'a Discord webhook URL',
  spacingMs: 400,
  query: 'wait=true',
  body: (message) => ({ username: 'Vigia', content: clip(chatText(message), 2000), allowed_mentions: { parse: [] } }),
});
