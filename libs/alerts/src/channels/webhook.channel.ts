import { createHmac } from 'node:crypto';
import { type Clock, httpUrl, rule } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, postJson } from './channel.js';
import { defineChannel } from './channel-kind.js';

/**
 * Generic webhook: POST of the message as JSON, signed. `X-Vigia-Timestamp: <unix seconds>` and
 * `X-Vigia-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the channel's secret: a receiver checks
 * both and refuses old timestamps (replay).
 */
export class WebhookChannel implements ChannelAdapter {
  constructor(private readonly clock: Clock) {}

  async deliver(channel: AlertChannel, secret: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const body = { event: message.kind, dedup_key: message.dedupKey, summary: message.summary, severity: message.severity, source: message.source, since: message.since, details: message.details, link: message.link };
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const signature = createHmac('sha256', secret ?? '').update(`${timestamp}.${JSON.stringify(body)}`).digest('hex');
    return postJson(egress, String(channel.config.url), body, { 'x-vigia-timestamp': timestamp, 'x-vigia-signature': `sha256=${signature}` });
  }
}

export const webhookChannelKind = defineChannel({
  type: 'webhook',
  description: 'A signed JSON POST to your URL',
  configHint: 'webhook: {url}',
  config: { url: httpUrl() },
  secretLabel: 'Signing secret',
  secret: rule<string>((v) => (typeof v === 'string' && v.length >= 16 ? undefined : 'must be a signing secret of at least 16 characters')),
  pages: false,
  hearsAcknowledgements: true,
  createAdapter: ({ clock }) => new WebhookChannel(clock),
});
