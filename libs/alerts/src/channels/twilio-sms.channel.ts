import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import type { AlertMessage, ChannelAdapter, DeliveryOutcome } from './channel.js';
import { defineChannel, type ThreadStore } from './channel-kind.js';
import { clip, headline, incidentIdOf, parseJson, shortIdOf } from './chat-text.js';
import { forPeople } from './human-time.js';
import { isTwilioSigned, twilioConfig, twilioCreate, twilioSecret, xmlEscape } from './twilio-api.js';

/** What an SMS says: the headline, since when (the tenant's zone), the reason, the incident's short id (a reply keyword names it). */
export function smsText(written: AlertMessage, max: number): string {
  const message = forPeople(written);
  const reason = typeof message.details.reason === 'string' && message.details.reason ? `\n${message.details.reason}` : '';
  const id = shortIdOf(message.dedupKey);
  return clip(`${headline(message)}\nsince ${message.since}${reason}${id ? `\nid ${id}` : ''}`, max);
}

/**
 * Twilio Programmable Messaging (`Messages.json`): Body at most 1,600 characters (Twilio's limit). An alert's message
 * SID is kept, so a reply `ACK` (without an id) acknowledges the latest alert sent to this channel.
 */
export class TwilioSmsChannel implements ChannelAdapter {
  constructor(private readonly threads: ThreadStore) {}

  async deliver(channel: AlertChannel, authToken: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const { body, ...outcome } = await twilioCreate(channel, authToken, 'Messages', { Body: smsText(message, 1600) }, egress);
    const sid = parseJson<{ sid?: unknown }>(body)?.sid;
    if (outcome.ok && message.kind === 'trigger' && incidentIdOf(message.dedupKey)) await this.threads.remember(channel.id, message.dedupKey, typeof sid === 'string' ? sid : message.dedupKey);
    return outcome;
  }
}

export const twilioSmsChannelKind = defineChannel({
  type: 'twilio_sms',
  description: 'SMS through Twilio',
  configHint: 'twilio_sms: {accountSid, from, to, apiUrl?} (secret: the auth token)',
  config: twilioConfig,
  secretLabel: 'Auth token',
  secret: twilioSecret,
  pages: true,
  hearsAcknowledgements: false,
  createAdapter: ({ threads }) => new TwilioSmsChannel(threads),
  // Replies: the Twilio number's "A message comes in" webhook set to <VIGIA_PUBLIC_URL>/alerts/inbound/<channel id>.
  inbound: {
    chat: 'sms',
    read: (_channel, authToken, request) =>
      authToken && isTwilioSigned(authToken, request.url, request.form, request.headers['x-twilio-signature'] as string | undefined)
        ? { from: request.form.From ?? '', text: request.form.Body ?? '' }
        : undefined,
    answer: (text) => ({ contentType: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${xmlEscape(text)}</Message></Response>` }),
  },
});
