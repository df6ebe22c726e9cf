import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { type Incident, IncidentOutbox, IncidentsService, type OutboxItem, OutboxWorker } from '#lib/incidents';
import { isReportLanguage } from '#lib/tenancy';
import { PostState, type StatusComponent, StatusComponentKind, StatusPage, StatusPost, StatusPostUpdate } from './status-page.entity.js';
import { StatusFormat, STATUS_MESSAGES } from './status-page.i18n.js';
import { StatusPageCache } from './status-page.cache.js';
import { StatusPagesService } from './status-pages.service.js';
import { queuePostUpdate } from './status-notifications.js';

function affects(c: StatusComponent, incident: Incident): boolean {
  if (c.kind === StatusComponentKind.service) return c.subjectId === incident.serviceId;
  if (c.kind === StatusComponentKind.host) return c.subjectId === incident.hostId;
  return c.subjectId === incident.monitorId;
}

/**
 * The status pages' reader of the incident outbox (its own cursor, rows claimed with SKIP LOCKED like alerts and
 * runbooks): when Vigia opens an incident on a component of a page, a post is drafted there — published at once
 * when the page says so — naming only the component's display name and the time, never the monitor, host, address
 * or probe reason. Drafting is idempotent (one post per page and incident), so a row handled twice drafts once.
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
      const language = isReportLanguage(page.language) ? page.language : 'en';
      const m = STATUS_MESSAGES[language];
      const names = [...new Set(components.map((c) => c.displayName))].join(', ');
      const since = new StatusFormat(language, page.timeZone).at(incident.openedAt.getTime());
      const now = this.clock.now();
      await this.dataSource.transaction(async (manager) => {
        const inserted = await manager
          .createQueryBuilder()
          .insert()
          .into(StatusPost)
          .values({
            tenantId: page.tenantId, pageId: page.id, incidentId: incident.id, title: m.draftTitle(names), state: PostState.investigating,
            componentIds: components.map((c) => c.id), published: page.autoPublish, publishedAt: page.autoPublish ? now : null,
          })
          .orIgnore()
          .returning(['id'])
          .execute();
        const id = (inserted.raw as { id: string }[])[0]?.id;
        if (!id) return;
        const body = m.draftBody(names, `${since} (${page.timeZone})`);
        const update = await manager.insert(StatusPostUpdate, { tenantId: page.tenantId, postId: id, state: PostState.investigating, body, at: now });
        // In the same transaction: a crash before the commit drafts (and queues) again; after it, both are there.
        await queuePostUpdate(manager, { id, pageId: page.id, title: m.draftTitle(names), published: page.autoPublish, componentIds: components.map((c) => c.id) }, { id: String(update.identifiers[0]!.id), state: PostState.investigating, body, at: now });
      });
    }
    this.cache.invalidate();
  }

  /** A drafted post still a draft, or one the page published by itself, is closed with a resolved update. */
  private async resolved(incident: Incident): Promise<void> {
    const posts = await this.dataSource.getRepository(StatusPost).find({ where: { tenantId: incident.tenantId, incidentId: incident.id } });
    for (const post of posts) {
      if (post.state === PostState.resolved) continue;
      const page = await this.pageRows.findOne({ where: { id: post.pageId } });
      if (!page || (post.published && !page.autoPublish)) continue;
      const m = STATUS_MESSAGES[isReportLanguage(page.language) ? page.language : 'en'];
      const at = this.clock.now();
      await this.dataSource.transaction(async (manager) => {
        const update = await manager.insert(StatusPostUpdate, { tenantId: post.tenantId, postId: post.id, state: PostState.resolved, body: m.draftResolved, at });
        await manager.update(StatusPost, { id: post.id }, { state: PostState.resolved });
        await queuePostUpdate(manager, post, { id: String(update.identifiers[0]!.id), state: PostState.resolved, body: m.draftResolved, at });
      });
    }
    this.cache.invalidate();
  }
}
