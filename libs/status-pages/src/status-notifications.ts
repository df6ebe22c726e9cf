import type { EntityManager } from 'typeorm';

/** What a post-update notification carries: the post as the page shows it (never the incident's internal data). */
export interface PostNotice {
  postId: string;
  title: string;
  state: string;
  body: string;
  at: string;
}

export interface MaintenanceNoticePayload {
  noticeId: string;
  title: string;
  body: string;
  startsAt: string;
  endsAt: string;
  /** What is told: the announcement (absent in rows queued before phases existed), or the occurrence's start or end. */
  phase?: MaintenancePhase;
}

export type MaintenancePhase = 'announced' | 'started' | 'ended';

/**
 * Queues one event for every confirmed subscriber of a page who hears about it, in the caller's transaction: one who
 * chose no components hears everything; one who chose some hears of an event about at least one of them. An event
 * about no component in particular (`componentIds` empty: a post naming none is about the whole page) reaches every
 * subscriber. An e-mail subscriber hears only while the page's access is the one it subscribed under: one of a
 * public page (`page_auth_version` null) while the page is public — made private (a password, a signed link, the
 * customer's sign-in) it hears nothing more, since what the page says is no longer for anyone who asks; one who
 * subscribed on a private page, having passed its password, link or sign-in, while the page's auth version is still
 * the one it passed (a new password or visibility silences it, as it voids every cookie). Webhooks, set by the
 * tenant's operators, keep receiving.
 * The writes: the post update (or the notice) and its notifications are written together or not at all, and
 * `(subscriber, eventKey)` is unique, so a writer run twice (an outbox row handled again after a crash) queues nothing
 * more.
 */
export async function queueForSubscribers(
  manager: EntityManager,
  pageId: string,
  eventKey: string,
  kind: 'post' | 'maintenance',
  payload: PostNotice | MaintenanceNoticePayload,
  componentIds: string[],
): Promise<void> {
  await manager.query(
    `INSERT INTO status_notifications (tenant_id, page_id, subscriber_id, event_key, kind, payload)
     SELECT s.tenant_id, s.page_id, s.id, $2, $3, $4::jsonb FROM status_subscribers s JOIN status_pages p ON p.id = s.page_id
      WHERE s.page_id = $1 AND s.confirmed_at IS NOT NULL
        AND (s.kind = 'webhook' OR s.page_auth_version IS NOT DISTINCT FROM (CASE WHEN p.visibility = 'public' THEN NULL ELSE p.auth_version END))
        AND (cardinality(s.component_ids) = 0 OR cardinality($5::uuid[]) = 0 OR s.component_ids && $5::uuid[])
     ON CONFLICT (subscriber_id, event_key) DO NOTHING`,
    [pageId, eventKey, kind, JSON.stringify(payload), componentIds],
  );
}

/** A post update's notification, queued only when the post is published (a draft tells nobody), to the subscribers of its components. */
export function queuePostUpdate(
  manager: EntityManager,
  post: { pageId: string; id: string; title: string; published: boolean; componentIds: string[] },
  update: { id: string; state: string; body: string; at: Date },
): Promise<void> {
  if (!post.published) return Promise.resolve();
  return queueForSubscribers(manager, post.pageId, `update:${update.id}`, 'post', { postId: post.id, title: post.title, state: update.state, body: update.body, at: update.at.toISOString() }, post.componentIds);
}
