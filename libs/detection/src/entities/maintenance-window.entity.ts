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
@Index('IDX_maintenance_windows_tenant_until', ['tenantId', 'recursUntil'])
@Check('ck_maintenance_recurrence_zone', '"recurrence" IS NULL OR "time_zone" IS NOT NULL')
@Check('ck_maintenance_period', '"ends_at" > "starts_at"')
export class MaintenanceWindow {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field({ description: 'The start of the first occurrence' }) @Column({ type: 'timestamptz' }) startsAt: Date;
  @Field({ description: 'The end of the first occurrence: every occurrence lasts as long' }) @Column({ type: 'timestamptz' }) endsAt: Date;
  @Field(() => String, { nullable: true, description: 'How it repeats, an RFC 5545 RRULE body (FREQ=WEEKLY;BYDAY=TU), at most daily; null: once' })
  @Column({ type: 'text', nullable: true }) recurrence: string | null;
  @Field(() => String, { nullable: true, description: 'The IANA zone it repeats in: the first start’s wall-clock time is kept across DST' })
  @Column({ type: 'text', nullable: true }) timeZone: string | null;
  @Field(() => Date, { nullable: true, description: 'The end of the last occurrence; null: it repeats for ever' })
  @Column({ type: 'timestamptz', nullable: true }) recursUntil: Date | null;
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) hostIds: string[];
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) serviceIds: string[];
  @Field(() => [ID]) @Column({ type: 'uuid', array: true, default: () => "'{}'" }) monitorIds: string[];
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
