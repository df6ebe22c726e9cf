import { chatText, clip } from './chat-text.js';
import { defineTextWebhook } from './text-webhook.js';

/** Rocket.Chat incoming webhook (`/hooks/<id>/<token>`): `{alias, text}`, text at most 5,000 characters (the server's default message size). */
export const rocketchatChannelKind = defineTextWebhook({
  type: 'rocketchat',
  description: 'Rocket.Chat incoming webhook',
  urlIs: 'a Rocket.Chat incoming webhook URL',
  spacingMs: 0,
  body: (message) => ({ alias: 'Vigia', text: clip(chatText(message), 5000) }),
});
