import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Monitor } from '#lib/inventory';
import { HealthState } from './monitor-state.entity.js';

/** Every health change of a monitor, kept forever: incidents and reports are derived from these. */
@ObjectType()
@Entity('monitor_state_changes')
@Index(['monitorId', 'at'])
@Index(['monitorId', 'effectiveAt'])
@Index(['tenantId', 'at'])
export class StateChange {
  @Field(() => ID) @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Field(() => ID) @Column({ type: 'uuid' }) monitorId: string;
  @ManyToOne(() => Monitor, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'monitor_id' }) monitor?: Monitor;
  @Field({ description: 'When the change was confirmed' }) @Column({ type: 'timestamptz' }) at: Date;
  @Field({ description: 'When it began: first failure of an outage, first success of a recovery' }) @Column({ type: 'timestamptz' }) effectiveAt: Date;
  @Field(() => HealthState) @Column({ type: 'text' }) fromHealth: string;
  @Field(() => HealthState) @Column({ type: 'text' }) toHealth: string;
  @Field() @Column({ type: 'boolean' }) flapping: boolean;
  @Field() @Column({ type: 'text' }) reason: string;
}
