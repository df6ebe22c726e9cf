import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

export interface EscalationStep {
  /** Minutes after the incident opened; later steps go out only while nobody has acknowledged. */
  delayMinutes: number;
  channelIds: string[];
}

export interface RouteMatch {
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
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
