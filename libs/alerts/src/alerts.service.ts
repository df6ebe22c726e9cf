import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { DataSource, Repository } from 'typeorm';
import { type Connection, type PageArgs, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import type { Incident } from '#lib/incidents';
import { SecretBox } from '#lib/secrets';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { AlertChannel, ChannelType } from './alert-channel.entity.js';
import type { AlertMessage } from './channels/channel.js';
import { Notification } from './notification.entity.js';

export interface ChannelInput {
  name: string;
  type: ChannelType;
  /** email: to (list); webhook: url; pagerduty/opsgenie: optional apiUrl. */
  config: Record<string, unknown>;
  secret?: string;
  enabled?: boolean;
}

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

@Injectable()
export class AlertsService {
  readonly scope: TenantScopedRepository<AlertChannel>;

  constructor(
    @InjectRepository(AlertChannel) channels: Repository<AlertChannel>,
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly config: VigiaConfig,
  ) {
    this.scope = new TenantScopedRepository(channels, 'alert channel');
  }

  list(principal: Principal, page: PageArgs): Promise<Connection<AlertChannel>> {
    return this.scope.list(principal, page, 'name');
  }

  async create(principal: Principal, input: ChannelInput): Promise<AlertChannel> {
    const config = validateChannel(input);
    const id = randomUUID();
    return this.scope.create(principal, {
      id,
      name: input.name.trim(),
      type: input.type,
      config,
      secretSealed: input.secret ? this.box.seal(input.secret, `alert_channels:${id}`) : null,
      enabled: input.enabled ?? true,
    });
  }

  /** Queues a test message to one channel; the delivery log shows what the provider answered. */
  async test(principal: Principal, channelId: string): Promise<Notification> {
    const channel = await this.scope.get(principal, channelId, 'channelId');
    const message: AlertMessage = { kind: 'test', dedupKey: `vigia-test-${randomUUID()}`, summary: `Test from Vigia to ${channel.name}`, severity: 'info', source: 'vigia', since: new Date().toISOString(), details: { note: 'If you read this, the channel works.' } };
    return this.notifications.save({ tenantId: principal.tenantId, channelId: channel.id, incidentId: randomUUID(), kind: 'test', payload: message as never, status: 'queued', attempts: 0, nextAttemptAt: new Date(), lastError: null, sentAt: null });
  }

  /** A confirmed, unsuppressed outage: one trigger per enabled channel of the tenant (dedup: one row per channel). */
  async incidentOpened(incident: Incident, monitorName: string): Promise<void> {
    if (incident.suppressed) return;
    const channels: { id: string }[] = await this.dataSource.query('SELECT id FROM alert_channels WHERE tenant_id = $1 AND enabled', [incident.tenantId]);
    await this.enqueue(incident, 'trigger', await this.describe(incident, monitorName, 'trigger'), channels.map((c) => c.id));
  }

  /** Recovery reaches every channel that was paged for the incident, whatever happened since. */
  async incidentResolved(incident: Incident, monitorName: string): Promise<void> {
    const paged: { id: string }[] = await this.dataSource.query(
      "SELECT channel_id AS id FROM notifications WHERE tenant_id = $1 AND incident_id = $2 AND kind = 'trigger'",
      [incident.tenantId, incident.id],
    );
    await this.enqueue(incident, 'resolve', await this.describe(incident, monitorName, 'resolve'), paged.map((c) => c.id));
  }

  deliveryLog(principal: Principal, incidentId: string): Promise<Notification[]> {
    return this.notifications.find({ where: { tenantId: principal.tenantId, incidentId }, order: { createdAt: 'ASC' } });
  }

  private async enqueue(incident: Incident, kind: 'trigger' | 'resolve', message: AlertMessage, channelIds: string[]): Promise<void> {
    if (!channelIds.length) return;
    await this.dataSource.query(
      `INSERT INTO notifications (tenant_id, channel_id, incident_id, kind, payload, status, next_attempt_at)
       SELECT $1, c, $2, $3, $4, 'queued', now() FROM unnest($5::uuid[]) AS c
       ON CONFLICT (channel_id, incident_id, kind) DO NOTHING`,
      [incident.tenantId, incident.id, kind, JSON.stringify(message), channelIds],
    );
  }

  private async describe(incident: Incident, monitorName: string, kind: 'trigger' | 'resolve'): Promise<AlertMessage> {
    const [context]: { host: string; address: string; service: string | null; customers: string[] }[] = await this.dataSource.query(
      `SELECT h.name AS host, h.addresses[1] AS address, s.name AS service,
              coalesce(array(SELECT c.name FROM service_customers sc JOIN customers c ON c.id = sc.customer_id WHERE sc.service_id = s.id ORDER BY c.name LIMIT 20), '{}') AS customers
         FROM hosts h LEFT JOIN services s ON s.id = $2 WHERE h.id = $1`,
      [incident.hostId, incident.serviceId],
    );
    const what = context?.service ? `${context.service} on ${context.host}` : (context?.host ?? 'host');
    const summary = kind === 'resolve' ? `${what} recovered (${monitorName})` : `${what} is DOWN (${monitorName})`;
    return {
      kind,
      dedupKey: `vigia-incident-${incident.id}`,
      summary,
      severity: 'critical',
      source: context?.address ?? context?.host ?? 'unknown',
      since: incident.openedAt.toISOString(),
      details: {
        reason: kind === 'resolve' ? (incident.resolveReason ?? '') : incident.openReason,
        down_since: incident.openedAt.toISOString(),
        ...(incident.resolvedAt ? { resolved_at: incident.resolvedAt.toISOString() } : {}),
        impacted_customers: context?.customers ?? [],
        runbook: 'none running',
      },
      link: `${this.config.publicUrl}/incidents/${incident.id}`,
    };
  }
}

function validateChannel(input: ChannelInput): Record<string, unknown> {
  const c = input.config;
  const known: Record<ChannelType, string[]> = { email: ['to'], webhook: ['url'], pagerduty: ['apiUrl'], opsgenie: ['apiUrl'] };
  for (const key of Object.keys(c)) if (!known[input.type].includes(key)) throw VigiaException.invalid(`input.config.${key}`, `is not a setting of a ${input.type} channel`);
  if (input.type === ChannelType.email) {
    const to = c.to;
    if (!Array.isArray(to) || !to.length || to.length > 50) throw VigiaException.invalid('input.config.to', 'must list 1 to 50 e-mail addresses');
    to.forEach((a, i) => {
      if (typeof a !== 'string' || !EMAIL.test(a)) throw VigiaException.invalid(`input.config.to[${i}]`, 'must be an e-mail address');
    });
  }
  for (const key of ['url', 'apiUrl']) {
    if (c[key] === undefined) continue;
    if (!isHttpUrl(c[key])) throw VigiaException.invalid(`input.config.${key}`, 'must be an http:// or https:// URL');
  }
  if (input.type === ChannelType.webhook && c.url === undefined) throw VigiaException.invalid('input.config.url', 'is required for a webhook');
  if (input.type === ChannelType.pagerduty && !/^[A-Za-z0-9]{32}$/.test(input.secret ?? '')) throw VigiaException.invalid('input.secret', 'must be a PagerDuty integration (routing) key: 32 letters and digits');
  if (input.type === ChannelType.opsgenie && !/^[0-9a-f-]{36}$/i.test(input.secret ?? '')) throw VigiaException.invalid('input.secret', 'must be an Opsgenie API key (a UUID)');
  if (input.type === ChannelType.webhook && (input.secret ?? '').length < 16) throw VigiaException.invalid('input.secret', 'must be a signing secret of at least 16 characters');
  return c;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 2048) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && (url.hostname.length > 0 || isIP(url.hostname) > 0);
  } catch {
    return false;
  }
}
