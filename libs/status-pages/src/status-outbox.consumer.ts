import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { type Incident, IncidentOutbox, IncidentsService, type OutboxItem, OutboxWorker } from '#lib/incidents';
import { isReportLanguage } from '#lib/tenancy';
import { PostState, type StatusComponent, StatusComponentKind, StatusPage, StatusPost, StatusPostIncident, StatusPostUpdate } from './status-page.entity.js';
import { StatusFormat, STATUS_MESSAGES } from './status-page.i18n.js';
import { StatusPageCache } from './status-page.cache.js';
import { StatusPagesService } from './status-pages.service.js';
import { queuePostUpdate } from './status-notifications.js';

/** One drafter per page at a time: two incidents of one outage handled at once (two replicas) join one post. */
async function lockPageDrafts(manager: EntityManager, pageId: string): Promise<void> {
  await manager.query("SELECT pg_advisory_xact_lock(hashtextextended('status-post-draft:' || $1::text, 0))", [pageId]);
}

/**
 * The posts Vigia drafted on this page, not yet resolved, about at least these components, newest first, with the
 * incidents each speaks for (at most a few: a page has few open posts).
 */
async function openDraftsCovering(manager: EntityManager, pageId: string, componentIds: string[]): Promise<{ id: string; incident_ids: string[] }[]> {
  return manager.query(
    `SELECT p.id, array_agg(l.incident_id) AS incident_ids FROM status_posts p JOIN status_post_incidents l ON l.post_id = p.id
      WHERE p.page_id = $1 AND p.incident_id IS NOT NULL AND p.state <> 'resolved' AND p.component_ids @> $2::uuid[]
      GROUP BY p.id, p.created_at ORDER BY p.created_at DESC LIMIT 20`,
    [pageId, componentIds],
  );
}

function affects(c: StatusComponent, incident: Incident): boolean {
  if (c.kind === StatusComponentKind.service) return c.subjectId === incident.serviceId;
  if (c.kind === StatusComponentKind.host) return c.subjectId === incident.hostId;
  return c.subjectId === incident.monitorId;
}

/**
 * The status pages' reader of the incident outbox (its own cursor, rows claimed with SKIP LOCKED like alerts and
 * runbooks): when Vigia opens an incident on a component of a page, a post is drafted there — published at once
 * when the page says so — naming only the component's display name and the time, never the monitor, host, address
 * or probe reason. One outage seen by two monitors of a service is two incidents: the second joins the first's open
 * post (`status_post_incidents`), and the post resolves with the last of them. Drafting is idempotent (one link per
 * page and incident), so a row handled twice drafts once.
 */
@Injectable()
export class StatusOutboxConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  readonly worker: OutboxWorker;

  constructor(
    outbox: IncidentOutbox,
    private readonly incidents: IncidentsService,
    private readonly pages: StatusPagesService,
    private readonly cache: StatusPageCache,
    private readonly dataSource: DataSource,
    @InjectRepository(StatusPage) private readonly pageRows: Repository<StatusPage>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.worker = new OutboxWorker(outbox, 'status-pages', (item) => this.handle(item), new Logger('StatusPagesOutbox'));
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.worker.stop();
  }

  async handle(item: OutboxItem): Promise<void> {
    const incident = await this.incidents.of(item.tenantId, item.incidentId);
    if (!incident) return;
    if (item.kind === 'opened') await this.opened(incident);
    else if (item.kind === 'resolved') await this.resolved(incident);
  }

  private async opened(incident: Incident): Promise<void> {
    const pages = await this.pageRows.find({ where: { tenantId: incident.tenantId } });
    for (const page of pages) {
      const components = (page.customerId ? await this.pages.customerComponents(page) : await this.pages.componentsOf(page.id)).filter((c) => affects(c, incident));
      if (!components.length) continue;
      await this.dataSource.transaction(async (manager) => {
        await lockPageDrafts(manager, page.id);
        // Handled before (a row handled twice after a crash): nothing more.
        if (await manager.exists(StatusPostIncident, { where: { pageId: page.id, incidentId: incident.id } })) return;
        const componentIds = components.map((c) => c.id);
        // A second incident of the same outage (another monitor of the service) joins the post already open about
        // these components: no second post, no second mail to the page's subscribers.
        const open = await this.outageGoingOn(incident.tenantId, await openDraftsCovering(manager, page.id, componentIds));
        const postId = open ?? (await this.draft(manager, page, incident, components));
        await manager.insert(StatusPostIncident, { pageId: page.id, incidentId: incident.id, postId, tenantId: page.tenantId });
      });
    }
    this.cache.invalidate();
  }

  /**
   * The newest of these posts whose outage is still going on (one of its incidents open). A post left unresolved
   * after its outage ended (published by an operator who never closed it) takes no later outage: that one is news.
   */
  private async outageGoingOn(tenantId: string, posts: { id: string; incident_ids: string[] }[]): Promise<string | undefined> {
    if (!posts.length) return undefined;
    const open = await this.incidents.openAmong(tenantId, posts.flatMap((p) => p.incident_ids));
    return posts.find((p) => p.incident_ids.some((id) => open.has(id)))?.id;
  }

  /** A new post about `components`, with its first update queued for the page's subscribers; its id. */
  private async draft(manager: EntityManager, page: StatusPage, incident: Incident, components: StatusComponent[]): Promise<string> {
    const language = isReportLanguage(page.language) ? page.language : 'en';
    const m = STATUS_MESSAGES[language];
    const names = [...new Set(components.map((c) => c.displayName))].join(', ');
    const since = new StatusFormat(language, page.timeZone).at(incident.openedAt.getTime());
    const now = this.clock.now();
    const componentIds = components.map((c) => c.id);
    const inserted = await manager.insert(StatusPost, {
      tenantId: page.tenantId, pageId: page.id, incidentId: incident.id, title: m.draftTitle(names), state: PostState.investigating,
      componentIds, published: page.autoPublish, publishedAt: page.autoPublish ? now : null,
    });
    const id = String(inserted.identifiers[0]!.id);
    const body = m.draftBody(names, `${since} (${page.timeZone})`);
    const update = await manager.insert(StatusPostUpdate, { tenantId: page.tenantId, postId: id, state: PostState.investigating, body, at: now });
    // In the caller's transaction: a crash before the commit drafts (and queues) again; after it, all are there.
    await queuePostUpdate(manager, { id, pageId: page.id, title: m.draftTitle(names), published: page.autoPublish, componentIds }, { id: String(update.identifiers[0]!.id), state: PostState.investigating, body, at: now });
    return id;
  }

  /**
   * A drafted post still a draft, or one the page published by itself, is closed with a resolved update once the
   * last incident it speaks for is resolved.
   */
  private async resolved(incident: Incident): Promise<void> {
    const links: Pick<StatusPostIncident, 'pageId' | 'postId'>[] = await this.dataSource.getRepository(StatusPostIncident).find({ where: { tenantId: incident.tenantId, incidentId: incident.id } });
    // A post drafted by a replica older than status_post_incidents (during a rolling upgrade) has no link row.
    const drafted = await this.dataSource.getRepository(StatusPost).find({ where: { tenantId: incident.tenantId, incidentId: incident.id }, select: { id: true, pageId: true } });
    for (const post of drafted) if (!links.some((l) => l.postId === post.id)) links.push({ pageId: post.pageId, postId: post.id });
    for (const link of links) {
      const page = await this.pageRows.findOne({ where: { id: link.pageId } });
      if (!page) continue;
      const m = STATUS_MESSAGES[isReportLanguage(page.language) ? page.language : 'en'];
      await this.dataSource.transaction(async (manager) => {
        await lockPageDrafts(manager, page.id);
        const post = await manager.findOne(StatusPost, { where: { id: link.postId } });
        if (!post || post.state === PostState.resolved || (post.published && !page.autoPublish)) return;
        const others = (await manager.find(StatusPostIncident, { where: { postId: post.id } })).map((l) => l.incidentId).filter((id) => id !== incident.id);
        if ((await this.incidents.openAmong(incident.tenantId, others)).size > 0) return; // the outage goes on
        const at = this.clock.now();
        const update = await manager.insert(StatusPostUpdate, { tenantId: post.tenantId, postId: post.id, state: PostState.resolved, body: m.draftResolved, at });
        await manager.update(StatusPost, { id: post.id }, { state: PostState.resolved });
        await queuePostUpdate(manager, post, { id: String(update.identifiers[0]!.id), state: PostState.resolved, body: m.draftResolved, at });
      });
    }
    this.cache.invalidate();
  }
}
