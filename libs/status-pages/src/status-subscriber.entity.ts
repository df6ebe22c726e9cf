import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { StatusPage } from './status-page.entity.js';
import { StatusThrottleCount } from './status-throttle.entity.js';

export enum StatusSubscriberKind {
  email = 'email',
  webhook = 'webhook',
}
registerEnumType(StatusSubscriberKind, { name: 'StatusSubscriberKind', description: 'email: a reader who subscribed on the page (double opt-in); webhook: a URL an operator added' });

/**
 * Someone told of a page's posts and maintenance notices: an e-mail address that subscribed on the page (notified
 * only once `confirmedAt` is set, by the signed link of the confirmation mail) or a webhook an operator added
 * (confirmed when added; its signing secret sealed). The tenant's data: listed, exported and deleted by its admins.
 */
@ObjectType()
@Entity('status_subscribers')
@Check('CHK_status_subscribers_kind', `"kind" IN ('email', 'webhook')`)
@Index('IDX_status_subscribers_address', ['pageId', 'kind', 'address'], { unique: true })
@Index('IDX_status_subscribers_tenant', ['tenantId', 'pageId', 'createdAt'])
export class StatusSubscriber {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_status_subscribers' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'FK_status_subscribers_tenant' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) pageId: string;
  @ManyToOne(() => StatusPage, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'page_id', foreignKeyConstraintName: 'FK_status_subscribers_page' }) page?: StatusPage;
  @Field(() => StatusSubscriberKind) @Column({ type: 'text' }) kind: StatusSubscriberKind;
  @Field({ description: 'The e-mail address (lower-case) or the webhook URL' }) @Column({ type: 'text' }) address: string;
  @Column({ type: 'text', nullable: true }) secretSealed: string | null;
  @Field(() => Date, { nullable: true, description: 'When the address was confirmed by its link (a webhook: when added); unset: sent nothing but the confirmation' })
  @Column({ type: 'timestamptz', nullable: true }) confirmedAt: Date | null;
  @Field(() => [ID], { description: 'The components of the page it hears about (a post about one of them, a maintenance notice covering one); empty: all' })
  @Column({ type: 'uuid', array: true, default: '{}' }) componentIds: string[];
  /**
   * An e-mail subscriber of a private page: the page's auth version it subscribed under (null: a public page). It hears
   * of the page only while the page's access is still that one (status-notifications.ts).
   */
  @Column({ type: 'int', nullable: true }) pageAuthVersion: number | null;
  /** The last confirmation mail queued: at most one an hour per address and page (nobody makes Vigia mail-bomb it). */
  @Column({ type: 'timestamptz', nullable: true }) confirmSentAt: Date | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/**
 * The durable queue of subscriber notifications: one row per subscriber and event (`eventKey`, unique with the
 * subscriber), written in the transaction of the change it tells of, claimed with SKIP LOCKED and a lease.
 */
@Entity('status_notifications')
@Index('IDX_status_notifications_event', ['subscriberId', 'eventKey'], { unique: true })
@Index('IDX_status_notifications_due', ['nextAttemptAt'], { where: `"status" IN ('queued', 'sending')` })
@Index('IDX_status_notifications_subscriber_sent', ['subscriberId', 'sentAt'])
export class StatusNotification {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_status_notifications' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) pageId: string;
  @Column({ type: 'uuid' }) subscriberId: string;
  @ManyToOne(() => StatusSubscriber, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'subscriber_id', foreignKeyConstraintName: 'FK_status_notifications_subscriber' }) subscriber?: StatusSubscriber;
  @Column({ type: 'text' }) eventKey: string;
  /** confirm | post | maintenance */
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'jsonb', default: {} }) payload: Record<string, unknown>;
  /** queued | sending (leased) | sent | failed (gave up) | coalesced (held, then superseded by a newer held update of its post: not sent) */
  @Column({ type: 'text', default: 'queued' }) status: string;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'timestamptz', default: () => 'now()' }) nextAttemptAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) sentAt: Date | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  /** When the subscriber's hourly sending limit first held this row back (null: never held). */
  @Column({ type: 'timestamptz', nullable: true }) heldAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

export const STATUS_SUBSCRIBER_ENTITIES = [StatusSubscriber, StatusNotification, StatusThrottleCount];
