import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HostMaintenanceModule, MonitorHealthModule, StateHistory } from '#lib/detection';
import { EgressModule } from '#lib/egress';
import { IncidentsModule } from '#lib/incidents';
import { InventoryHistoryModule, InventoryModule } from '#lib/inventory';
import { ReportsModule } from '#lib/reports';
import { Argon2PasswordHasher, PasswordHasher, TenancyPortsModule } from '#lib/tenancy';
import { StatusDomainMiddleware } from './status-domain.middleware.js';
import { StatusDomains } from './status-domains.js';
import { StatusFastPath } from './status-fast-path.js';
import { StatusOutboxConsumer } from './status-outbox.consumer.js';
import { StatusPageAccess } from './status-page-access.js';
import { StatusPageCache } from './status-page.cache.js';
import { STATUS_PAGE_ENTITIES } from './status-page.entity.js';
import { STATUS_SUBSCRIBER_ENTITIES } from './status-subscriber.entity.js';
import { StatusPageSource } from './status-page.source.js';
import { StatusPagesController } from './status-pages.controller.js';
import { StatusPostsResolver, StatusPagesResolver } from './status-pages.resolver.js';
import { StatusPagesService } from './status-pages.service.js';
import { StatusNotificationsWorker } from './status-notifications.worker.js';
import { StatusMaintenanceScanner } from './status-maintenance.scanner.js';
import { CustomerSignin } from './customer-signin.service.js';
import { StatusSubscribersController } from './status-subscribers.controller.js';
import { StatusSubscribersResolver } from './status-subscribers.resolver.js';
import { StatusSubscribersService } from './status-subscribers.service.js';
import { SubscriberLinks } from './subscriber-links.js';
import { SharedMinuteThrottle } from './shared-minute-throttle.js';

/** Status pages: their tables, their subscribers (and the worker that mails them), the GraphQL to manage them, and the public pages, badges and feeds (api role). */
@Module({
  imports: [TypeOrmModule.forFeature([...STATUS_PAGE_ENTITIES, ...STATUS_SUBSCRIBER_ENTITIES]), EgressModule, TenancyPortsModule, InventoryModule, InventoryHistoryModule, ReportsModule, MonitorHealthModule, HostMaintenanceModule, IncidentsModule],
  // The subscribers' routes first: `:tenant/:page/confirm` must not be taken for a feed file by the pages' `:file` route.
  controllers: [StatusSubscribersController, StatusPagesController],
  providers: [
    StateHistory,
    CustomerSignin,
    StatusPagesService,
    StatusPageSource,
    StatusPageCache,
    StatusPageAccess,
    StatusPagesResolver,
    StatusPostsResolver,
    StatusDomainMiddleware,
    StatusDomains,
    StatusFastPath,
    StatusOutboxConsumer,
    StatusSubscribersService,
    StatusSubscribersResolver,
    StatusNotificationsWorker,
    StatusMaintenanceScanner,
    SubscriberLinks,
    SharedMinuteThrottle,
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
  ],
  exports: [StatusPagesService, StatusPageCache, StatusDomainMiddleware, StatusDomains, StatusFastPath, StatusOutboxConsumer, StatusNotificationsWorker, StatusMaintenanceScanner, StatusSubscribersService],
})
export class StatusPagesModule {}
