import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Incident } from './incident.entity.js';

/** One line of an incident's timeline: opened, state changes, suppression, resolution (later: alerts, runbook steps). */
@ObjectType()
@Entity('incident_events')
@Index(['incidentId', 'at'])
export class IncidentEvent {
  @Field(() => ID) @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) incidentId: string;
  @ManyToOne(() => Incident, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'incident_id' }) incident?: Incident;
  @Field() @Column({ type: 'timestamptz' }) at: Date;
  @Field() @Column({ type: 'text' }) kind: string;
  @Field() @Column({ type: 'text' }) message: string;
}
