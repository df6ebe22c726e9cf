import { Field, Float, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Monitor } from '#lib/inventory';
import type { DetectorState, Health } from '../runtime/detector.js';

export enum HealthState {
  unknown = 'unknown',
  up = 'up',
  degraded = 'degraded',
  suspect = 'suspect',
  down = 'down',
}
registerEnumType(HealthState, { name: 'Health', description: 'suspect: failures seen but not confirmed (by count or quorum)' });

/** The current state of one monitor, with the detector's own data so a restarted watchdog resumes exactly. */
@ObjectType()
@Entity('monitor_states')
@Index(['tenantId', 'health'])
export class MonitorState {
  @PrimaryColumn({ type: 'uuid' }) monitorId: string;
  @OneToOne(() => Monitor, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'monitor_id' }) monitor?: Monitor;
  @Column({ type: 'uuid' }) tenantId: string;
  @Field(() => HealthState) @Column({ type: 'text' }) health: Health;
  @Field({ description: 'Since when the monitor has this health: when it began (for down, the outage’s start, its incident’s openedAt), not when it was confirmed' }) @Column({ type: 'timestamptz' }) since: Date;
  @Field() @Column({ type: 'boolean', default: false }) flapping: boolean;
  @Field() @Column({ type: 'text' }) reason: string;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) lastResultAt: Date | null;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) lastStatus: string | null;
  @Field(() => Float, { nullable: true }) @Column({ type: 'real', nullable: true }) lastLatencyMs: number | null;
  @Field(() => String, { nullable: true, description: 'The last probe result, as a person would read it' })
  @Column({ type: 'text', nullable: true }) lastReason: string | null;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Per-vantage verdicts' })
  @Column({ type: 'jsonb' }) detector: DetectorState;
}
