import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import type { AlertMessage, ChannelAdapter, DeliveryOutcome } from './channel.js';
import { defineChannel } from './channel-kind.js';
import { clip, headline } from './chat-text.js';
import { twilioConfig, twilioCreate, twilioSecret, xmlEscape } from './twilio-api.js';

/** What a call says (twice): the headline, short enough to listen to; a recovery is no reason to wake anyone. */
export function spokenText(message: AlertMessage): string {
  return clip(`Vigia alert. ${headline(message).replace(/^\[[A-Z]+\] /, '')}.`, 600);
}

/** Twilio Programmable Voice (`Calls.json` with inline `Twiml`, at most 4,000 characters): the alert read out twice. */
export class TwilioVoiceChannel implements ChannelAdapter {
  async deliver(channel: AlertChannel, authToken: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    if (message.kind === 'resolve') return { ok: true, response: 'no call for a recovery' };
    const { body: _body, ...outcome } = await twilioCreate(channel, authToken, 'Calls', { Twiml: `<Response><Say loop="2">${xmlEscape(spokenText(message))}</Say></Response>` }, egress);
    return outcome;
  }
}

export const twilioVoiceChannelKind = defineChannel({
  type: 'twilio_voice',
  description: 'Voice call through Twilio',
  configHint: 'twilio_voice: {accountSid, from, to, apiUrl?} (secret: the auth token)',
  config: twilioConfig,
  secretLabel: 'Auth token',
  secret: twilioSecret,
  pages: true,
  hearsAcknowledgements: false,
  createAdapter: () => new TwilioVoiceChannel(),
});
