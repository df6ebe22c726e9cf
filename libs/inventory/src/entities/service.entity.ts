import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { Customer } from './customer.entity.js';
import { ServiceType } from './enums.js';
import { Host } from './host.entity.js';

@ObjectType({ description: 'Something a host offers (web, mail, mysql, dns…), linked to the customers it serves' })
@Entity('services')
@Index(['hostId', 'name'], { unique: true })
export class Service {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => ServiceType) @Column({ type: 'enum', enum: ServiceType, enumName: 'service_type' }) type: ServiceType;
  @Field(() => ID) @Column({ type: 'uuid' }) hostId: string;
  @ManyToOne(() => Host, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'host_id' }) host?: Host;
  @Field(() => Int, { nullable: true }) @Column({ type: 'int', nullable: true }) port: number | null;
  @ManyToMany(() => Customer, { onDelete: 'CASCADE' })
  @JoinTable({ name: 'service_customers', joinColumn: { name: 'service_id' }, inverseJoinColumn: { name: 'customer_id' } })
  customers?: Customer[];
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
