import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

/**
 * What a fleet apply last wrote for one object (kind + name): the digest of the file's version of it, and that version
 * itself (its secret references, which the database cannot give back). An object whose current digest differs was
 * changed outside the file since (drift); an object without a record is not managed by a file.
 */
@Entity('fleet_applied')
export class FleetApplied {
  @PrimaryColumn({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  /** The fleet file's section: sites, hosts, customers, services, monitors, maintenance. */
  @PrimaryColumn({ type: 'text' }) kind: string;
  /** The object's name (a service or a monitor: host/name). */
  @PrimaryColumn({ type: 'text' }) key: string;
  @Column({ type: 'text' }) digest: string;
  @Column({ type: 'jsonb' }) spec: Record<string, unknown>;
  @Column({ type: 'timestamptz' }) appliedAt: Date;
  /** `user:<id>` or `token:<id>`: who applied. */
  @Column({ type: 'text' }) appliedBy: string;
}

export const FLEET_ENTITIES = [FleetApplied];
