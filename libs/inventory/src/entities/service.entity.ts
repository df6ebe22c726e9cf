import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { ServiceType } from './enums.js';
import { Host } from './host.entity.js';

@ObjectType({ description: 'Something a host offers (web, mail, mysql, dns…), linked to the customers it serves' })
@Entity('services')
// Unique among the live ones: a deleted service's name can be used again.
@Index(['hostId', 'name'], { unique: true, where: '"deleted_at" IS NULL' })
export class Service {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => String, { nullable: true, description: 'What a customer sees instead of the internal name (e.g. "Online shop" for www-mad-a)' })
  @Column({ type: 'text', nullable: true }) customerFacingName: string | null;
  @Field(() => ServiceType) @Column({ type: 'enum', enum: ServiceType, enumName: 'service_type' }) type: ServiceType;
  @Field(() => ID) @Column({ type: 'uuid' }) hostId: string;
  @ManyToOne(() => Host, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'host_id' }) host?: Host;
  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) port: number | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  /** Set by a delete: the subject is hidden from the inventory, its history stays and reports count it until then. */
  @DeleteDateColumn({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}
