import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Check, Column, CreateDateColumn, DeleteDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { ProbeType, Severity } from './enums.js';
import { Host } from './host.entity.js';
import { Service } from './service.entity.js';

@ObjectType({ description: 'One probe of one host or service: type, typed config, interval, timeout' })
@Entity('monitors')
// Unique on its host among the live ones ("http" on each of 55 hosts, as services are); a deleted one's name can be
// used again.
@Index(['hostId', 'name'], { unique: true, where: '"deleted_at" IS NULL' })
@Check('ck_monitors_interval', '"interval_ms" >= 1000')
@Check('ck_monitors_timeout', '"timeout_ms" > 0 AND "timeout_ms" < "interval_ms"')
export class Monitor {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  // Every query is tenant-scoped: the index the tenant-wide name index gave for free until names became per host.
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => ProbeType) @Column({ type: 'enum', enum: ProbeType, enumName: 'probe_type' }) type: ProbeType;
  @Field(() => ID) @Index() @Column({ type: 'uuid' }) hostId: string;
  @ManyToOne(() => Host, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'host_id' }) host?: Host;
  @Field(() => ID, { nullable: true, description: 'Null for a host-level check (e.g. ICMP)' })
  @Index() @Column({ type: 'uuid', nullable: true }) serviceId: string | null;
  @ManyToOne(() => Service, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'service_id' }) service?: Service;
  @Field(() => GraphQLJSONObject, { description: 'Credentials (passwords, Authorization headers) read "<sealed>": they are write-only; send "<sealed>" back (or leave them out) to keep them' })
  @Column({ type: 'jsonb' }) config: Record<string, unknown>;
  /** The credentials of `config`, sealed with the master key (SecretBox, context `monitors:<id>`); never in the API. */
  @Column({ type: 'text', nullable: true }) secretsSealed: string | null;
  @Field(() => Int) @Column({ type: 'int' }) intervalMs: number;
  @Field(() => Int) @Column({ type: 'int' }) timeoutMs: number;
  @Field() @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Field(() => Severity) @Column({ type: 'text', default: Severity.critical }) severity: Severity;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  /** Set by a delete: the subject is hidden from the inventory, its history stays and reports count it until then. */
  @DeleteDateColumn({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}
