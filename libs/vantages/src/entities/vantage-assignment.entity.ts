import { Column, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { Monitor } from '#lib/inventory';
import { Tenant } from '#lib/tenancy';

/**
 * Which vantages probe one monitor and how many must agree. `vantageIds` null: every platform vantage (the central
 * watchdogs as one voter, plus every platform agent). `quorum` null: a majority of the assigned vantages.
 * `vantageCount`: k of them (rendezvous hashing over the healthy ones), null: all.
 */
@Entity('monitor_vantages')
export class MonitorVantages {
  @PrimaryColumn({ type: 'uuid' }) monitorId: string;
  @OneToOne(() => Monitor, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'monitor_id' }) monitor?: Monitor;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid', array: true, nullable: true }) vantageIds: string[] | null;
  @Column({ type: 'int', nullable: true }) quorum: number | null;
  /** k of the vantages, chosen per monitor by rendezvous hashing over the healthy ones; null: all of them. */
  @Column({ type: 'int', nullable: true }) vantageCount: number | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

/** A tenant's default assignment, for monitors without one of their own. */
@Entity('tenant_vantage_defaults')
export class TenantVantageDefaults {
  @PrimaryColumn({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Column({ type: 'uuid', array: true, nullable: true }) vantageIds: string[] | null;
  @Column({ type: 'int', nullable: true }) quorum: number | null;
  /** k of the vantages, chosen per monitor by rendezvous hashing over the healthy ones; null: all of them. */
  @Column({ type: 'int', nullable: true }) vantageCount: number | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
