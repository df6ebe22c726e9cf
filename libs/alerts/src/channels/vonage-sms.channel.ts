import { httpUrl, matching } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, send } from './channel.js';
import { defineChannel } from './channel-kind.js';
import { parseJson, RateGate } from './chat-text.js';
import { phone } from './twilio-api.js';
import { smsText } from './twilio-sms.channel.js';

/** Vonage SMS statuses worth another try: 1 throttled (30 messages a second per account), 5 internal error. */
const TRANSIENT = new Set(['1', '5']);

/**
 * Vonage SMS API (`POST /sms/json`, form-encoded `api_key`, `api_secret`, `from`, `to` without the +, `text`): the HTTP
 * answer is 200 even for a refusal, so each message's `status` decides ("0" sent; "1" throttled and "5" retried;
 * anything else final, its `error-text` logged). Text outside GSM's characters goes as `type=unicode`.
 */
export class VonageSmsChannel implements ChannelAdapter {
  private readonly gate = new RateGate(100);

  async deliver(channel: AlertChannel, apiSecret: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const base = String(channel.config.apiUrl ?? 'https://rest.nexmo.com').replace(/\/$/, '');
    const text = smsText(message, 1600);
    const busy = await this.gate.turn(String(channel.config.apiKey));
    if (busy) return busy;
    const form = { api_key: String(channel.config.apiKey), api_secret: apiSecret ?? '', from: String(channel.config.from).replace(/^\+/, ''), to: String(channel.config.to).slice(1), text, ...(/^[\x20-\x7e\n]*$/.test(text) ? {} : { type: 'unicode' }) };
    const { body, ...outcome } = await send(egress, `${base}/sms/json`, { form }, {});
    if (!outcome.ok) return outcome;
    const refused = parseJson<{ messages?: { status?: string; 'error-text'?: string }[] }>(body)?.messages?.find((m) => m.status !== '0');
    if (!refused) return outcome;
    return { ok: false, response: `Vonage status ${refused.status}: ${refused['error-text'] ?? ''}`.trim(), permanent: !TRANSIENT.has(String(refused.status)), retryAfterMs: refused.status === '1' ? 1000 : undefined };
  }
}

export const vonageSmsChannelKind = defineChannel({
  type: 'vonage_sms',
  description: 'SMS through Vonage',
  configHint: 'vonage_sms: {apiKey, from, to, apiUrl?} (secret: the API secret)',
  config: {
    apiKey: matching(/^[0-9a-zA-Z]{6,16}$/, 'a Vonage API key (letters and digits)'),
    from: matching(/^(\+?[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'a phone number or an alphanumeric sender id of at most 11 characters'),
    to: phone(),
    apiUrl: httpUrl().optional(),
  },
  secretLabel: 'API secret',
  secret: matching(/^[A-Za-z0-9]{8,64}$/, 'a Vonage API secret (8 to 64 letters and digits)'),
  pages: true,
  hearsAcknowledgements: false,
  createAdapter: () => new VonageSmsChannel(),
});
