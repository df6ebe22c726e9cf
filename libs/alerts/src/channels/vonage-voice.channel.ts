import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { type Clock, httpUrl, matching, rule } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, postJson } from './channel.js';
import { defineChannel } from './channel-kind.js';
import { phone } from './twilio-api.js';
import { spokenText } from './twilio-voice.channel.js';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * The JWT Vonage's Voice API takes as a bearer token: RS256 over `{application_id, iat, exp, jti}` with the
 * application's private key (Vonage's documented claims; 5 minutes of validity).
 */
export function vonageJwt(applicationId: string, privateKey: string, nowSeconds: number): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ application_id: applicationId, iat: nowSeconds, exp: nowSeconds + 300, jti: randomUUID() }));
  return `${head}.${claims}.${b64url(sign('sha256', Buffer.from(`${head}.${claims}`), createPrivateKey(privateKey)))}`;
}

/** Vonage Voice API (`POST /v1/calls`): the alert read out twice by a `talk` action; no call for a recovery. */
export class VonageVoiceChannel implements ChannelAdapter {
  constructor(private readonly clock: Clock) {}

  async deliver(channel: AlertChannel, privateKey: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    if (message.kind === 'resolve') return { ok: true, response: 'no call for a recovery' };
    const base = String(channel.config.apiUrl ?? 'https://api.nexmo.com').replace(/\/$/, '');
    const jwt = vonageJwt(String(channel.config.applicationId), privateKey ?? '', Math.floor(this.clock.now().getTime() / 1000));
    const number = (n: unknown) => String(n).replace(/^\+/, '');
    return postJson(egress, `${base}/v1/calls`, {
      to: [{ type: 'phone', number: number(channel.config.to) }],
      from: { type: 'phone', number: number(channel.config.from) },
      ncco: [{ action: 'talk', text: spokenText(message), loop: 2 }],
    }, { authorization: `Bearer ${jwt}` });
  }
}

export const vonageVoiceChannelKind = defineChannel({
  type: 'vonage_voice',
  description: 'Voice call through Vonage',
  configHint: 'vonage_voice: {applicationId, from, to, apiUrl?} (secret: the application private key, PEM)',
  config: {
    applicationId: matching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a Vonage application id (a UUID)'),
    from: phone(),
    to: phone(),
    apiUrl: httpUrl().optional(),
  },
  secretLabel: 'Application private key (PEM)',
  secretMultiline: true,
  secret: rule<string>((v) => {
    try {
      return typeof v === 'string' && createPrivateKey(v).asymmetricKeyType === 'rsa' ? undefined : 'must be the Vonage application private key (RSA, PEM)';
    } catch {
      return 'must be the Vonage application private key (RSA, PEM)';
    }
  }),
  pages: true,
  hearsAcknowledgements: false,
  createAdapter: ({ clock }) => new VonageVoiceChannel(clock),
});
