import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

export interface EscalationStep {
  /** Minutes after the incident opened; later steps go out only while nobody has acknowledged. */
  delayMinutes: number;
  channelIds: string[];
  /** Whoever is on call in these schedules when the step fires (resolved then, recorded on the timeline). */
  scheduleIds?: string[];
  /** These people, each by their own notification rules. */
  userIds?: string[];
}

export interface QuietHours {
  start: string;
  end: string;
}

export interface RouteMatch {
  severities?: string[];
  serviceTypes?: string[];
  customerIds?: string[];
  hostTags?: string[];
}

/**
 * A route and its escalation: which incidents (by service type, customer, host tag; empty matches all) page which
 * channels, and when. An incident no policy matches goes to every enabled channel at once.
 */
@ObjectType()
@Entity('escalation_policies')
@Index(['tenantId', 'name'], { unique: true })
export class EscalationPolicy {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => GraphQLJSONObject) @Column({ type: 'jsonb' }) match: RouteMatch;
  @Field(() => [GraphQLJSONObject]) @Column({ type: 'jsonb' }) steps: EscalationStep[];
  @Field(() => Int) @Column({ type: 'int', default: 100 }) priority: number;
  @Field(() => Int, { nullable: true, description: 'Repeat the last step every N minutes while unacknowledged (3 times at most)' })
  @Column({ type: 'int', nullable: true }) repeatMinutes: number | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: '{start: "22:00", end: "07:00"} in the tenant time zone: e-mail and webhook steps wait until it ends; pagers still page' })
  @Column({ type: 'jsonb', nullable: true }) quietHours: QuietHours | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
