import { httpUrl, matching } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, postJson } from './channel.js';
import { defineChannel } from './channel-kind.js';

/** PagerDuty Events API v2: trigger and resolve under one dedup_key per incident, so one incident pages once. */
export class PagerDutyChannel implements ChannelAdapter {
  async deliver(channel: AlertChannel, routingKey: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const base = String(channel.config.apiUrl ?? 'https://events.pagerduty.com');
    const body =
      message.kind === 'resolve' || message.kind === 'acknowledge'
        ? { routing_key: routingKey, event_action: message.kind, dedup_key: message.dedupKey }
        : {
            routing_key: routingKey,
            event_action: 'trigger',
            dedup_key: message.dedupKey,
            payload: { summary: message.summary.slice(0, 1024), source: message.source, severity: message.severity, timestamp: message.since, custom_details: message.details },
            ...(message.link ? { links: [{ href: message.link, text: 'Vigia incident' }] } : {}),
          };
    return postJson(egress, `${base.replace(/\/$/, '')}/v2/enqueue`, body, {});
  }
}

export const pagerdutyChannelKind = defineChannel({
  type: 'pagerduty',
  description: 'PagerDuty Events API v2',
  configHint: 'pagerduty: {apiUrl?}',
  config: { apiUrl: httpUrl().optional() },
  secretLabel: 'Integration (routing) key',
  secret: matching(/^[A-Za-z0-9]{32}$/, 'a PagerDuty integration (routing) key: 32 letters and digits'),
  pages: true,
  hearsAcknowledgements: true,
  createAdapter: () => new PagerDutyChannel(),
});
