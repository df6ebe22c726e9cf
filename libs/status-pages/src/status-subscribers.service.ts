import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { assertUuid, CLOCK, type Clock, type Connection, egressProblem, httpUrl, fieldProblem, type PageArgs, paginateBy, VigiaException } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { InventoryHistory } from '#lib/inventory';
import { emailAddress } from '#lib/mail';
import { SecretBox } from '#lib/secrets';
import type { Principal } from '#lib/tenancy';
import { type StatusPage, StatusPageVisibility } from './status-page.entity.js';
import { StatusNotification, StatusSubscriber, StatusSubscriberKind } from './status-subscriber.entity.js';
import { StatusPagesService } from './status-pages.service.js';
import { SharedMinuteThrottle } from './shared-minute-throttle.js';

/** At most one confirmation mail per address and page in this time: a stranger cannot make Vigia mail-bomb anyone. */
export const CONFIRM_RESEND_MS = 3600_000;
/** Subscribe attempts per minute from one client address (any page), and per page (any client). */
export const SUBSCRIBE_PER_CLIENT_PER_MINUTE = 5;
export const SUBSCRIBE_PER_PAGE_PER_MINUTE = 60;

export type SubscribeOutcome = 'queued' | 'quiet' | 'invalid' | 'invalid-components' | 'not-customer' | 'limited';

/** At most this many components chosen at once (a page has at most 200). */
const MAX_CHOSEN = 200;

/** The CSV cell of a value: quoted, and a leading = + - @ defused so a spreadsheet does not run it as a formula. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * Subscribers of status pages: the public, double opt-in subscription by e-mail (rate-limited per client and per
 * page, one confirmation per address and page an hour, the same answer whether or not the address was known), its
 * signed confirm and unsubscribe links, and the operators' side (webhooks, listing, CSV export, deletion).
 */
@Injectable()
export class StatusSubscribersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly throttle: SharedMinuteThrottle,
    @InjectRepository(StatusSubscriber) private readonly subscribers: Repository<StatusSubscriber>,
    private readonly pages: StatusPagesService,
    private readonly egress: EgressPolicy,
    private readonly box: SecretBox,
    private readonly inventory: InventoryHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * A subscription asked on the public page. A new address is saved unconfirmed and its confirmation mail queued in
   * the same transaction; an unconfirmed one gets another confirmation only after an hour; a confirmed one nothing.
   * All three answer alike (`queued` and `quiet` are shown the same), so the form tells nobody who is subscribed.
   */
  async subscribe(page: StatusPage, rawEmail: string, client: string, chosen: string[] = []): Promise<SubscribeOutcome> {
    const now = this.clock.now();
    // Counted in PostgreSQL, so several API processes limit as one (shared-minute-throttle.ts).
    if (!(await this.throttle.allow(`subscribe|client|${client}`, SUBSCRIBE_PER_CLIENT_PER_MINUTE))) return 'limited';
    if (!(await this.throttle.allow(`subscribe|page|${page.id}`, SUBSCRIBE_PER_PAGE_PER_MINUTE))) return 'limited';
    const email = rawEmail.trim().toLowerCase();
    if (!emailAddress.safeParse(email).success) return 'invalid';
    if (page.visibility === StatusPageVisibility.customer && !(await this.isCustomerAddress(page, email))) return 'not-customer';
    const componentIds = await this.chosenComponents(page, chosen);
    if (!componentIds) return 'invalid-components';
    const version = StatusSubscribersService.accessVersion(page);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO status_subscribers (tenant_id, page_id, kind, address, component_ids, page_auth_version) VALUES ($1, $2, 'email', $3, $4::uuid[], $5) ON CONFLICT (page_id, kind, address) DO NOTHING`,
        [page.tenantId, page.id, email, componentIds, version],
      );
      // A pending address takes the latest choice (the confirmation link confirms what was last asked); a confirmed
      // one is not changed from a form anyone can post: its reader uses the manage link. One confirmed under another
      // access (the page public then, or behind an older password or link) hears nothing now (status-notifications.ts):
      // subscribing again under the current access asks it to confirm again.
      await manager.query(
        `UPDATE status_subscribers SET component_ids = $3::uuid[], page_auth_version = $4, confirmed_at = NULL,
                confirm_sent_at = CASE WHEN page_auth_version IS DISTINCT FROM $4::int THEN NULL ELSE confirm_sent_at END
          WHERE page_id = $1 AND kind = 'email' AND address = $2 AND (confirmed_at IS NULL OR page_auth_version IS DISTINCT FROM $4::int)`,
        [page.id, email, componentIds, version],
      );
      // Locked: two submissions at once queue one confirmation.
      const [row] = (await manager.query(`SELECT id, confirmed_at, confirm_sent_at FROM status_subscribers WHERE page_id = $1 AND kind = 'email' AND address = $2 FOR UPDATE`, [page.id, email])) as {
        id: string;
        confirmed_at: Date | null;
        confirm_sent_at: Date | null;
      }[];
      if (!row || row.confirmed_at) return 'quiet';
      if (row.confirm_sent_at && now.getTime() - new Date(row.confirm_sent_at).getTime() < CONFIRM_RESEND_MS) return 'quiet';
      await manager.query('UPDATE status_subscribers SET confirm_sent_at = $2 WHERE id = $1', [row.id, now]);
      await manager.insert(StatusNotification, { tenantId: page.tenantId, pageId: page.id, subscriberId: row.id, eventKey: `confirm:${now.getTime()}`, kind: 'confirm', payload: {}, nextAttemptAt: now });
      return 'queued';
    });
  }

  /** The chosen components, each checked to be one the page shows (deduplicated); undefined when one is not. */
  private async chosenComponents(page: StatusPage, chosen: string[]): Promise<string[] | undefined> {
    const ids = [...new Set(chosen)];
    if (!ids.length) return [];
    if (ids.length > MAX_CHOSEN) return undefined;
    const known = new Set((await this.pages.componentsOfPage(page)).map((c) => c.id));
    return ids.every((id) => known.has(id)) ? ids : undefined;
  }

  /** The confirm link: sets `confirmedAt` once (a second click changes nothing). False: no such subscriber. */
  async confirm(page: StatusPage, subscriberId: string): Promise<boolean> {
    const result = await this.dataSource.query(`UPDATE status_subscribers SET confirmed_at = COALESCE(confirmed_at, $3) WHERE id = $1 AND page_id = $2 AND kind = 'email' RETURNING id`, [
      subscriberId, page.id, this.clock.now(),
    ]);
    return (result as [unknown[], number])[0].length > 0;
  }

  /** The unsubscribe link or one-click POST: the subscriber and everything queued for it are gone. */
  async unsubscribe(page: StatusPage, subscriberId: string): Promise<boolean> {
    const result = await this.subscribers.delete({ id: subscriberId, pageId: page.id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * The components an e-mail subscriber of this page chose (empty: all), for the manage link's form; undefined when the
   * link names no e-mail subscriber of this page and tenant, or one of another access than the page's now (subscribed
   * while it was public, or behind an older password or link): it may no longer see the page's components.
   */
  async choice(page: StatusPage, subscriberId: string): Promise<string[] | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT component_ids FROM status_subscribers WHERE id = $1 AND page_id = $2 AND tenant_id = $3 AND kind = 'email' AND page_auth_version IS NOT DISTINCT FROM $4::int`,
      [subscriberId, page.id, page.tenantId, StatusSubscribersService.accessVersion(page)],
    )) as { component_ids: string[] }[];
    return row?.component_ids;
  }

  /**
   * The manage link's POST: the subscriber's components replaced by `chosen` (none: all), each checked to be on the
   * page. `missing`: no such subscriber of this page (nothing changed); `invalid-components`: nothing changed.
   */
  async choose(page: StatusPage, subscriberId: string, chosen: string[]): Promise<'saved' | 'missing' | 'invalid-components'> {
    const componentIds = await this.chosenComponents(page, chosen);
    if (!componentIds) return 'invalid-components';
    const result = await this.dataSource.query(
      `UPDATE status_subscribers SET component_ids = $4::uuid[] WHERE id = $1 AND page_id = $2 AND tenant_id = $3 AND kind = 'email' AND page_auth_version IS NOT DISTINCT FROM $5::int RETURNING id`,
      [subscriberId, page.id, page.tenantId, componentIds, StatusSubscribersService.accessVersion(page)],
    );
    return (result as [unknown[], number])[0].length > 0 ? 'saved' : 'missing';
  }

  /** The access a visitor passes to see the page: none on a public page (null), else the page's current auth version. */
  static accessVersion(page: Pick<StatusPage, 'visibility' | 'authVersion'>): number | null {
    return page.visibility === StatusPageVisibility.public ? null : page.authVersion;
  }

  /**
   * A customer-login page mails only the customer's own address (the one it signs in with): its content is the
   * customer's, and a visitor signed in may not forward it to an address of its choosing.
   */
  private async isCustomerAddress(page: StatusPage, email: string): Promise<boolean> {
    if (!page.customerId) return false;
    return (await this.inventory.liveCustomer(page.tenantId, page.customerId))?.email?.trim().toLowerCase() === email;
  }

  // ---- the operators' side ----

  async list(principal: Principal, pageId: string, args: PageArgs): Promise<Connection<StatusSubscriber>> {
    const page = await this.pages.get(principal, pageId, 'pageId');
    const query = this.subscribers.createQueryBuilder('s').where('s.tenant_id = :tenantId AND s.page_id = :pageId', { tenantId: principal.tenantId, pageId: page.id });
    // By address: a timestamp key would lose its microseconds in the cursor (ISO milliseconds) and repeat a row.
    return paginateBy(query, args, 'address', 'ASC');
  }

  /** Every subscriber of a page as CSV (id, kind, address, confirmed_at, created_at), for the tenant's records or a request. */
  async csv(principal: Principal, pageId: string): Promise<string> {
    const page = await this.pages.get(principal, pageId, 'pageId');
    const rows = await this.subscribers.find({ where: { tenantId: principal.tenantId, pageId: page.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const lines = rows.map((r) => [r.id, r.kind, r.address, r.confirmedAt?.toISOString() ?? '', r.createdAt.toISOString()].map(csvCell).join(','));
    return ['id,kind,address,confirmed_at,created_at', ...lines].join('\r\n') + '\r\n';
  }

  /**
   * What the hourly sending limit did to a subscriber: rows held and still waiting, and held post updates coalesced
   * into a newer one (never sent). Read for a subscriber already loaded within the tenant (its own id and tenant).
   */
  async rateCounts(subscriber: Pick<StatusSubscriber, 'id' | 'tenantId'>): Promise<{ held: number; coalesced: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status IN ('queued', 'sending') AND held_at IS NOT NULL)::int AS held, count(*) FILTER (WHERE status = 'coalesced')::int AS coalesced
         FROM status_notifications WHERE subscriber_id = $1 AND tenant_id = $2`,
      [subscriber.id, subscriber.tenantId],
    )) as { held: number; coalesced: number }[];
    return row ?? { held: 0, coalesced: 0 };
  }

  /**
   * The operators' change of what a subscriber hears about (a webhook's, or an e-mail address's on its reader's
   * behalf): `componentIds` replaces the choice (none: all), each checked to be on the subscriber's page
   * (`componentIds.<n>` names the one that is not; nothing changed). Another tenant's subscriber is not found.
   */
  async setComponents(principal: Principal, id: string, componentIds: string[]): Promise<StatusSubscriber> {
    const row = await this.subscribers.findOne({ where: { id: assertUuid(id, 'id'), tenantId: principal.tenantId } });
    if (!row) throw VigiaException.notFound('status subscriber', 'id');
    const page = await this.pages.get(principal, row.pageId, 'id');
    const known = new Set((await this.pages.componentsOfPage(page)).map((c) => c.id));
    const chosen = [...new Set(componentIds)];
    if (chosen.length > MAX_CHOSEN) throw VigiaException.invalid('componentIds', `at most ${MAX_CHOSEN} components`);
    chosen.forEach((c, i) => {
      if (!known.has(c)) throw VigiaException.invalid(`componentIds.${i}`, 'is not a component of this page');
    });
    await this.subscribers.update({ id: row.id, tenantId: principal.tenantId }, { componentIds: chosen });
    return { ...row, componentIds: chosen };
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    const row = await this.subscribers.findOne({ where: { id: assertUuid(id, 'id'), tenantId: principal.tenantId } });
    if (!row) throw VigiaException.notFound('status subscriber', 'id');
    await this.subscribers.delete({ id: row.id, tenantId: principal.tenantId });
    return true;
  }

  /**
   * A webhook an operator adds: an http(s) URL (judged by the egress policy now if it is an address, and again at
   * every delivery after resolution) and a signing secret of at least 16 characters, sealed. Confirmed at once.
   */
  async addWebhook(principal: Principal, pageId: string, input: { url: string; secret: string; componentIds?: string[] }): Promise<StatusSubscriber> {
    const page = await this.pages.get(principal, pageId, 'pageId');
    const known = new Set((await this.pages.componentsOfPage(page)).map((c) => c.id));
    const componentIds = [...new Set(input.componentIds ?? [])];
    componentIds.forEach((id, i) => {
      if (!known.has(id)) throw VigiaException.invalid(`input.componentIds.${i}`, 'is not a component of this page');
    });
    const url = input.url.trim();
    const field = httpUrl();
    const problem = fieldProblem(field, url) ?? egressProblem(field, url, this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' }));
    if (problem) throw VigiaException.invalid('input.url', problem);
    if (input.secret.length < 16 || input.secret.length > 512) throw VigiaException.invalid('input.secret', 'must be a signing secret of 16 to 512 characters');
    const id = (await this.dataSource.query('SELECT gen_random_uuid() AS id'))[0].id as string;
    const duplicate = () => VigiaException.invalid('input.url', 'is already a webhook subscriber of this page');
    if (await this.subscribers.exists({ where: { pageId: page.id, kind: StatusSubscriberKind.webhook, address: url } })) throw duplicate();
    try {
      return await this.subscribers.save({
        id, tenantId: principal.tenantId, pageId: page.id, kind: StatusSubscriberKind.webhook, address: url, componentIds,
        secretSealed: this.box.seal(input.secret, `status_subscribers:${id}`), confirmedAt: this.clock.now(), confirmSentAt: null,
      });
    } catch (error) {
      // Two saves of one URL at the same instant: the unique index refuses the second, said as the check above says it.
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') throw duplicate();
      throw error;
    }
  }
}
