import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Customer } from '#lib/inventory';
import type { AccountingPolicy } from './availability.js';

/** A customer's promised availability, with the accounting policy (versioned) its reports are computed under. */
@ObjectType()
@Entity('sla_targets')
@Index(['customerId'], { unique: true })
export class SlaTarget {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Field(() => ID) @Column({ type: 'uuid' }) customerId: string;
  @ManyToOne(() => Customer, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'customer_id' }) customer?: Customer;
  @Field(() => Float) @Column({ type: 'numeric', precision: 7, scale: 4, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) targetPercent: number;
  @Field(() => GraphQLJSONObject) @Column({ type: 'jsonb' }) policy: AccountingPolicy;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
