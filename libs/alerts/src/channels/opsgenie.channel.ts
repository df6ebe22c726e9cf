import { httpUrl, matching } from '#lib/common';
import type { EgressGuard } from '#lib/egress';
import type { AlertChannel } from '../alert-channel.entity.js';
import { type AlertMessage, type ChannelAdapter, type DeliveryOutcome, postJson } from './channel.js';
import { defineChannel } from './channel-kind.js';

/** Opsgenie Alert API: create with the incident's alias, close by alias. */
export class OpsgenieChannel implements ChannelAdapter {
  async deliver(channel: AlertChannel, apiKey: string | null, message: AlertMessage, egress: EgressGuard): Promise<DeliveryOutcome> {
    const base = String(channel.config.apiUrl ?? 'https://api.opsgenie.com').replace(/\/$/, '');
    const headers = { authorization: `GenieKey ${apiKey ?? ''}` };
    if (message.kind === 'resolve' || message.kind === 'acknowledge') {
      const action = message.kind === 'resolve' ? 'close' : 'acknowledge';
      return postJson(egress, `${base}/v2/alerts/${encodeURIComponent(message.dedupKey)}/${action}?identifierType=alias`, { source: 'Vigia', note: message.summary }, headers);
    }
    const priority = message.severity === 'critical' ? 'P1' : message.severity === 'warning' ? 'P3' : 'P5';
    return postJson(egress, `${base}/v2/alerts`, { message: message.summary.slice(0, 130), alias: message.dedupKey, description: JSON.stringify(message.details, null, 2).slice(0, 15_000), priority, source: 'Vigia', details: { since: message.since, source: message.source } }, headers);
  }
}

export const opsgenieChannelKind = defineChannel({
  type: 'opsgenie',
  description: 'Opsgenie Alert API',
  configHint: 'opsgenie: {apiUrl?}',
  config: { apiUrl: httpUrl().optional() },
  secretLabel: 'API key',
  secret: matching(/^[0-9a-f-]{36}$/i, 'an Opsgenie API key (a UUID)'),
  pages: true,
  hearsAcknowledgements: true,
  createAdapter: () => new OpsgenieChannel(),
});
