import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, type Clock, type Connection, formatDuration, type PageArgs, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { MonitorHealth } from '#lib/detection';
import { type Incident, IncidentsService, RUNBOOK_STATUS, type RunbookStatusSource } from '#lib/incidents';
import { SecretBox } from '#lib/secrets';
import { type Principal, Role, roleAtLeast, type TenantFact, TenantFacts, TenantPeople, TenantScopedRepository } from '#lib/tenancy';
import { type OutageSubject, OutageSubjects } from '#lib/inventory';
import { AlertChannel, type ChannelType } from './alert-channel.entity.js';
import { channelKind, channelTypesWhere, validateChannel } from './channels/channel-kinds.js';
import { afterQuietHours, EscalationPlanner } from './escalation.planner.js';
import { EscalationTargets } from './escalation-targets.js';
import type { AlertMessage } from './channels/channel.js';
import { Notification } from './notification.entity.js';
import { EgressPolicy } from '#lib/egress';
import { localInstant, localMinute } from './channels/human-time.js';

export interface ChannelInput {
  name: string;
  type: ChannelType;
  /** Per kind: its `config` fields (channels/<type>.channel.ts). */
  config: Record<string, unknown>;
  secret?: string;
  enabled?: boolean;
}

@Injectable()
export class AlertsService {
  readonly scope: TenantScopedRepository<AlertChannel>;

  constructor(
    @InjectRepository(AlertChannel) channels: Repository<AlertChannel>,
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly config: VigiaConfig,
    private readonly incidents: IncidentsService,
    private readonly escalation: EscalationPlanner,
    private readonly targets: EscalationTargets,
    private readonly egress: EgressPolicy,
    private readonly subjects: OutageSubjects,
    private readonly tenants: TenantFacts,
    private readonly people: TenantPeople,
    private readonly health: MonitorHealth,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(RUNBOOK_STATUS) private readonly runbookStatus?: RunbookStatusSource,
  ) {
    this.scope = new TenantScopedRepository(channels, 'alert channel');
  }

  list(principal: Principal, page: PageArgs): Promise<Connection<AlertChannel>> {
    return this.scope.list(principal, page, 'name');
  }

  async create(principal: Principal, input: ChannelInput): Promise<AlertChannel> {
    const config = validateChannel(input, this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
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

  /** Replaces a channel's settings; the secret only when a new one is given (it is never read back). */
  async update(principal: Principal, id: string, input: ChannelInput): Promise<AlertChannel> {
    const channel = await this.scope.get(principal, id);
    if (input.type !== channel.type) throw VigiaException.invalid('input.type', 'cannot change; create another channel');
    // Omitted keeps the stored secret; an empty one removes it (a kind that needs one then refuses, naming `secret`).
    const removing = input.secret === '';
    const secret = removing ? undefined : (input.secret ?? (channel.secretSealed ? this.box.open(channel.secretSealed, `alert_channels:${channel.id}`) : undefined));
    const config = validateChannel({ ...input, secret }, this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
    return this.scope.update(principal, id, {
      name: input.name.trim(),
      config,
      enabled: input.enabled ?? channel.enabled,
      secretSealed: removing ? null : input.secret ? this.box.seal(input.secret, `alert_channels:${channel.id}`) : channel.secretSealed,
    });
  }

  /** Queues a test message to one channel; the delivery log shows what the provider answered. */
  async test(principal: Principal, channelId: string): Promise<Notification> {
    const channel = await this.scope.get(principal, channelId, 'channelId');
    const message: AlertMessage = { kind: 'test', dedupKey: `vigia-test-${randomUUID()}`, summary: `Test from Vigia to ${channel.name}`, severity: 'info', source: 'vigia', since: this.clock.now().toISOString(), details: { note: 'If you read this, the channel works.' }, timeZone: (await this.tenants.of(channel.tenantId))?.timeZone ?? 'UTC' };
    return this.notifications.save({ tenantId: principal.tenantId, channelId: channel.id, incidentId: randomUUID(), kind: 'test', payload: message as never, status: 'queued', attempts: 0, nextAttemptAt: this.clock.now(), lastError: null, sentAt: null });
  }

  /**
   * A confirmed, unsuppressed outage: the first matching escalation policy's steps (later steps wait for their delay
   * and go out only while nobody has acknowledged), or every enabled channel at once when no policy matches.
   * Replays queue nothing new (one row per channel, incident and step). An incident released from flap damping
   * while still down escalates from the release (`escalateFrom`): its later steps keep their delays.
   */
  async incidentOpened(incident: Incident, monitorName: string, escalateFrom: Date = incident.openedAt): Promise<void> {
    if (incident.suppressed) return;
    // One read of what the outage is about and of the tenant serves the message, the routing and the customer notice.
    const subject = await this.subjects.of(incident.hostId, incident.serviceId, incident.monitorId);
    const tenant = await this.tenants.of(incident.tenantId);
    // The acknowledgement link is made per channel at delivery, never stored: viewers read payloads.
    const message = { ...(await this.describe(incident, monitorName, 'trigger', subject, tenant?.timeZone ?? 'UTC')), ackable: true };
    const where = { site: subject.host?.siteKey, timeZone: tenant?.timeZone ?? 'UTC' };
    const types = new Map<string, string>((await this.dataSource.query('SELECT id, type FROM alert_channels WHERE tenant_id = $1', [incident.tenantId]) as { id: string; type: string }[]).map((c) => [c.id, c.type]));
    await this.customerNotices(incident, 'customer_down', { subject, tenant });
    for (const step of await this.escalation.plan(incident, subject)) {
      const at = new Date(escalateFrom.getTime() + step.delayMinutes * 60_000);
      // Pagers deduplicate per incident themselves; messages (e-mail, webhook) wait the grouping window for company.
      const pagers = step.channelIds.filter((c) => channelKind(types.get(c) ?? '')?.pages);
      const messages = step.channelIds.filter((c) => !pagers.includes(c));
      await this.enqueue(incident, 'trigger', message, pagers, step.index, at, undefined, step.policyId);
      const messageAt = afterQuietHours(Math.max(at.getTime(), this.clock.now().getTime()), step.quietHours, where.timeZone) + this.config.alertGroupMs;
      await this.enqueue(incident, 'trigger', message, messages, step.index, new Date(messageAt), where.site, step.policyId);
      // Schedules and people: resolved when the step comes due, each person then paged by their own rules.
      await this.targets.enqueue(incident, message, step, at);
    }
  }

  /**
   * Optional (per tenant, off by default) e-mail to the customers of the affected service: what is affected and
   * since when, in their words — no host names, addresses or probe output. Recovery is announced the same way.
   */
  async customerNotices(incident: Incident, kind: 'customer_down' | 'customer_up', known: { subject?: OutageSubject; tenant?: TenantFact } = {}): Promise<void> {
    if (incident.suppressed || !incident.serviceId) return;
    const tenant = 'tenant' in known ? known.tenant : await this.tenants.of(incident.tenantId);
    if (!tenant?.customerNotices) return;
    const subject = known.subject ?? (await this.subjects.of(incident.hostId, incident.serviceId, incident.monitorId));
    const recipients = subject.customers.filter((c) => c.email);
    if (!recipients.length || !subject.service) return;
    // In the customers' words and the company's clock: the name they know the service by, the company's time zone.
    const service = subject.service.customerFacingName ?? subject.service.name;
    const summary = kind === 'customer_down' ? `${service} is currently unavailable` : `${service} is available again`;
    const when = (at: Date): string => localMinute(at, tenant.timeZone);
    const text =
      kind === 'customer_down'
        ? `We have detected that ${service} has been unavailable since ${when(incident.openedAt)}. Our team is on it; you will hear from us when it is back.`
        : `${service} is available again since ${when(incident.resolvedAt ?? this.clock.now())}. Thank you for your patience.`;
    await this.dataSource.query(
      `INSERT INTO notifications (tenant_id, channel_id, recipient, incident_id, kind, step, payload, status, next_attempt_at)
       SELECT $1, NULL, r, $2, $3, 0, $4, 'queued', $6::timestamptz FROM unnest($5::text[]) AS r
       ON CONFLICT (incident_id, recipient, kind) WHERE recipient IS NOT NULL DO NOTHING`,
      [incident.tenantId, incident.id, kind, JSON.stringify({ kind, summary, text, from: tenant.name }), recipients.map((r) => r.email), this.clock.now()],
    );
  }

  /** Recovery cancels pending escalation and reaches every channel that was paged for the incident. */
  async incidentResolved(incident: Incident, monitorName: string): Promise<void> {
    await this.cancelPending(incident.id);
    if (await this.hasNotified(incident.id)) await this.customerNotices(incident, 'customer_up');
    const paged = await this.pagedChannels(incident, false);
    // An outage over before anything about it went out (inside the grouping window: no page to a channel or a person
    // sent or being sent) is left unsaid — unless a runbook acted on it: a VIP moved or a replica promoted is a
    // changed fleet the people on call must hear about. It goes to the first escalation step, after its quiet hours.
    const unheard = !paged.length && !incident.suppressed && !(await this.anythingSent(incident.id)) && ((await this.runbookStatus?.acted(incident)) ?? false);
    const first = unheard ? (await this.escalation.plan(incident))[0] : undefined;
    const zone = first?.quietHours ? ((await this.tenants.of(incident.tenantId))?.timeZone ?? 'UTC') : 'UTC';
    const at = first ? new Date(afterQuietHours(this.clock.now().getTime(), first.quietHours, zone)) : undefined;
    const message = await this.describe(incident, monitorName, 'resolve', undefined, undefined, unheard);
    await this.enqueue(incident, 'resolve', message, first?.channelIds ?? paged, 0, at);
    await this.tellPagedPeople(incident, 'resolve', message, ['phone:voice']);
  }

  /**
   * The people an escalation paged personally (through a schedule or by name) hear what their channel peers hear: one
   * message per contact their pages reached. Before, a recovery reached the channels only — the person woken at 3 a.m.
   * by a schedule never learnt the outage was over. `except`: contact kinds that do not hear this (a voice call to say
   * it is over; e-mail for an acknowledgement, as for channels). Idempotent (one row per incident, kind and contact).
   */
  private async tellPagedPeople(incident: Incident, kind: 'resolve' | 'acknowledge', message: AlertMessage, except: string[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO notifications (tenant_id, channel_id, incident_id, kind, step, payload, status, next_attempt_at, target_key, user_id, schedule_id, contact_kind, address)
       SELECT DISTINCT ON (n.target_key) n.tenant_id, NULL, n.incident_id, $2, 0, $3, 'queued', $4, n.target_key, n.user_id, n.schedule_id, n.contact_kind, n.address
         FROM notifications n
        WHERE n.incident_id = $1 AND n.kind = 'trigger' AND n.target_key LIKE 'page:%' AND n.contact_kind <> ALL($5::text[])
          AND (n.status = 'sent' OR ${groupedIntoSent("'sent'")})
        ORDER BY n.target_key
       ON CONFLICT (incident_id, kind, step, target_key) WHERE target_key <> '' DO NOTHING`,
      [incident.id, kind, JSON.stringify(message), this.clock.now(), except],
    );
  }

  /**
   * Something about an open incident needs a person (a runbook failed, paused for approval, or a step's outcome is
   * unknown; a vantage's blind monitors), paged to whoever was paged for the incident (or its first escalation step).
   * `key` (the outbox row) makes it idempotent: the same attention handled twice queues one message. It carries the
   * acknowledgement link as the page did: the person it reaches may be the first to see the incident.
   */
  async runbookAttention(incident: Incident, summary: string, key: number): Promise<void> {
    let channels = await this.pagedChannels(incident, false);
    if (!channels.length) channels = (await this.escalation.plan(incident))[0]?.channelIds ?? [];
    const message = { ...(await this.describe(incident, summary, 'runbook')), summary, ackable: true };
    await this.enqueue(incident, 'runbook', message, channels, 1000 + (key % 2_000_000_000));
  }


  /** An acknowledgement (from the incident outbox): escalation stops, and the pagers that were paged are told. Idempotent. */
  async incidentAcknowledged(incident: Incident, by: string): Promise<void> {
    await this.cancelPending(incident.id);
    const message = { ...(await this.describe(incident, `acknowledged by ${by}`, 'acknowledge')), summary: `Acknowledged by ${by}` };
    await this.enqueue(incident, 'acknowledge', message, await this.pagedChannels(incident, true));
    await this.tellPagedPeople(incident, 'acknowledge', message, ['phone:voice', 'phone:sms', 'email']);
  }

  /** Whether any page about the incident (to a channel, a schedule or a person) was sent or is being sent. */
  private async anythingSent(incidentId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notifications n WHERE n.incident_id = $1 AND n.kind = 'trigger' AND (n.status IN ('sent', 'sending') OR ${groupedIntoSent("'sent', 'sending'")}) LIMIT 1`,
      [incidentId],
    );
    return rows.length > 0;
  }

  private async hasNotified(incidentId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query("SELECT 1 FROM notifications WHERE incident_id = $1 AND kind = 'customer_down' LIMIT 1", [incidentId]);
    return rows.length > 0;
  }

  private async cancelPending(incidentId: string): Promise<void> {
    await this.dataSource.query("UPDATE notifications SET status = 'cancelled' WHERE incident_id = $1 AND kind = 'trigger' AND status IN ('queued', 'failed')", [incidentId]);
  }

  /** Channels a trigger reached; with `pagersOnly`, those that hear acknowledgements (not e-mail: its reader knows). */
  private async pagedChannels(incident: Incident, pagersOnly: boolean): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT n.channel_id AS id FROM notifications n JOIN alert_channels c ON c.id = n.channel_id
        WHERE n.tenant_id = $1 AND n.incident_id = $2 AND n.kind = 'trigger' AND (n.status = 'sent' OR ${groupedIntoSent("'sent'")})
          AND (NOT $3 OR c.type = ANY($4::text[]))`,
      [incident.tenantId, incident.id, pagersOnly, channelTypesWhere((k) => k.hearsAcknowledgements)],
    );
    return rows.map((r) => r.id);
  }



  /** The other incidents a grouped message to this channel listed, led by `incidentId`'s trigger. */
  async groupedWith(tenantId: string, incidentId: string, channelId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT f.incident_id AS id FROM notifications l JOIN notifications f ON f.grouped_into = l.id
        WHERE l.tenant_id = $1 AND l.incident_id = $2 AND l.channel_id = $3 AND l.kind = 'trigger' AND f.tenant_id = $1 AND f.incident_id <> $2`,
      [tenantId, incidentId, channelId],
    );
    return rows.map((r) => r.id);
  }

  /** Who acknowledged through a link sent to a channel: `e-mail link to a@x, b@y (channel "Ops mail")`. */
  async linkRecipient(tenantId: string, channelId: string): Promise<string> {
    const [row]: { name: string; to: unknown }[] = await this.dataSource.query(
      "SELECT name, config->'to' AS to FROM alert_channels WHERE id = $1 AND tenant_id = $2",
      [channelId, tenantId],
    );
    if (!row) return 'e-mail link (channel since deleted)';
    const to = Array.isArray(row.to) ? ` to ${row.to.filter((a) => typeof a === 'string').join(', ')}` : '';
    return `e-mail link${to} (channel "${row.name}")`;
  }

  /**
   * What the e-mail acknowledgement page names before its button, so nobody acknowledges the wrong outage at 3 a.m.:
   * "shop on web-a is DOWN (web-a http) since 2026-10-20 11:20:00 +02:00 Europe/Madrid", and where it stands now.
   */
  async ackHeadline(tenantId: string, incidentId: string): Promise<{ what: string; state: string; settled: boolean } | null> {
    const incident = await this.incidents.of(tenantId, incidentId);
    if (!incident) return null;
    // "web1 · www · www http": host, service and monitor, as the dashboard names an incident.
    const named = (await this.subjects.named(tenantId, incident.monitorId)) ?? 'a deleted monitor';
    const zone = (await this.tenants.of(tenantId))?.timeZone ?? 'UTC';
    const what = `${named}: down since ${localInstant(incident.openedAt.toISOString(), zone)}`;
    const state = incident.resolvedAt
      ? `It recovered at ${localInstant(incident.resolvedAt.toISOString(), zone)}.`
      : incident.acknowledgedAt
        ? `Already acknowledged by ${incident.acknowledgedBy ?? 'someone'} at ${localInstant(incident.acknowledgedAt.toISOString(), zone)}.`
        : 'Still open, not acknowledged.';
    return { what, state, settled: incident.resolvedAt !== null || incident.acknowledgedAt !== null };
  }

  /** Who acknowledged through a personal page's link: `e-mail link to ana (on call)`. */
  async personRecipient(tenantId: string, userId: string): Promise<string> {
    const person = (await this.people.of(tenantId, [userId])).get(userId);
    return person ? `e-mail link to ${person.displayName} <${person.email}> (paged personally)` : 'e-mail link (person since removed)';
  }

  /** The delivery log; what may act on the incident (acknowledgement links) is shown only to those who may act. */
  async deliveryLog(principal: Principal, incidentId: string): Promise<Notification[]> {
    const rows = await this.notifications.find({ where: { tenantId: principal.tenantId, incidentId }, order: { createdAt: 'ASC' } });
    return roleAtLeast(principal.role, Role.operator) ? rows : rows.map((n) => ({ ...n, payload: withoutActionLinks(n.payload) }));
  }

  /**
   * Queues a message per channel; a replay queues nothing new. A row still queued (held while its outage was grouped
   * under its host, see the delivery worker) is brought forward when the outage is released: it pages from now.
   */
  private async enqueue(incident: Incident, kind: AlertMessage['kind'], message: AlertMessage, channelIds: string[], step = 0, at = this.clock.now(), site?: string, policyId?: string | null): Promise<void> {
    if (!channelIds.length) return;
    await this.dataSource.query(
      `INSERT INTO notifications (tenant_id, channel_id, incident_id, kind, step, payload, status, next_attempt_at, group_key, policy_id)
       SELECT $1, c, $2, $3, $4::int, $5, 'queued', greatest($9::timestamptz, $6), CASE WHEN $8::text IS NULL THEN NULL ELSE c || ':' || $8 || ':' || $4::text END, $10::uuid
         FROM unnest($7::uuid[]) AS c
       ON CONFLICT (channel_id, incident_id, kind, step) DO UPDATE SET next_attempt_at = least(notifications.next_attempt_at, excluded.next_attempt_at)
         WHERE notifications.status = 'queued'`,
      [incident.tenantId, incident.id, kind, step, JSON.stringify({ ...message, kind }), at, channelIds, site ?? null, this.clock.now(), policyId ?? null],
    );
  }

  /** The host's other outages still open when its own check recovered: service · monitor (at most 20). */
  private async stillDownOnHost(incident: Incident): Promise<string[]> {
    const open = (await this.incidents.openOnHosts(incident.tenantId, [incident.hostId])).filter((i) => i.id !== incident.id).slice(0, 20);
    const names = await Promise.all(open.map((i) => this.subjects.named(incident.tenantId, i.monitorId)));
    // "web1 · www · www http" → "www · www http": the host is the one just named.
    return names.map((n) => (n ?? 'a monitor').replace(/^[^·]+ · (?=.* · )/, ''));
  }

  /** `unheard`: a recovery whose outage nobody was told of (see incidentResolved); its summary says what happened. */
  private async describe(incident: Incident, monitorName: string, kind: AlertMessage['kind'], known?: OutageSubject, knownZone?: string, unheard = false): Promise<AlertMessage> {
    const subject = known ?? (await this.subjects.of(incident.hostId, incident.serviceId, incident.monitorId));
    // Which vantages saw it (detection's MonitorHealth port): the voters whose own verdict is down, or up for a recovery.
    const seenFrom = await this.health.seenFrom(incident.monitorId, kind === 'resolve');
    const context = {
      host: subject.host?.name ?? 'host',
      address: subject.host?.address ?? null,
      service: subject.service?.name ?? null,
      severity: (subject.severity ?? 'critical') as AlertMessage['severity'],
      customers: subject.customers.slice(0, 20).map((c) => c.name),
      vantages: seenFrom,
    };
    const what = context.service ? `${context.service} on ${context.host}` : context.host;
    // How long it was down, to the second: the first thing asked of a recovery at 3 a.m.
    const downFor = incident.resolvedAt ? formatDuration(Math.round((incident.resolvedAt.getTime() - incident.openedAt.getTime()) / 1000) * 1000) : undefined;
    // A host back while some of its services are not (nginx did not start after the reboot): said in the recovery
    // itself, so nobody stands down on "web-a recovered" while the shop is still down (each is paged on its own).
    const stillDown = kind === 'resolve' && incident.serviceId === null ? await this.stillDownOnHost(incident) : [];
    const still = stillDown.length ? `; still down on it: ${stillDown.join(', ')}` : '';
    const summary =
      kind !== 'resolve'
        ? `${what} is DOWN (${monitorName})`
        : unheard
          ? `${what} was down${downFor ? ` for ${downFor}` : ''} and recovered before its alert went out; a runbook acted on it (${monitorName})${still}`
          : `${what} recovered${downFor ? ` after ${downFor}` : ''} (${monitorName})${still}`;
    return {
      kind,
      dedupKey: `vigia-incident-${incident.id}`,
      summary,
      severity: context.severity,
      source: context.address ?? context.host,
      since: incident.openedAt.toISOString(),
      details: {
        reason: kind === 'resolve' ? (incident.resolveReason ?? '') : incident.openReason,
        down_since: incident.openedAt.toISOString(),
        ...(incident.resolvedAt ? { resolved_at: incident.resolvedAt.toISOString(), down_for: downFor, down_for_seconds: (incident.resolvedAt.getTime() - incident.openedAt.getTime()) / 1000 } : {}),
        impacted_customers: context.customers,
        // A host down: what it takes with it (its services' own outages are grouped under this one, unpaged).
        ...(subject.hostServices.length ? { services_on_host: subject.hostServices } : {}),
        ...(stillDown.length ? { still_down_on_host: stillDown } : {}),
        seen_from: context.vantages,
        // The truth at the time of the message: a run waiting for approval, or a failed run with its step's error.
        ...(this.runbookStatus ? { runbook: await this.runbookStatus.forIncident(incident) } : {}),
      },
      link: `${this.config.publicUrl}/incidents/${incident.id}`,
      timeZone: knownZone ?? (await this.tenants.of(incident.tenantId))?.timeZone ?? 'UTC',
    };
  }
}


/**
 * A trigger folded into another outage's message ("2 outages at once: …") reached its channel when that message did:
 * its recovery and acknowledgement go to the same channel (only the first outage of a grouped e-mail got its
 * RESOLVED e-mail, and the on-call person was left thinking the others were still down).
 */
function groupedIntoSent(statuses: string): string {
  return `(n.status = 'grouped' AND EXISTS (SELECT 1 FROM notifications g WHERE g.id = n.grouped_into AND g.status IN (${statuses})))`;
}

/** Keys of a payload that let the reader act (acknowledge) rather than read; stored by older versions. */
const ACTION_KEYS = new Set(['ackLink']);

function withoutActionLinks(payload: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, ACTION_KEYS.has(k) ? '<hidden: operator or higher>' : v]));
}
