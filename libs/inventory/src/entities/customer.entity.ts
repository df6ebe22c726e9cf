import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, DeleteDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';

@ObjectType({ description: "An end client of the tenant: sees only its own SLA pages" })
@Entity('customers')
// Unique among the live ones: a deleted subject's name can be used again.
@Index(['tenantId', 'name'], { unique: true, where: '"deleted_at" IS NULL' })
export class Customer {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field() @Column({ type: 'text' }) name: string;
  @Field(() => String, { nullable: true }) @Column({ type: 'text', nullable: true }) email: string | null;
  @Field(() => String, { nullable: true, description: "The tenant's own reference (billing id)" })
  @Column({ type: 'text', nullable: true }) externalRef: string | null;
  @Field({ description: "Receives the monthly report e-mail (when the tenant sends them too). Off by default." })
  @Column({ type: 'boolean', default: false }) monthlyReports: boolean;
  @Field(() => Date, { nullable: true, description: 'When monthly e-mails were last switched on: no e-mail is sent for a month that ended before' })
  @Column({ type: 'timestamptz', nullable: true }) monthlyReportsSince: Date | null;
  @Field(() => String, { nullable: true, description: "Language of this customer's reports (en, es, pt, de, fr); null: the tenant's default" })
  @Column({ type: 'text', nullable: true }) language: string | null;
  @Field() @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Field() @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  /** Set by a delete: the subject is hidden from the inventory, its history stays and reports count it until then. */
  @DeleteDateColumn({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}
