import { chatText, clip } from './chat-text.js';
import { defineTextWebhook } from './text-webhook.js';

/** Mattermost incoming webhook: `{text, username}`, text at most 16,383 characters (a post's limit). */
export const mattermostChannelKind = defineTextWebhook({
  type: 'mattermost',
  description: 'Mattermost incoming webhook',
  urlIs: 'a Mattermost incoming webhook URL',
  spacingMs: 0,
  body: (message) => ({ username: 'Vigia', text: clip(chatText(message), 16_383) }),
});
