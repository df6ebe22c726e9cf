import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CLOCK, type Clock, escapeHtml as esc, PeriodicWorker } from '#lib/common';
import { EgressPolicy, excerpt } from '#lib/egress';
import { IncidentsService, RUNBOOK_STATUS, type RunbookStatusSource } from '#lib/incidents';
import { Mailer } from '#lib/mail';
import { SecretBox } from '#lib/secrets';
import { AckLinks } from './ack-links.js';
import { AlertChannel, type ChannelType } from './alert-channel.entity.js';
import { CHANNEL_KINDS } from './channels/channel-kinds.js';
import { ChatThreads } from './chat/chat-threads.js';
import type { AlertMessage, ChannelAdapter, DeliveryOutcome } from './channels/channel.js';
import { EscalationTargets, PERSONAL_DELIVERY } from './escalation-targets.js';

/** The tenant's channel types that can carry a person's phone page (the first enabled one by name is used). */
/**
 * Which of the tenant's channels carry a personal page to a contact kind, and which of the carrier's settings the
 * person's address takes: an SMS or call to their number, a Slack direct message to their user id (the bot's DM), a
 * Telegram message to their private chat with the bot (they must have started it).
 */
const CARRIERS: Record<string, { types: string[]; address: string }> = {
  'phone:sms': { types: ['twilio_sms', 'vonage_sms'], address: 'to' },
  'phone:voice': { types: ['twilio_voice', 'vonage_voice'], address: 'to' },
  slack: { types: ['slack_bot'], address: 'channel' },
  telegram: { types: ['telegram'], address: 'chatId' },
};

const MAX_ATTEMPTS = 8;
/** How often the held pages of a suppressed outage look again whether it was released or settled. */
const HELD_RECHECK_SECONDS = 15;
/** Deliveries in flight per process: a slow provider holds only its own slots. */
const MAX_IN_FLIGHT = 64;
const BATCH = 20;

/** Exponential backoff: 2 s, 4 s, 8 s … capped at 5 min; a Retry-After from the provider wins. */
export function backoffMs(attempts: number, retryAfterMs?: number): number {
  return retryAfterMs ?? Math.min(300_000, 1000 * 2 ** attempts);
}

interface Claimed {
  group_key: string | null;
  id: string;
  channel_id: string | null;
  recipient: string | null;
  incident_id: string;
  kind: string;
  payload: AlertMessage;
  attempts: number;
  tenant_id: string;
  step: number;
  target_key: string;
  contact_kind: string | null;
  address: string | null;
}

/**
 * How long a claimed row is this process's to deliver: longer than any channel's own timeout (10 s for HTTP, SMTP's
 * own). A process that dies mid-delivery (killed, its host gone) leaves the row `sending`; once this has passed, any
 * process takes it again — at least once, never lost: pagers deduplicate by the incident's key, webhooks carry its id.
 */
const SENDING_LEASE_SECONDS = 60;

/**
 * Delivers queued notifications. Claims due rows with FOR UPDATE SKIP LOCKED (several processes never take the same
 * row), delivers each with its channel's adapter, logs every attempt. A dead channel only delays its own rows:
 * detection and the other channels never wait for it.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Alerts');
  private readonly adapters: Record<ChannelType, ChannelAdapter>;
  private readonly loop = new PeriodicWorker('alert delivery', () => this.tick(), { everyMs: 250, onError: (e) => this.logger.warn(`delivery: ${String(e)}`) });
  private running?: Promise<number>;
  private readonly inFlight = new Set<Promise<void>>();
  private claiming?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly mailer: Mailer,
    private readonly ackLinks: AckLinks,
    private readonly egress: EgressPolicy,
    private readonly incidents: IncidentsService,
    threads: ChatThreads,
    private readonly targets: EscalationTargets,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(RUNBOOK_STATUS) private readonly runbookStatus?: RunbookStatusSource,
  ) {
    this.adapters = Object.fromEntries(CHANNEL_KINDS.map((kind) => [kind.type, kind.createAdapter({ mailer, clock, threads })])) as Record<ChannelType, ChannelAdapter>;
  }

  /**
   * Takes the other queued triggers of the same group (channel, site, step) into this message: a burst of outages
   * in one site is one e-mail or webhook call, listing them all. The message is stored, so retries send the same.
   */
  private async gather(n: Claimed, carried: AlertMessage[]): Promise<AlertMessage> {
    // Not the pages of a held outage (see claim): a grouped e-mail led by one named the suppressed service, not the host.
    const queued: { id: string; incident_id: string; kind: string }[] = await this.dataSource.query(
      "SELECT id, incident_id, kind FROM notifications WHERE group_key = $1 AND status = 'queued' AND id <> $2 LIMIT 500",
      [n.group_key, n.id],
    );
    const held = await this.incidents.heldAmong(queued.filter((q) => q.kind === 'trigger').map((q) => q.incident_id));
    const [others]: [{ payload: AlertMessage }[], number] = await this.dataSource.query(
      `UPDATE notifications SET status = 'grouped', grouped_into = $1
        WHERE id IN (SELECT id FROM notifications WHERE id = ANY($2::uuid[]) AND status = 'queued' FOR UPDATE SKIP LOCKED)
        RETURNING payload`,
      [n.id, queued.filter((q) => !(q.kind === 'trigger' && held.has(q.incident_id))).map((q) => q.id)],
    );
    const all = [n.payload, ...carried, ...others.map((o) => o.payload)];
    if (all.length === 1) return n.payload;
    const grouped: AlertMessage = {
      ...n.payload,
      summary: `${all.length} outages at once: ${all.slice(0, 3).map((m) => m.summary).join('; ')}${all.length > 3 ? '; …' : ''}`,
      details: { outages: all.map((m) => ({ summary: m.summary, since: m.since, reason: m.details.reason, dedup_key: m.dedupKey })) },
    };
    await this.dataSource.query('UPDATE notifications SET payload = $2 WHERE id = $1', [n.id, JSON.stringify(grouped)]);
    return grouped;
  }

  private async notice(n: Claimed): Promise<DeliveryOutcome> {
    const p = n.payload as unknown as { summary: string; text: string; from: string };
    try {
      // The company's transport (its relay, the platform's, or the mail catcher), as its alert e-mails.
      const info = await this.mailer.send({
        tenantId: n.tenant_id,
        to: n.recipient!,
        subject: `${p.from}: ${p.summary}`,
        text: `${p.text}\n\n${p.from}\n`,
        html: `<p>${esc(p.text)}</p><p style="color:#475467">${esc(p.from)}</p>`,
      });
      return { ok: true, response: info.response };
    } catch (error) {
      return { ok: false, response: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * A page to one person by one of their rules. E-mail goes through the tenant's mail transport; a phone's SMS or
   * call through the tenant's own SMS or voice channel (its provider account and sender), addressed to the person's
   * number instead of the channel's.
   */
  private async personal(n: Claimed, message: AlertMessage): Promise<DeliveryOutcome> {
    const kind = n.contact_kind ?? '';
    let channel = PERSONAL_DELIVERY[kind]?.(n.tenant_id, n.address ?? '');
    let secret: string | null = null;
    const carriers = CARRIERS[kind];
    if (!channel && carriers) {
      const carrier = await this.dataSource.getRepository(AlertChannel).findOne({ where: { tenantId: n.tenant_id, type: In(carriers.types), enabled: true }, order: { name: 'ASC' } });
      if (!carrier) return { ok: false, permanent: true, response: `no enabled ${carriers.types.join(' or ')} channel to carry a ${kind.replace(':', ' ')} page: add one in Settings → Alert channels` };
      channel = Object.assign(new AlertChannel(), carrier, { config: { ...carrier.config, [carriers.address]: n.address ?? '' } });
      secret = carrier.secretSealed ? this.box.open(carrier.secretSealed, `alert_channels:${carrier.id}`) : null;
    }
    if (!channel) return { ok: false, permanent: true, response: `no channel kind reaches a ${kind} contact yet` };
    const userId = n.target_key.split(':')[1];
    const ackLink = message.ackable ? this.ackLinks.url(n.tenant_id, n.incident_id, undefined, this.clock.now().getTime(), userId) : undefined;
    // A direct message is the person's own thread, apart from the channel's (chat adapters key it by `personalTo`).
    const personal = { ...message, ...(ackLink ? { ackLink } : {}), personalTo: n.address ?? '' };
    return this.adapters[channel.type].deliver(channel, secret, personal, this.egress.guard({ tenantId: n.tenant_id, vantage: 'platform' }));
  }

  /**
   * The runbook line as it is when the message goes out, not when it was queued: a page that waited the grouping
   * window said "none started" about a failover that had already finished 30 s before.
   */
  private async withRunbookNow(n: Claimed, message: AlertMessage): Promise<AlertMessage> {
    if (!this.runbookStatus || typeof message.details?.runbook !== 'string' || !n.tenant_id) return message;
    const runbook = await this.runbookStatus.forIncident({ id: n.incident_id, tenantId: n.tenant_id }).catch(() => message.details.runbook as string);
    return { ...message, details: { ...message.details, runbook } };
  }

  private settled(incidentId: string): Promise<boolean> {
    return this.incidents.isSettled(incidentId);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.running;
    await this.claiming?.catch(() => undefined);
    await Promise.all(this.inFlight);
  }

  /**
   * The background loop: claims what is due while slots are free and lets each delivery finish on its own, so a
   * provider that hangs until its timeout delays nobody else's messages.
   */
  private async tick(): Promise<void> {
    if (this.claiming || this.inFlight.size >= MAX_IN_FLIGHT) return;
    this.claiming = (async () => {
      for (const [n, carried] of await this.claim(Math.min(BATCH, MAX_IN_FLIGHT - this.inFlight.size))) {
        const delivery = this.deliver(n, carried).catch((e: unknown) => this.logger.warn(`delivery ${n.id}: ${String(e)}`));
        this.inFlight.add(delivery);
        void delivery.finally(() => this.inFlight.delete(delivery));
      }
    })().finally(() => (this.claiming = undefined));
    await this.claiming;
  }

  /** One pass: claims what is due and delivers it, and waits for the background loop's deliveries too. */
  runOnce(): Promise<number> {
    this.running ??= (async () => {
      await this.claiming?.catch(() => undefined);
      const delivered = await this.pass();
      await this.claiming?.catch(() => undefined);
      await Promise.all(this.inFlight);
      return delivered;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const batch = await this.claim(BATCH);
    await Promise.all(batch.map(([n, carried]) => this.deliver(n, carried)));
    return batch.length;
  }

  /** Claims due rows (SKIP LOCKED: never a row another process holds) and folds rows of one group into their first. */
  private async claim(limit: number): Promise<[Claimed, AlertMessage[]][]> {
    let [claimed]: [Claimed[], number] = await this.dataSource.query(
      `UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2::timestamptz + make_interval(secs => ${SENDING_LEASE_SECONDS})
        WHERE id IN (SELECT id FROM notifications WHERE status IN ('queued', 'failed', 'sending') AND next_attempt_at <= $2
                     ORDER BY next_attempt_at FOR UPDATE SKIP LOCKED LIMIT $1)
        RETURNING id, channel_id, recipient, incident_id, kind, payload, attempts, group_key, tenant_id, step, target_key, contact_kind, address`,
      [limit, this.clock.now()],
    );
    // Pages of an outage suppressed since they were queued (grouped under its host a second later, flapping) wait,
    // uncounted: they paged and repeated as if nothing were grouped, even after the host's incident was acknowledged.
    const held = await this.incidents.heldAmong(claimed.filter((n) => n.kind === 'trigger').map((n) => n.incident_id));
    if (held.size) {
      const waiting = claimed.filter((n) => n.kind === 'trigger' && held.has(n.incident_id));
      await this.dataSource.query(
        "UPDATE notifications SET status = 'queued', attempts = attempts - 1, next_attempt_at = $2::timestamptz + make_interval(secs => $3) WHERE id = ANY($1::uuid[])",
        [waiting.map((n) => n.id), this.clock.now(), HELD_RECHECK_SECONDS],
      );
      claimed = claimed.filter((n) => !waiting.includes(n));
    }
    // Rows of one group claimed together travel as one message: the first carries the others.
    const leaders = new Map<string, Claimed>();
    const carried = new Map<Claimed, Claimed[]>();
    for (const n of claimed) {
      const leader = n.group_key && n.attempts === 1 ? leaders.get(n.group_key) : undefined;
      if (leader) carried.set(leader, [...(carried.get(leader) ?? []), n]);
      else if (n.group_key && n.attempts === 1) leaders.set(n.group_key, n);
    }
    for (const [leader, followers] of carried) {
      await this.dataSource.query("UPDATE notifications SET status = 'grouped', grouped_into = $1 WHERE id = ANY($2::uuid[])", [leader.id, followers.map((f) => f.id)]);
    }
    const followerIds = new Set([...carried.values()].flat().map((f) => f.id));
    return claimed.filter((n) => !followerIds.has(n.id)).map((n) => [n, (carried.get(n) ?? []).map((f) => f.payload)]);
  }

  private async deliver(n: Claimed, carried: AlertMessage[] = []): Promise<void> {
    if (n.kind === 'trigger' && (await this.settled(n.incident_id))) {
      // Acknowledged or resolved while this step waited: escalation stops here.
      await this.dataSource.query("UPDATE notifications SET status = 'cancelled' WHERE id = $1", [n.id]);
      return;
    }
    // A schedule or person named by an escalation step: resolved now (who is on call), their pages queued.
    if (n.target_key.startsWith('schedule:') || n.target_key.startsWith('person:')) return this.targets.fire(n);
    const message = await this.withRunbookNow(n, n.group_key && n.attempts === 1 ? await this.gather(n, carried) : n.payload);
    const started = performance.now();
    let outcome: DeliveryOutcome;
    try {
      const channel = n.channel_id ? await this.dataSource.getRepository(AlertChannel).findOneBy({ id: n.channel_id }) : null;
      if (n.target_key.startsWith('page:')) outcome = await this.personal(n, message);
      else if (n.recipient) outcome = await this.notice(n);
      else if (!channel || !channel.enabled) outcome = { ok: false, permanent: true, response: 'channel removed or disabled' };
      else {
        const secret = channel.secretSealed ? this.box.open(channel.secretSealed, `alert_channels:${channel.id}`) : null;
        const ackLink = message.ackable ? this.ackLinks.url(channel.tenantId, n.incident_id, channel.id, this.clock.now().getTime()) : undefined;
        outcome = await this.adapters[channel.type].deliver(channel, secret, ackLink ? { ...message, ackLink } : message, this.egress.guard({ tenantId: channel.tenantId, vantage: 'platform' }));
      }
    } catch (error) {
      outcome = { ok: false, response: excerpt(error instanceof Error ? error.message : String(error), 300) };
    }
    const durationMs = Math.round(performance.now() - started);
    const gaveUp = !outcome.ok && (outcome.permanent || n.attempts >= MAX_ATTEMPTS);
    const status = outcome.ok ? 'sent' : gaveUp ? 'dead' : 'failed';
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO notification_attempts (notification_id, at, ok, response, duration_ms) VALUES ($1, $5, $2, $3, $4)', [n.id, outcome.ok, outcome.response.slice(0, 1000), durationMs, now]);
      await manager.query(
        `UPDATE notifications SET status = $2, last_error = $3, sent_at = CASE WHEN $2 = 'sent' THEN $5::timestamptz ELSE sent_at END,
           next_attempt_at = $5::timestamptz + ($4 || ' milliseconds')::interval WHERE id = $1`,
        [n.id, status, outcome.ok ? null : outcome.response.slice(0, 1000), String(backoffMs(n.attempts, outcome.retryAfterMs)), now],
      );
    });
    if (gaveUp) this.logger.warn(`notification ${n.id} given up after ${n.attempts} attempts: ${outcome.response}`);
    if (gaveUp && n.kind === 'trigger' && n.target_key.startsWith('page:')) await this.targets.pageFailed(n, excerpt(outcome.response, 300));
  }
}
