import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, escapeHtml as esc, PeriodicWorker } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { EgressPolicy, egressFetch } from '#lib/egress';
import { Mailer } from '#lib/mail';
import { MetricsService } from '#lib/observability';
import { SecretBox } from '#lib/secrets';
import { isReportLanguage, TenantFacts } from '#lib/tenancy';
import type { StatusPage } from './status-page.entity.js';
import { StatusFormat, STATUS_MESSAGES } from './status-page.i18n.js';
import type { MaintenanceNoticePayload, PostNotice } from './status-notifications.js';
import { subscriberMessages } from './status-subscriber.i18n.js';
import { CONFIRM_VALID_SECONDS, SubscriberLinks } from './subscriber-links.js';

const MAX_ATTEMPTS = 8;
/*
 * Rows are claimed one at a time: sends run one after another and a slow relay may take its whole timeout, so a row
 * claimed in a batch could outlive its lease while it waits its turn, and another process would send it too. One at
 * a time, each row's lease starts just before its own send.
 */
/**
 * How long a claimed row is this process's: longer than the SMTP and HTTP timeouts. A process that dies mid-send
 * leaves the row `sending`; after the lease any process takes it again (late, never lost). The one window for a
 * repeat is a death between the relay's acceptance and the `sent` mark; the mail's Message-ID is the row's, so a
 * receiving system can drop the repeat, and a webhook carries the row's id as its delivery id.
 */
const LEASE_SECONDS = 60;

interface Claimed {
  id: string;
  tenant_id: string;
  page_id: string;
  subscriber_id: string;
  kind: 'confirm' | 'post' | 'maintenance';
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
}

interface Target {
  kind: 'email' | 'webhook';
  address: string;
  secret_sealed: string | null;
  confirmed_at: Date | null;
}

/** Backoff after a failed send: 10 s, 20 s, 40 s … capped at 30 min. */
export function subscriberBackoffMs(attempts: number): number {
  return Math.min(1_800_000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends the queued subscriber notifications: e-mail through the tenant's own mail transport (the same `Mailer`
 * alert e-mail uses), webhooks as a signed JSON POST through the egress policy. Rows are claimed with
 * FOR UPDATE SKIP LOCKED under a lease, so two API processes never send one row at once.
 */
@Injectable()
export class StatusNotificationsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StatusSubscribers');
  /** Since this process started: rows held back by the hourly limit (a row held twice counts twice), and rows coalesced. */
  private heldCount = 0;
  private coalescedCount = 0;
  readonly loop = new PeriodicWorker('status subscribers', () => this.runOnce().then(() => undefined), { everyMs: 1000, onError: (e) => this.logger.warn(`status notifications: ${String(e)}`) });

  constructor(
    private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly egress: EgressPolicy,
    private readonly box: SecretBox,
    private readonly links: SubscriberLinks,
    private readonly tenants: TenantFacts,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() metrics?: MetricsService,
  ) {
    // What the per-subscriber hourly limit did: rows waiting now (all processes: read from the queue's due rows) and,
    // since this process started, the rows it held back and the held updates it coalesced (never sent).
    metrics?.gauge('vigia_status_notifications_held', 'Status-page subscriber notifications held back by the per-subscriber hourly limit and not sent yet', async () =>
      Number(((await this.dataSource.query("SELECT count(*)::int AS n FROM status_notifications WHERE status IN ('queued', 'sending') AND held_at IS NOT NULL")) as { n: number }[])[0]?.n ?? 0),
    );
    metrics?.gauge('vigia_status_notifications_held_by_process', 'Times this API process held a subscriber notification back (per-subscriber hourly limit) since start', () => this.heldCount);
    metrics?.gauge('vigia_status_notifications_coalesced', 'Held post updates this API process coalesced into a newer one (not sent) since start', () => this.coalescedCount);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Sends everything due now; returns how many rows were handled (sent, given up, held or coalesced). */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed === undefined) return handled;
      handled++;
      if (claimed) await this.deliver(claimed);
    }
  }

  /**
   * Claims the next due row (undefined: none due). A post or maintenance row of a subscriber who was already sent
   * `statusSubscriberSendsPerHour` in the last hour (counting the rows other processes are sending now) is not claimed
   * but held until the oldest of those sends is an hour old (null). The count and the claim are made under a
   * transaction-scoped advisory lock on the subscriber, so two API processes cannot both take its last send of the
   * hour; the count is read from the queue's rows, so it holds across processes and restarts. A held post update whose
   * post has a newer update queued for the same subscriber is coalesced: marked `coalesced` and never sent, the newer
   * one carrying the post's latest state.
   */
  private async claim(): Promise<Claimed | null | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const now = this.clock.now();
      const [due] = (await manager.query(
        `SELECT id, subscriber_id, kind, held_at, payload->>'postId' AS post_id, created_at FROM status_notifications
          WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at FOR UPDATE SKIP LOCKED LIMIT 1`,
        [now],
      )) as { id: string; subscriber_id: string; kind: string; held_at: Date | null; post_id: string | null; created_at: Date }[];
      if (!due) return undefined;
      if (due.kind !== 'confirm') {
        await manager.query("SELECT pg_advisory_xact_lock(hashtextextended('status-subscriber-rate:' || $1::text, 0))", [due.subscriber_id]);
        if (due.held_at && due.kind === 'post' && due.post_id) {
          const [newer] = (await manager.query(
            // A newer update another process already took (sending, or sent) supersedes this one as well: sending this
            // older one after it would show the post going back. Counting only queued ones let two API processes each
            // send one of the pair (CI caught the webhook getting "Outage A monitoring" twice).
            `SELECT 1 FROM status_notifications WHERE subscriber_id = $1 AND kind = 'post' AND status IN ('queued', 'sending', 'sent') AND payload->>'postId' = $2 AND created_at > $3 AND id <> $4 LIMIT 1`,
            [due.subscriber_id, due.post_id, due.created_at, due.id],
          )) as unknown[];
          if (newer) {
            await manager.query("UPDATE status_notifications SET status = 'coalesced', last_error = 'coalesced: a newer update of this post follows' WHERE id = $1", [due.id]);
            this.coalescedCount++;
            return null;
          }
        }
        const [recent] = (await manager.query(
          `SELECT count(*)::int AS n, min(COALESCE(sent_at + interval '1 hour', next_attempt_at)) AS free_at FROM status_notifications
            WHERE subscriber_id = $1 AND kind <> 'confirm' AND id <> $2
              AND ((status = 'sent' AND sent_at > $3::timestamptz - interval '1 hour') OR (status = 'sending' AND next_attempt_at > $3))`,
          [due.subscriber_id, due.id, now],
        )) as { n: number; free_at: Date | null }[];
        if (recent && recent.n >= this.config.statusSubscriberSendsPerHour) {
          const freeAt = recent.free_at && new Date(recent.free_at).getTime() > now.getTime() ? new Date(recent.free_at) : new Date(now.getTime() + 1000);
          await manager.query("UPDATE status_notifications SET status = 'queued', held_at = COALESCE(held_at, $2), next_attempt_at = $3 WHERE id = $1", [due.id, now, freeAt]);
          this.heldCount++;
          return null;
        }
      }
      const [rows] = (await manager.query(
        `UPDATE status_notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2::timestamptz + make_interval(secs => ${LEASE_SECONDS})
          WHERE id = $1 RETURNING id, tenant_id, page_id, subscriber_id, kind, payload, attempts, created_at`,
        [due.id, now],
      )) as [Claimed[], number];
      return rows[0] ?? undefined;
    });
  }

  private async deliver(row: Claimed): Promise<void> {
    const [target] = (await this.dataSource.query('SELECT kind, address, secret_sealed, confirmed_at FROM status_subscribers WHERE id = $1', [row.subscriber_id])) as Target[];
    const [page] = (await this.dataSource.query('SELECT id, tenant_id, slug, title, language, time_zone FROM status_pages WHERE id = $1', [row.page_id])) as (Pick<StatusPage, 'id' | 'slug' | 'title' | 'language'> & { time_zone: string })[];
    // Unsubscribed or the page deleted meanwhile (the rows go with them; this one was claimed just before).
    if (!target || !page) return this.finish(row, 'sent', 'subscriber or page gone: nothing sent');
    // Only the confirmation itself goes to an address not confirmed (double opt-in).
    if (row.kind !== 'confirm' && !target.confirmed_at) return this.finish(row, 'failed', 'not confirmed');
    try {
      const tenantSlug = (await this.tenants.slugs([row.tenant_id])).get(row.tenant_id);
      if (!tenantSlug) return this.finish(row, 'failed', 'tenant gone');
      const path = `/status/${tenantSlug}/${page.slug}`;
      if (target.kind === 'webhook') await this.webhook(row, target, page.title, path);
      else await this.mail(row, target.address, { title: page.title, language: page.language, timeZone: page.time_zone }, path);
      await this.finish(row, 'sent', null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`status notification ${row.id} (${row.kind}) attempt ${row.attempts}: ${message}`);
      if (row.attempts >= MAX_ATTEMPTS) return this.finish(row, 'failed', message);
      await this.dataSource.query(`UPDATE status_notifications SET status = 'queued', last_error = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'sending' AND attempts = $4`, [
        row.id, message.slice(0, 1000), new Date(this.clock.now().getTime() + subscriberBackoffMs(row.attempts)), row.attempts,
      ]);
    }
  }

  /**
   * The outcome, written only while the row is still this claim's (`attempts` counts claims): a process whose lease ran
   * out while it was sending never overwrites the result of the process that claimed the row after it.
   */
  private async finish(row: Claimed, status: 'sent' | 'failed', note: string | null): Promise<void> {
    await this.dataSource.query("UPDATE status_notifications SET status = $2, sent_at = $3, last_error = $4 WHERE id = $1 AND status = 'sending' AND attempts = $5", [
      row.id, status, status === 'sent' ? this.clock.now() : null, note, row.attempts,
    ]);
  }

  private async mail(row: Claimed, to: string, page: { title: string; language: string; timeZone: string }, path: string): Promise<void> {
    const w = subscriberMessages(page.language);
    const language = isReportLanguage(page.language) ? page.language : 'en';
    const f = new StatusFormat(language, page.timeZone);
    const unsubscribe = this.links.unsubscribeUrl(path, row.subscriber_id);
    const manage = this.links.manageUrl(path, row.subscriber_id);
    let subject: string;
    let lines: string[];
    if (row.kind === 'confirm') {
      const expires = Math.floor(this.clock.now().getTime() / 1000) + CONFIRM_VALID_SECONDS;
      const confirm = this.links.confirmUrl(path, row.subscriber_id, expires);
      subject = w.confirmSubject(page.title);
      lines = [w.confirmBody(page.title), confirm, w.confirmIgnore];
    } else if (row.kind === 'post') {
      const p = row.payload as unknown as PostNotice;
      const states = STATUS_MESSAGES[language].postState;
      const state = p.state in states ? states[p.state as keyof typeof states] : p.state;
      const at = f.at(Date.parse(p.at));
      subject = `${page.title}: ${p.title} — ${state}`;
      lines = [`${p.title}`, `${state} · ${at} (${page.timeZone})`, p.body];
    } else {
      const n = row.payload as unknown as MaintenanceNoticePayload;
      subject = n.phase === 'started' ? w.maintenanceStartedSubject(page.title, n.title) : n.phase === 'ended' ? w.maintenanceEndedSubject(page.title, n.title) : w.maintenanceSubject(page.title, n.title);
      lines = [n.title, `${f.at(Date.parse(n.startsAt))} – ${f.at(Date.parse(n.endsAt))} (${page.timeZone})`, n.body].filter(Boolean);
    }
    // The confirmation carries List-Unsubscribe too: a reader who did not ask can say so at once.
    await this.mailer.send({
      tenantId: row.tenant_id,
      to,
      subject,
      text: `${lines.join('\n\n')}\n\n-- \n${w.manageLine} ${manage}\n${w.unsubscribeLine} ${unsubscribe}\n`,
      html: `${lines.map((l) => (/^https?:\/\//.test(l) ? `<p><a href="${esc(l)}">${esc(l)}</a></p>` : `<p>${esc(l).replace(/\n/g, '<br>')}</p>`)).join('')}<hr>${[
        [w.manageLine, manage],
        [w.unsubscribeLine, unsubscribe],
      ]
        .map(([said, url]) => `<p style="color:#57606a;font-size:12px">${esc(said!)} <a href="${esc(url!)}">${esc(url!)}</a></p>`)
        .join('')}`,
      headers: {
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'Message-ID': `<status-${row.id}@vigia>`,
        'Auto-Submitted': 'auto-generated',
      },
    });
  }

  /**
   * `X-Vigia-Timestamp: <unix seconds>` and `X-Vigia-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`
   * with the subscriber's secret, as the alert webhook signs; `X-Vigia-Delivery` is the row's id (the same on a retry).
   */
  private async webhook(row: Claimed, target: Target, pageTitle: string, path: string): Promise<void> {
    const secret = target.secret_sealed ? this.box.open(target.secret_sealed, `status_subscribers:${row.subscriber_id}`) : '';
    const phase = (row.payload as { phase?: string }).phase;
    const event = row.kind === 'post' ? 'status_post.update' : row.kind !== 'maintenance' ? row.kind : phase === 'started' ? 'status_maintenance.started' : phase === 'ended' ? 'status_maintenance.ended' : 'status_maintenance.notice';
    const body = JSON.stringify({ event, delivery: row.id, page: { title: pageTitle, path }, ...(row.kind === 'post' ? { post: row.payload } : { maintenance: row.payload }) });
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    const res = await egressFetch(this.egress.guard({ tenantId: row.tenant_id, vantage: 'platform' }), target.address, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Vigia status page', 'x-vigia-timestamp': timestamp, 'x-vigia-signature': `sha256=${signature}`, 'x-vigia-delivery': row.id },
      body,
      timeoutMs: 10_000,
      maxBodyBytes: 4096,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
  }
}
