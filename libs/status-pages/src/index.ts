export { StatusPagesModule } from './status-pages.module.js';
import { STATUS_PAGE_ENTITIES as PAGE_ENTITIES } from './status-page.entity.js';
import { STATUS_SUBSCRIBER_ENTITIES } from './status-subscriber.entity.js';

/** Every table of the status pages: pages, components, posts, notices, subscribers and their queue. */
export const STATUS_PAGE_ENTITIES = [...PAGE_ENTITIES, ...STATUS_SUBSCRIBER_ENTITIES];
export { StatusMaintenanceNotice, StatusPage, StatusComponent, StatusPost, StatusPostUpdate, StatusPageVisibility, StatusComponentKind, PostState } from './status-page.entity.js';
export { StatusPagesService } from './status-pages.service.js';
export { StatusPageCache } from './status-page.cache.js';
export { StatusPageAccess } from './status-page-access.js';
export { StatusDomainMiddleware } from './status-domain.middleware.js';
export { StatusFastPath } from './status-fast-path.js';
export { StatusOutboxConsumer } from './status-outbox.consumer.js';
export { StatusSubscriber, StatusSubscriberKind, StatusNotification } from './status-subscriber.entity.js';
export { StatusNotificationsWorker } from './status-notifications.worker.js';
export { StatusMaintenanceScanner, MAINTENANCE_END_GRACE_MS } from './status-maintenance.scanner.js';
export { StatusSubscribersService } from './status-subscribers.service.js';
