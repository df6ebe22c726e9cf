import { chatText, clip, headline } from './chat-text.js';
import type { AlertMessage } from './channel.js';
import { humanFacts } from './human-details.js';
import { forPeople } from './human-time.js';
import { defineTextWebhook } from './text-webhook.js';

/** Teams refuses a message over 28 KB; facts are dropped from the end until the card fits. */
const MAX_BYTES = 28_000;

const COLOR: Record<AlertMessage['kind'], string> = { trigger: 'Attention', runbook: 'Warning', acknowledge: 'Accent', resolve: 'Good', test: 'Default' };

/** The Adaptive Card (1.4) of a message, as a Workflows "post to a channel when a webhook request is received" expects it. */
export function adaptiveCard(message: AlertMessage, facts: [string, unknown][]): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: clip(headline(message), 500), weight: 'Bolder', size: 'Medium', wrap: true, color: COLOR[message.kind] },
            { type: 'TextBlock', text: `since ${message.since}`, isSubtle: true, wrap: true },
            { type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value: clip(typeof value === 'string' ? value : JSON.stringify(value), 1000) })) },
          ],
          ...(message.link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Vigia', url: message.link }] } : {}),
        },
      },
    ],
  };
}

/** Microsoft Teams through a Workflows webhook: one Adaptive Card per message, under 28 KB, about 4 requests a second. */
export const teamsChannelKind = defineTextWebhook({
  type: 'teams',
  description: 'Microsoft Teams workflow webhook (Adaptive Card)',
  urlIs: 'a Teams workflow webhook URL',
  spacingMs: 250,
  body: (written) => {
    const message = forPeople(written);
    const facts: [string, unknown][] = humanFacts(message.details);
    let card = adaptiveCard(message, facts);
    while (facts.length && Buffer.byteLength(JSON.stringify(card)) > MAX_BYTES) {
      facts.pop();
      card = adaptiveCard(message, facts);
    }
    return Buffer.byteLength(JSON.stringify(card)) > MAX_BYTES ? adaptiveCard({ ...message, summary: clip(chatText(message), 2000) }, []) : card;
  },
});
