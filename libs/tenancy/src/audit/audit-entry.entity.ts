import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../entities/tenant.entity.js';

/**
 * One successful GraphQL mutation: who (the name their acts are recorded under), what (the mutation's field name),
 * on which object (its `id` argument, or the id a create returned), when. Written after the mutation succeeded, so
 * it never records a change that did not happen. Human-paced (one row per mutation), so it is kept; it goes with its
 * tenant (foreign key, ON DELETE CASCADE).
 */
@Entity('audit_log')
@Index('audit_log_object', ['tenantId', 'objectId', 'at'])
@Index('audit_log_tenant_at', ['tenantId', 'at'])
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Column({ type: 'text' }) actor: string;
  @Column({ type: 'text' }) action: string;
  @Column({ type: 'text', nullable: true }) objectId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) at: Date;
}
