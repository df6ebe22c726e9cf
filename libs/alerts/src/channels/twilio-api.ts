import { createHmac, timingSafeEqual } from 'node:crypto';
import { httpUrl, matching } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type DeliveryOutcome, send } from './channel.js';
import { RateGate } from './chat-text.js';

/** A phone number in E.164: `+`, country code, at most 15 digits. */
export const E164 = /^\+[1-9]\d{6,14}$/;
export const phone = () => matching(E164, 'a phone number in E.164 form (+ then country code and number, e.g. +4915112345678)');

/** The settings Twilio's SMS and voice kinds share. */
export const twilioConfig = {
  accountSid: matching(/^AC[0-9a-f]{32}$/, 'a Twilio Account SID (AC and 32 hex digits)'),
  from: phone(),
  to: phone(),
  apiUrl: httpUrl().optional(),
};
export const twilioSecret = matching(/^[0-9a-f]{32}$/, 'a Twilio auth token (32 hex digits)');

/** Twilio counts long-code sending at about one message (or call) a second per number: bursts wait here. */
const gate = new RateGate(1000);

/**
 * A POST to Twilio's REST API (`/2010-04-01/Accounts/<sid>/<resource>.json`), form-encoded, HTTP Basic with the
 * Account SID and auth token; 201 is success, 429 (error 20429) is retried after its Retry-After, other 4xx are final.
 */
export async function twilioCreate(channel: AlertChannel, authToken: string | null, resource: 'Messages' | 'Calls', form: Record<string, string>, egress: EgressGuard): Promise<DeliveryOutcome & { body: string }> {
  const sid = String(channel.config.accountSid);
  const base = String(channel.config.apiUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
  const busy = await gate.turn(String(channel.config.from));
  if (busy) return { ...busy, body: '' };
  const auth = Buffer.from(`${sid}:${authToken ?? ''}`).toString('base64');
  return send(egress, `${base}/2010-04-01/Accounts/${sid}/${resource}.json`, { form: { To: String(channel.config.to), From: String(channel.config.from), ...form } }, { authorization: `Basic ${auth}` });
}

/**
 * Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the auth token, of the full URL
 * Twilio called followed by every POST parameter's name and value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params).sort().reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Whether `signature` is Twilio's for this request (constant-time comparison). */
export function isTwilioSigned(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** XML text escaped for TwiML. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
