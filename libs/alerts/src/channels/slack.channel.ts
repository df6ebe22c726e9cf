import { chatText, clip } from './chat-text.js';
import { defineTextWebhook } from './text-webhook.js';

/** Slack's mrkdwn control characters, escaped as Slack documents (&, <, >). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Slack incoming webhook: `{text, blocks}` — `text` is the notification's fallback (Slack advises at most 4,000
 * characters), one `section` block of mrkdwn (at most 3,000 characters per text object). One message per second per
 * webhook (Slack's documented limit); a 429 carries Retry-After.
 */
export const slackChannelKind = defineTextWebhook({
  type: 'slack',
  description: 'Slack incoming webhook',
  urlIs: 'a Slack incoming webhook URL',
  spacingMs: 1000,
  body: (message) => {
    const text = slackEscape(chatText(message));
    return { text: clip(text, 4000), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }] };
  },
});
