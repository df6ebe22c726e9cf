import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Monitor } from '#lib/inventory';
import { Tenant } from '#lib/tenancy';

export enum IncidentStatus {
  open = 'open',
  resolved = 'resolved',
}
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });

/**
 * A confirmed outage of one monitor, from the confirming result to recovery. At most one open incident per monitor,
 * enforced by a partial unique index (holds across watchdog replicas). When the host itself is down, a service's
 * incident points at the host's (`causeIncidentId`) and is suppressed: one root cause, one page.
 */
@ObjectType()
@Entity('incidents')
@Index('uq_incidents_open_per_monitor', ['monitorId'], { unique: true, where: "status = 'open'" })
@Index(['tenantId', 'openedAt'])
@Index(['monitorId', 'openedAt'])
export class Incident {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) monitorId: string;
  @ManyToOne(() => Monitor, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'monitor_id' }) monitor?: Monitor;
  @Field(() => ID) @Index() @Column({ type: 'uuid' }) hostId: string;
  @Field(() => ID, { nullable: true }) @Column({ type: 'uuid', nullable: true }) serviceId: string | null;
  @Field(() => IncidentStatus) @Column({ type: 'enum', enum: IncidentStatus, enumName: 'incident_status' }) status: IncidentStatus;
  @Field() @Column({ type: 'timestamptz' }) openedAt: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
  @Field({ description: 'Opened inside a maintenance window: no alerts or runbooks, excluded from SLA' })
  @Column({ type: 'boolean', default: false }) planned: boolean;
  @Field({ description: 'Alerts and runbooks held: planned, caused by a host outage, or flapping' })
  @Column({ type: 'boolean', default: false }) suppressed: boolean;
  @Field() @Column({ type: 'boolean', default: false }) flapping: boolean;
  @Field(() => ID, { nullable: true, description: "The host's incident when this one is a consequence of it" })
  @Column({ type: 'uuid', nullable: true }) causeIncidentId: string | null;
  @Field() @Column({ type: 'text' }) openReason: string;
  @Field(() => Date, { nullable: true }) @Column({ type: 'timestamptz', nullable: true }) acknowledgedAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Who acknowledged: a user e-mail, an API token name, or "e-mail link"' })
  @Column({ type: 'text', nullable: true }) acknowledgedBy: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) resolveReason: string | null;
}
