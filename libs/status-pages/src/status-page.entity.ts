import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

export enum StatusPageVisibility {
  public = 'public',
  password = 'password',
  link = 'link',
  /** A per-customer page whose visitors sign in by a link mailed to the customer's address. */
  customer = 'customer',
}
registerEnumType(StatusPageVisibility, {
  name: 'StatusPageVisibility',
  description: "public: anyone; password: a shared password; link: a signed, expiring link; customer: a per-customer page, signed in by a link mailed to the customer's e-mail address",
});

export enum StatusComponentKind {
  service = 'service',
  host = 'host',
  monitor = 'monitor',
}
registerEnumType(StatusComponentKind, { name: 'StatusComponentKind' });

/**
 * A status page of a tenant: its public face ("is it you or me?"). A per-customer page (`customerId` set) shows the
 * services that customer is served by, computed at render time, and nothing else.
 */
@ObjectType()
@Entity('status_pages')
@Index(['tenantId', 'slug'], { unique: true })
@Index('IDX_status_pages_domain', ['customDomain'], { unique: true, where: '"custom_domain" IS NOT NULL' })
export class StatusPage {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) slug: string;
  @Field() @Column({ type: 'text' }) title: string;
  @Field(() => String, { nullable: true, description: 'Host name the page answers on (routed by the Host header)' })
  @Column({ type: 'text', nullable: true }) customDomain: string | null;
  @Field(() => StatusPageVisibility) @Column({ type: 'text', default: 'public' }) visibility: StatusPageVisibility;
  @Column({ type: 'text', nullable: true }) passwordHash: string | null;
  /** Raised when the password or the visibility changes: every cookie and link signed before stops working. */
  @Column({ type: 'int', default: 1 }) authVersion: number;
  @Field(() => ID, { nullable: true, description: "A per-customer page: the customer's services, nothing else" })
  @Column({ type: 'uuid', nullable: true }) customerId: string | null;
  @Field() @Column({ type: 'text', default: 'en' }) language: string;
  @Field() @Column({ type: 'text', default: 'UTC' }) timeZone: string;
  @Field(() => Int) @Column({ type: 'int', default: 90 }) days: number;
  @Field() @Column({ type: 'text', default: '' }) footer: string;
  @Field() @Column({ type: 'text', default: '#1f6feb' }) accentColor: string;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) logoUrl: string | null;
  @Field(() => [String]) @Column({ type: 'jsonb', default: [] }) links: string[];
  @Field(() => [String], { description: 'Origins (https://www.example.com) that may show this page in a frame; none: no site may. Public pages only' })
  @Column({ type: 'jsonb', default: [] }) embedOrigins: string[];
  @Field({ description: 'Publish the draft post of an incident at once instead of waiting for an operator' })
  @Column({ type: 'boolean', default: false }) autoPublish: boolean;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** One line of a page: a service, host or monitor of the tenant, optionally in a named group. */
@ObjectType()
@Entity('status_components')
@Index(['pageId', 'position'])
export class StatusComponent {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Field(() => ID) @Column({ type: 'uuid' }) pageId: string;
  @ManyToOne(() => StatusPage, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'page_id' }) page?: StatusPage;
  @Field(() => StatusComponentKind) @Column({ type: 'text' }) kind: StatusComponentKind;
  @Field(() => ID) @Column({ type: 'uuid' }) subjectId: string;
  @Field() @Column({ type: 'text' }) displayName: string;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) groupName: string | null;
  @Field(() => Int) @Column({ type: 'int', default: 0 }) position: number;
}

export enum PostState {
  investigating = 'investigating',
  identified = 'identified',
  monitoring = 'monitoring',
  resolved = 'resolved',
}
registerEnumType(PostState, { name: 'StatusPostState' });

/** An incident post: a title, the components it affects, and its updates; a draft until published. */
@ObjectType()
@Entity('status_posts')
@Index(['pageId', 'createdAt'])
@Index('IDX_status_posts_incident', ['pageId', 'incidentId'], { unique: true, where: '"incident_id" IS NOT NULL' })
export class StatusPost {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Field(() => ID) @Column({ type: 'uuid' }) pageId: string;
  @ManyToOne(() => StatusPage, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'page_id' }) page?: StatusPage;
  @Field() @Column({ type: 'text' }) title: string;
  @Field(() => PostState) @Column({ type: 'text', default: 'investigating' }) state: PostState;
  @Field() @Column({ type: 'boolean', default: false }) published: boolean;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Field(() => ID, { nullable: true, description: 'The Vigia incident this post was drafted from' }) @Column({ type: 'uuid', nullable: true }) incidentId: string | null;
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: '{}' }) componentIds: string[];
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field(() => [StatusPostUpdate]) updates?: StatusPostUpdate[];
}

/**
 * Every Vigia incident a drafted post speaks for, one row per page and incident. One outage of a service with two
 * monitors is two incidents; the second joins the post the first drafted (no second post, no second mail to
 * subscribers), and the post is resolved when the last of its incidents is.
 */
@Entity('status_post_incidents')
@Index(['postId'])
export class StatusPostIncident {
  @PrimaryColumn({ type: 'uuid' }) pageId: string;
  @PrimaryColumn({ type: 'uuid' }) incidentId: string;
  @Column({ type: 'uuid' }) postId: string;
  @ManyToOne(() => StatusPost, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'post_id' }) post?: StatusPost;
  @Column({ type: 'uuid' }) tenantId: string;
}

@ObjectType()
@Entity('status_post_updates')
@Index(['postId', 'at'])
export class StatusPostUpdate {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) postId: string;
  @ManyToOne(() => StatusPost, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'post_id' }) post?: StatusPost;
  @Field(() => PostState) @Column({ type: 'text' }) state: PostState;
  @Field() @Column({ type: 'text' }) body: string;
  @Field() @Column({ type: 'timestamptz' }) at: Date;
}

/**
 * A maintenance window the tenant chose to announce (opt-in per window): the title and text shown on every page with
 * a component the window covers. The window itself (its times and subjects) stays detection's.
 */
@ObjectType()
@Entity('status_maintenance_notices')
@Index(['tenantId', 'windowId'], { unique: true })
export class StatusMaintenanceNotice {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) windowId: string;
  @Field() @Column({ type: 'text' }) title: string;
  @Field() @Column({ type: 'text', default: '' }) body: string;
}

export const STATUS_PAGE_ENTITIES = [StatusPage, StatusComponent, StatusPost, StatusPostIncident, StatusPostUpdate, StatusMaintenanceNotice];
