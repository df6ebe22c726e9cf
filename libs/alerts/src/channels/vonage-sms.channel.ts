import { httpUrl, matching, oneOf } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, send } from './channel.js';
import { defineChannel, type ThreadStore } from './channel-kind.js';
import { incidentIdOf, parseJson, RateGate } from './chat-text.js';
import { phone } from './twilio-api.js';
import { smsText } from './twilio-sms.channel.js';
import { isVonageSigned, VONAGE_SIGNATURE_METHODS, type VonageSignatureMethod } from './vonage-signature.js';

/** The secret is `<API secret>` or `<API secret> <signature secret>` (the second only for acknowledgements by SMS reply). */
function secrets(secret: string | null): { api: string; signature?: string } {
  const [api = '', signature] = (secret ?? '').trim().split(/\s+/);
  return { api, signature };
}

/** Vonage SMS statuses worth another try: 1 throttled (30 messages a second per account), 5 internal error. */
const TRANSIENT = new Set(['1', '5']);

/**
 * Vonage SMS API (`POST /sms/json`, form-encoded `api_key`, `api_secret`, `from`, `to` without the +, `text`): the HTTP
 * answer is 200 even for a refusal, so each message's `status` decides ("0" sent; "1" throttled and "5" retried;
 * anything else final, its `error-text` logged). Text outside GSM's characters goes as `type=unicode`.
 */
export class VonageSmsChannel implements ChannelAdapter {
  private readonly gate = new RateGate(100);

  constructor(private readonly threads: ThreadStore) {}

  async deliver(channel: AlertChannel, secret: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const apiSecret = secrets(secret).api;
    const base = String(channel.config.apiUrl ?? 'https://rest.nexmo.com').replace(/\/$/, '');
    const text = smsText(message, 1600);
    const busy = await this.gate.turn(String(channel.config.apiKey));
    if (busy) return busy;
    const form = { api_key: String(channel.config.apiKey), api_secret: apiSecret, from: String(channel.config.from).replace(/^\+/, ''), to: String(channel.config.to).slice(1), text, ...(/^[\x20-\x7e\n]*$/.test(text) ? {} : { type: 'unicode' }) };
    const { body, ...outcome } = await send(egress, `${base}/sms/json`, { form }, {});
    if (!outcome.ok) return outcome;
    const messages = parseJson<{ messages?: { status?: string; 'error-text'?: string; 'message-id'?: string }[] }>(body)?.messages;
    const refused = messages?.find((m) => m.status !== '0');
    if (!refused) {
      // An alert sent is remembered, so a reply ACK (without an id) acknowledges the latest one (as Twilio's).
      if (message.kind === 'trigger' && incidentIdOf(message.dedupKey)) await this.threads.remember(channel.id, message.dedupKey, messages?.[0]?.['message-id'] ?? message.dedupKey);
      return outcome;
    }
    return { ok: false, response: `Vonage status ${refused.status}: ${refused['error-text'] ?? ''}`.trim(), permanent: !TRANSIENT.has(String(refused.status)), retryAfterMs: refused.status === '1' ? 1000 : undefined };
  }
}

export const vonageSmsChannelKind = defineChannel({
  type: 'vonage_sms',
  description: 'SMS through Vonage',
  configHint: 'vonage_sms: {apiKey, from, to, apiUrl?, signatureMethod?} (secret: the API secret, then the signature secret for replies)',
  config: {
    apiKey: matching(/^[0-9a-zA-Z]{6,16}$/, 'a Vonage API key (letters and digits)'),
    from: matching(/^(\+?[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/, 'a phone number or an alphanumeric sender id of at most 11 characters'),
    to: phone(),
    apiUrl: httpUrl().optional(),
    signatureMethod: oneOf(VONAGE_SIGNATURE_METHODS, { message: 'must be md5hash, md5, sha1, sha256 or sha512 (the account\'s signature method)' }).optional(),
  },
  secretLabel: 'API secret (and signature secret)',
  secret: matching(/^[A-Za-z0-9]{8,64}(\s+\S{16,256})?$/, 'a Vonage API secret (8 to 64 letters and digits), optionally followed by a space and the account\'s signature secret (for acknowledgements by SMS reply)'),
  pages: true,
  hearsAcknowledgements: false,
  createAdapter: ({ threads }) => new VonageSmsChannel(threads),
  // Replies: the Vonage number's inbound webhook (HTTP POST) set to <VIGIA_PUBLIC_URL>/alerts/inbound/<channel id>, with
  // signed webhooks on. Unsigned, wrongly signed or older than five minutes: refused. Vonage takes no reply in the
  // answer; the acknowledgement's own message reaches the NOC number as every channel's does.
  inbound: {
    chat: 'sms',
    read: (channel, secret, request) => {
      const { signature } = secrets(secret);
      const method = (channel.config.signatureMethod as VonageSignatureMethod | undefined) ?? 'md5hash';
      if (!signature || !isVonageSigned(request.form, signature, method, request.at)) return undefined;
      return { from: `+${(request.form.msisdn ?? '').replace(/^\+/, '')}`, text: request.form.text ?? '' };
    },
    answer: () => ({ contentType: 'text/plain', body: '' }),
  },
});
