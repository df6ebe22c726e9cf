import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

/**
 * Planned downtime of some hosts, services or monitors: incidents opened inside it are marked planned (no alerts,
 * no runbooks, excluded from SLA). Empty lists mean nothing of that kind; a window must name at least one thing.
 */
@ObjectType()
@Entity('maintenance_windows')
@Index(['tenantId', 'endsAt'])
@Check('ck_maintenance_period', '"ends_at" > "starts_at"')
export class MaintenanceWindow {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field() @Column({ type: 'timestamptz' }) startsAt: Date;
  @Field() @Column({ type: 'timestamptz' }) endsAt: Date;
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) hostIds: string[];
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) serviceIds: string[];
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) monitorIds: string[];
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
