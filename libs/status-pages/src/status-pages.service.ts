import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, Not, Repository } from 'typeorm';
import { CLOCK, type Clock, VigiaException } from '#lib/common';
import { currentOrNext, HostMaintenance } from '#lib/detection';
import { CustomersService, HostsService, InventoryHistory, MonitorsService, ServicesService } from '#lib/inventory';
import { assertTimeZone } from '#lib/reports';
import { isReportLanguage, PasswordHasher, type Principal, TenantFacts } from '#lib/tenancy';
import { PostState, StatusComponent, StatusMaintenanceNotice, StatusComponentKind, StatusPage, StatusPageVisibility, StatusPost, StatusPostUpdate } from './status-page.entity.js';
import type { StatusComponentInput, StatusPageInput, StatusPostInput, StatusPostUpdateInput } from './status-pages.types.js';
import { StatusPageCache } from './status-page.cache.js';
import { queueForSubscribers, queuePostUpdate } from './status-notifications.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const COLOR = /^#[0-9a-f]{6}$/i;

/** A host name a page may answer on: at least two labels, letters/digits/dashes, not an address, 253 characters at most. */
export function domainProblem(domain: string): string | undefined {
  if (domain.length > 253) return 'is longer than 253 characters';
  const labels = domain.split('.');
  if (labels.length < 2) return 'must be a full host name such as status.example.com';
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) return 'must be a host name of letters, digits, dashes and dots (no scheme, port or path)';
  if (/^\d+$/.test(labels.at(-1)!)) return 'must be a host name, not an IP address';
  return undefined;
}

function httpUrlProblem(url: string, httpsOnly: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (httpsOnly ? parsed.protocol !== 'https:' : parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return httpsOnly ? 'must be an https URL' : 'must be an http or https URL';
  return undefined;
}

/** Statuses in the order an update may move a post; resolved is final but may be reopened by a new update. */
export const POST_STATES: PostState[] = [PostState.investigating, PostState.identified, PostState.monitoring, PostState.resolved];

/**
 * Status pages, their components and posts: every change validated in full before anything is written, then written
 * in one transaction, so a bad field leaves the page as it was.
 */
@Injectable()
export class StatusPagesService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(StatusPage) private readonly pages: Repository<StatusPage>,
    @InjectRepository(StatusComponent) private readonly components: Repository<StatusComponent>,
    @InjectRepository(StatusPost) private readonly posts: Repository<StatusPost>,
    @InjectRepository(StatusPostUpdate) private readonly updates: Repository<StatusPostUpdate>,
    private readonly tenants: TenantFacts,
    @InjectRepository(StatusMaintenanceNotice) private readonly notices: Repository<StatusMaintenanceNotice>,
    private readonly maintenance: HostMaintenance,
    private readonly services: ServicesService,
    private readonly hosts: HostsService,
    private readonly monitors: MonitorsService,
    private readonly customers: CustomersService,
    private readonly inventory: InventoryHistory,
    private readonly hasher: PasswordHasher,
    private readonly cache: StatusPageCache,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Set by any page change: custom-domain routes are reloaded at the next request. */
  domainsChanged = false;

  /**
   * Custom domain → the page's tenant slug and page slug. Tenancy owns the slugs: asked for all pages' tenants in one
   * query through its port (two queries in all, not one per page).
   */
  async domainRoutes(): Promise<Map<string, [string, string]>> {
    const pages = await this.pages.find({ where: { customDomain: Not(IsNull()) } });
    const slugs = await this.tenants.slugs(pages.map((p) => p.tenantId));
    return new Map(pages.filter((p) => slugs.has(p.tenantId)).map((p) => [p.customDomain!, [slugs.get(p.tenantId)!, p.slug]]));
  }

  /** A page by its public address: the tenant by its slug through tenancy's port, then its page by slug. */
  async bySlugs(tenantSlug: string, pageSlug: string): Promise<StatusPage | null> {
    const tenantId = await this.tenants.idOfSlug(tenantSlug);
    return tenantId ? this.pages.findOne({ where: { slug: pageSlug, tenantId } }) : null;
  }

  async pathOf(principal: Principal, page: StatusPage): Promise<string> {
    const slug = (await this.tenants.slugs([principal.tenantId])).get(principal.tenantId);
    // A principal's tenant exists (tenants are never deleted under a live session); said plainly if that ever breaks.
    if (!slug) throw new Error(`tenant ${principal.tenantId} not found`);
    return `/status/${slug}/${page.slug}`;
  }

  list(principal: Principal): Promise<StatusPage[]> {
    return this.pages.find({ where: { tenantId: principal.tenantId }, order: { slug: 'ASC' } });
  }

  async get(principal: Principal, id: string, field = 'id'): Promise<StatusPage> {
    const page = await this.pages.findOne({ where: { id, tenantId: principal.tenantId } });
    if (!page) throw VigiaException.notFound('status page', field);
    return page;
  }

  /** The components a page shows: its own, or for a per-customer page the customer's services now. */
  componentsOfPage(page: StatusPage): Promise<StatusComponent[]> {
    return page.customerId ? this.customerComponents(page) : this.componentsOf(page.id);
  }

  componentsOf(pageId: string): Promise<StatusComponent[]> {
    return this.components.find({ where: { pageId }, order: { position: 'ASC' } });
  }

  async create(principal: Principal, input: StatusPageInput): Promise<StatusPage> {
    if (!input.slug) throw VigiaException.invalid('input.slug', 'is required');
    if (!input.title?.trim()) throw VigiaException.invalid('input.title', 'is required');
    const tenant = await this.tenants.profile(principal.tenantId);
    if (!tenant) throw new Error(`tenant ${principal.tenantId} not found`);
    // A new page speaks and counts days as the tenant does unless told otherwise.
    const page = this.pages.create({
      // A customer's page is private unless said otherwise (by link, as generated ones): it lists the customer's
      // services, which nobody else should learn by guessing a slug.
      tenantId: principal.tenantId, visibility: input.customerId ? StatusPageVisibility.link : StatusPageVisibility.public, links: [], timeZone: tenant.timeZone,
      language: isReportLanguage(tenant.defaultLanguage) ? tenant.defaultLanguage : 'en',
    });
    return this.save(principal, page, input, true);
  }

  async update(principal: Principal, id: string, input: StatusPageInput): Promise<StatusPage> {
    const page = await this.get(principal, id);
    return this.save(principal, page, input, false);
  }

  async delete(principal: Principal, id: string): Promise<boolean> {
    const page = await this.get(principal, id);
    await this.pages.delete({ id: page.id, tenantId: principal.tenantId });
    this.changed();
    return true;
  }

  /** One link-only page per customer that has none yet, named after the customer; returns every customer page. */
  async generateCustomerPages(principal: Principal): Promise<StatusPage[]> {
    const existing = await this.pages.find({ where: { tenantId: principal.tenantId } });
    const have = new Set(existing.map((p) => p.customerId).filter(Boolean));
    const slugs = new Set(existing.map((p) => p.slug));
    for (let after: string | undefined; ; ) {
      const batch = await this.customers.list(principal, { first: 100, after } as never);
      for (const { node: customer } of batch.edges) {
        if (have.has(customer.id)) continue;
        let slug = `customer-${customer.id.slice(0, 8)}`;
        for (let n = 2; slugs.has(slug); n++) slug = `customer-${customer.id.slice(0, 8)}-${n}`;
        slugs.add(slug);
        await this.create(principal, { slug, title: customer.name, customerId: customer.id, visibility: StatusPageVisibility.link, language: customer.language ?? undefined });
      }
      if (!batch.pageInfo.hasNextPage) break;
      after = batch.pageInfo.endCursor ?? undefined;
    }
    return (await this.pages.find({ where: { tenantId: principal.tenantId }, order: { slug: 'ASC' } })).filter((p) => p.customerId);
  }

  private changed(): void {
    this.cache.invalidate();
    this.domainsChanged = true;
  }

  private async save(principal: Principal, page: StatusPage, input: StatusPageInput, creating: boolean): Promise<StatusPage> {
    const patch: Partial<StatusPage> = {};
    if (input.slug !== undefined) {
      const slug = input.slug.trim();
      if (!SLUG.test(slug)) throw VigiaException.invalid('input.slug', 'must be 1 to 63 lower-case letters, digits or dashes, not starting or ending with a dash');
      const other = await this.pages.findOne({ where: { tenantId: principal.tenantId, slug } });
      if (other && other.id !== page.id) throw VigiaException.invalid('input.slug', `is already used by another status page of this tenant ("${other.title}")`);
      patch.slug = slug;
    }
    if (input.title !== undefined) {
      if (!input.title.trim()) throw VigiaException.invalid('input.title', 'must not be empty');
      patch.title = input.title.trim();
    }
    if (input.customDomain !== undefined) {
      const domain = input.customDomain?.trim().toLowerCase().replace(/\.$/, '') || null;
      if (domain) {
        const problem = domainProblem(domain);
        if (problem) throw VigiaException.invalid('input.customDomain', problem);
        const other = await this.pages.findOne({ where: { customDomain: domain } });
        if (other && other.id !== page.id) throw VigiaException.invalid('input.customDomain', 'is already used by another status page');
      }
      patch.customDomain = domain;
    }
    if (input.language !== undefined) {
      if (!isReportLanguage(input.language)) throw VigiaException.invalid('input.language', 'must be one of en, es, pt, de, fr');
      patch.language = input.language;
    }
    if (input.timeZone !== undefined) {
      try {
        assertTimeZone(input.timeZone);
      } catch {
        throw VigiaException.invalid('input.timeZone', 'must be an IANA time zone such as Europe/Madrid');
      }
      patch.timeZone = input.timeZone;
    }
    if (input.days !== undefined) {
      if (input.days < 7 || input.days > 365) throw VigiaException.invalid('input.days', 'must be from 7 to 365');
      patch.days = input.days;
    }
    if (input.footer !== undefined) patch.footer = input.footer;
    if (input.accentColor !== undefined) {
      if (!COLOR.test(input.accentColor)) throw VigiaException.invalid('input.accentColor', 'must be a colour as #rrggbb');
      patch.accentColor = input.accentColor.toLowerCase();
    }
    if (input.logoUrl !== undefined) {
      const problem = input.logoUrl ? httpUrlProblem(input.logoUrl, true) : undefined;
      if (problem) throw VigiaException.invalid('input.logoUrl', problem);
      patch.logoUrl = input.logoUrl || null;
    }
    if (input.links !== undefined) {
      if (input.links.length > 10) throw VigiaException.invalid('input.links', 'at most 10 links');
      input.links.forEach((l, i) => {
        const problem = httpUrlProblem(l, false);
        if (problem) throw VigiaException.invalid(`input.links.${i}`, problem);
      });
      patch.links = input.links;
    }
    if (input.embedOrigins !== undefined) patch.embedOrigins = embedOrigins(input.embedOrigins);
    if (input.autoPublish !== undefined) patch.autoPublish = input.autoPublish;
    if (input.customerId !== undefined) {
      if (!creating && input.customerId !== page.customerId) throw VigiaException.invalid('input.customerId', 'cannot change: create another page for another customer');
      patch.customerId = (await this.customers.scope.get(principal, input.customerId, 'input.customerId')).id;
    }
    const visibility = input.visibility ?? page.visibility;
    if (input.password !== undefined) {
      if (visibility !== StatusPageVisibility.password) throw VigiaException.invalid('input.password', 'is only for a page with visibility password');
      if (input.password.length < 10) throw VigiaException.invalid('input.password', 'must be at least 10 characters');
      patch.passwordHash = await this.hasher.hash(input.password);
    }
    if (visibility === StatusPageVisibility.password && !patch.passwordHash && !page.passwordHash) throw VigiaException.invalid('input.password', 'is required for a page with visibility password');
    if (input.visibility !== undefined && input.visibility !== page.visibility) patch.visibility = input.visibility;
    if (!creating && (patch.passwordHash || patch.visibility)) patch.authVersion = page.authVersion + 1;
    const customerId = patch.customerId ?? page.customerId;
    if (visibility === StatusPageVisibility.customer && !customerId) throw VigiaException.invalid('input.visibility', 'customer is only for a per-customer page (one with a customerId)');
    if (customerId && input.components?.length) throw VigiaException.invalid('input.components', "a per-customer page shows the services the customer is served by; its components are not chosen by hand");
    const components = input.components ? await this.resolveComponents(principal, input.components) : undefined;

    const saved = await this.dataSource.transaction(async (manager: EntityManager) => {
      const row = await manager.save(StatusPage, { ...page, ...patch });
      if (components) {
        // A component kept across an edit (same subject) keeps its id, so posts that name it still do; a removed one
        // goes, and posts show it as no longer on the page.
        const kept = new Map((await manager.find(StatusComponent, { where: { pageId: row.id } })).map((c) => [`${c.kind}:${c.subjectId}`, c.id]));
        await manager.delete(StatusComponent, { pageId: row.id });
        if (components.length) {
          await manager.insert(StatusComponent, components.map((c, position) => ({ ...c, ...(kept.has(`${c.kind}:${c.subjectId}`) ? { id: kept.get(`${c.kind}:${c.subjectId}`) } : {}), pageId: row.id, tenantId: principal.tenantId, position })));
        }
      }
      return row;
    });
    this.changed();
    return saved;
  }

  /** Each component's subject, checked to be the tenant's (another tenant's id is "not found", naming the field). */
  private async resolveComponents(principal: Principal, inputs: StatusComponentInput[]): Promise<Omit<StatusComponent, 'id' | 'pageId' | 'tenantId' | 'position'>[]> {
    if (inputs.length > 200) throw VigiaException.invalid('input.components', 'at most 200 components');
    const out: Omit<StatusComponent, 'id' | 'pageId' | 'tenantId' | 'position'>[] = [];
    const seen = new Set<string>();
    for (const [i, c] of inputs.entries()) {
      const field = `input.components.${i}.subjectId`;
      let name: string;
      if (c.kind === StatusComponentKind.service) {
        const s = await this.services.scope.get(principal, c.subjectId, field);
        name = s.customerFacingName ?? s.name;
      } else if (c.kind === StatusComponentKind.host) name = (await this.hosts.scope.get(principal, c.subjectId, field)).name;
      else name = (await this.monitors.scope.get(principal, c.subjectId, field)).name;
      const key = `${c.kind}:${c.subjectId}`;
      if (seen.has(key)) throw VigiaException.invalid(field, 'is already a component of this page');
      seen.add(key);
      const displayName = c.displayName?.trim() || name;
      out.push({ kind: c.kind, subjectId: c.subjectId, displayName, groupName: c.groupName?.trim() || null });
    }
    return out;
  }

  /** A per-customer page's components: the services the customer is served by now, under their customer-facing names. */
  async customerComponents(page: StatusPage): Promise<StatusComponent[]> {
    if (!page.customerId) return [];
    const now = this.clock.now().getTime();
    const links = (await this.inventory.customerLinksOf(page.tenantId, page.customerId)).filter((l) => l.startsMs <= now && (l.endsMs === null || l.endsMs > now));
    const names = new Map((await this.inventory.serviceDisplayNames(page.tenantId)).map((s) => [s.id, s.name]));
    const ids = [...new Set(links.map((l) => l.service_id))];
    const live = ids.length ? new Set((await this.inventory.monitorsOf(page.tenantId, 'm.service_id = ANY($2::uuid[]) AND m.deleted_at IS NULL', [ids])).map((m) => m.service_id)) : new Set();
    return ids
      .filter((id) => live.has(id) && names.has(id))
      .map((id) => ({ id, tenantId: page.tenantId, pageId: page.id, kind: StatusComponentKind.service, subjectId: id, displayName: names.get(id)!, groupName: null, position: 0 }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((c, position) => ({ ...c, position }));
  }

  // ---- maintenance notices ----

  /** Announce a maintenance window on the pages whose components it covers (title and text as given). */
  async publishMaintenance(principal: Principal, windowId: string, title: string, body: string): Promise<StatusMaintenanceNotice> {
    const [window] = await this.maintenance.windowsOf(principal.tenantId, [windowId]);
    if (!window) throw VigiaException.notFound('maintenance window', 'windowId');
    if (!title.trim()) throw VigiaException.invalid('title', 'must not be empty');
    if (title.length > 200) throw VigiaException.invalid('title', 'at most 200 characters');
    if (body.length > 5000) throw VigiaException.invalid('body', 'at most 5,000 characters');
    const existing = await this.notices.findOne({ where: { tenantId: principal.tenantId, windowId } });
    const occurrence = currentOrNext(window, this.clock.now());
    const pages = await this.pagesCovering(principal.tenantId, window);
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await manager.save(StatusMaintenanceNotice, { ...(existing ?? {}), tenantId: principal.tenantId, windowId, title: title.trim(), body });
      // One notice per occurrence and subscriber: publishing again (an edited text) mails nobody twice. Each page's
      // subscribers of the components the window covers there (or of all) hear of it.
      const payload = { noticeId: row.id, title: row.title, body, startsAt: occurrence.startsAt.toISOString(), endsAt: occurrence.endsAt.toISOString(), phase: 'announced' as const };
      for (const { page, components } of pages) await queueForSubscribers(manager, page.id, `maintenance:${windowId}:${payload.startsAt}`, 'maintenance', payload, components);
      return row;
    });
    this.changed();
    return saved;
  }

  /** The pages of a tenant with a component a maintenance window covers, with the ids of those components. */
  async pagesCovering(tenantId: string, window: { hostIds: string[]; serviceIds: string[]; monitorIds: string[] }): Promise<{ page: StatusPage; components: string[] }[]> {
    const covered = new Set([...window.hostIds.map((id) => `host:${id}`), ...window.serviceIds.map((id) => `service:${id}`), ...window.monitorIds.map((id) => `monitor:${id}`)]);
    const out: { page: StatusPage; components: string[] }[] = [];
    for (const page of await this.pages.find({ where: { tenantId } })) {
      const components = (await this.componentsOfPage(page)).filter((c) => covered.has(`${c.kind}:${c.subjectId}`));
      if (components.length) out.push({ page, components: components.map((c) => c.id) });
    }
    return out;
  }

  /** The tenant's announced windows (their notices). */
  maintenanceNotices(principal: Principal): Promise<StatusMaintenanceNotice[]> {
    return this.notices.find({ where: { tenantId: principal.tenantId }, order: { title: 'ASC' } });
  }

  async withdrawMaintenance(principal: Principal, windowId: string): Promise<boolean> {
    // Another tenant's window is not found, as every id of another tenant is (not a quiet false).
    if (!(await this.maintenance.windowsOf(principal.tenantId, [windowId])).length) throw VigiaException.notFound('maintenance window', 'windowId');
    const result = await this.notices.delete({ tenantId: principal.tenantId, windowId });
    this.changed();
    return (result.affected ?? 0) > 0;
  }

  /** The announced windows of a tenant, with their times and subjects from detection. */
  async announcedMaintenance(tenantId: string): Promise<{ notice: StatusMaintenanceNotice; startsAt: number; endsAt: number; hostIds: string[]; serviceIds: string[]; monitorIds: string[] }[]> {
    const notices = await this.notices.find({ where: { tenantId } });
    const windows = new Map((await this.maintenance.windowsOf(tenantId, notices.map((n) => n.windowId))).map((w) => [w.id, w]));
    const now = this.clock.now();
    return notices.flatMap((notice) => {
      const w = windows.get(notice.windowId);
      if (!w) return [];
      // A recurring window is announced by the occurrence in progress, else the next one (the calendar's rule).
      const o = currentOrNext(w, now);
      return [{ notice, startsAt: o.startsAt.getTime(), endsAt: o.endsAt.getTime(), hostIds: w.hostIds, serviceIds: w.serviceIds, monitorIds: w.monitorIds }];
    });
  }

  // ---- posts ----

  async createPost(principal: Principal, pageId: string, input: StatusPostInput, first: StatusPostUpdateInput): Promise<StatusPost> {
    const page = await this.get(principal, pageId, 'pageId');
    if (!input.title?.trim()) throw VigiaException.invalid('input.title', 'is required');
    const componentIds = await this.checkComponents(page, input.componentIds ?? []);
    if (!first.body.trim()) throw VigiaException.invalid('update.body', 'must not be empty');
    const now = this.clock.now();
    const post = await this.dataSource.transaction(async (manager) => {
      const row = await manager.save(StatusPost, {
        tenantId: principal.tenantId, pageId: page.id, title: input.title!.trim(), state: first.state, componentIds,
        published: input.published ?? false, publishedAt: input.published ? now : null,
      });
      const inserted = await manager.insert(StatusPostUpdate, { tenantId: principal.tenantId, postId: row.id, state: first.state, body: first.body, at: now });
      await queuePostUpdate(manager, row, { id: String(inserted.identifiers[0]!.id), state: first.state, body: first.body, at: now });
      return row;
    });
    this.cache.invalidate();
    return post;
  }

  async updatePost(principal: Principal, id: string, input: StatusPostInput): Promise<StatusPost> {
    const post = await this.post(principal, id);
    const page = await this.get(principal, post.pageId, 'id');
    const patch: Partial<StatusPost> = {};
    if (input.title !== undefined) {
      if (!input.title.trim()) throw VigiaException.invalid('input.title', 'must not be empty');
      patch.title = input.title.trim();
    }
    if (input.componentIds !== undefined) patch.componentIds = await this.checkComponents(page, input.componentIds);
    if (input.published !== undefined) {
      patch.published = input.published;
      if (input.published && !post.publishedAt) patch.publishedAt = this.clock.now();
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.update(StatusPost, { id: post.id }, patch);
      // Published now: subscribers are told the post as it stands (its latest update), once.
      if (patch.published && !post.published) {
        const latest = await manager.findOne(StatusPostUpdate, { where: { postId: post.id }, order: { at: 'DESC' } });
        if (latest) await queuePostUpdate(manager, { ...post, ...patch }, latest);
      }
    });
    this.cache.invalidate();
    return { ...post, ...patch };
  }

  async addPostUpdate(principal: Principal, postId: string, input: StatusPostUpdateInput): Promise<StatusPost> {
    const post = await this.post(principal, postId, 'postId');
    if (!input.body.trim()) throw VigiaException.invalid('input.body', 'must not be empty');
    const at = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const inserted = await manager.insert(StatusPostUpdate, { tenantId: principal.tenantId, postId: post.id, state: input.state, body: input.body, at });
      await manager.update(StatusPost, { id: post.id }, { state: input.state });
      await queuePostUpdate(manager, post, { id: String(inserted.identifiers[0]!.id), state: input.state, body: input.body, at });
    });
    this.cache.invalidate();
    return { ...post, state: input.state };
  }

  async deletePost(principal: Principal, id: string): Promise<boolean> {
    const post = await this.post(principal, id);
    await this.posts.delete({ id: post.id });
    this.cache.invalidate();
    return true;
  }

  async post(principal: Principal, id: string, field = 'id'): Promise<StatusPost> {
    const post = await this.posts.findOne({ where: { id, tenantId: principal.tenantId } });
    if (!post) throw VigiaException.notFound('status post', field);
    return post;
  }

  postsOf(principal: Principal, pageId: string): Promise<StatusPost[]> {
    return this.posts.find({ where: { pageId, tenantId: principal.tenantId }, order: { createdAt: 'DESC' } });
  }

  updatesOf(postIds: string[]): Promise<StatusPostUpdate[]> {
    return postIds.length ? this.updates.find({ where: { postId: In(postIds) }, order: { at: 'ASC' } }) : Promise.resolve([]);
  }

  private async checkComponents(page: StatusPage, ids: string[]): Promise<string[]> {
    const known = new Set((await this.componentsOfPage(page)).map((c) => c.id));
    ids.forEach((id, i) => {
      if (!known.has(id)) throw VigiaException.invalid(`input.componentIds.${i}`, 'is not a component of this page');
    });
    return [...new Set(ids)];
  }
}

/**
 * The origins a page may be framed by, checked and written as browsers compare them (`https://www.example.com`,
 * a port only when not the scheme's own): http or https, a host, nothing after it. At most 10.
 */
function embedOrigins(list: string[]): string[] {
  if (list.length > 10) throw VigiaException.invalid('input.embedOrigins', 'at most 10 origins');
  return [
    ...new Set(
      list.map((raw, i) => {
        const field = `input.embedOrigins.${i}`;
        // Several origins in one field: each refusal says which one it is about.
        const refuse = (why: string) => VigiaException.invalid(field, `"${raw.slice(0, 100)}" ${why}`);
        let url: URL;
        try {
          url = new URL(raw.trim());
        } catch {
          throw refuse('must be an origin such as https://www.example.com');
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must start with https:// or http://');
        if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || !/^[a-z]+:\/\/[^/?#]+\/?$/i.test(raw.trim())) {
          throw refuse('must be an origin only (scheme and host, optionally a port), with no path, query or user');
        }
        // Only what a CSP source can hold: a host name (a leading `*.` for its subdomains), a port — nothing that could
        // end the directive (`;`, a space) or add another.
        if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/.test(url.host)) throw refuse('must have a host name such as www.example.com');
        return url.origin;
      }),
    ),
  ];
}
