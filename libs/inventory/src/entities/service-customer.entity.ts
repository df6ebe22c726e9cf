import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '#lib/tenancy';
import { Customer } from './customer.entity.js';
import { Service } from './service.entity.js';

/** PostgreSQL `numeric` arrives as a string (it may exceed a double); weights are small ratios, a number is exact enough. */
const numeric = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/**
 * One period during which a service served a customer. Unlinking ends the period instead of deleting it, so a
 * customer's report can count each service only while it served the customer; relinking opens a new period.
 * Periods of one service and customer never overlap (checked under a lock on the service, see ServiceLinksService).
 */
@ObjectType({ description: 'A period during which a service served a customer, with the weight it carries in that customer\'s figures' })
@Entity('service_customers')
// At most one open-ended period per pair: the database's own guard against a doubled "current" link.
@Index(['serviceId', 'customerId'], { unique: true, where: '"ends_at" IS NULL' })
@Index(['serviceId'])
@Index(['customerId'])
@Check('ck_service_customers_weight', '"weight" > 0')
@Check('ck_service_customers_period', '"ends_at" IS NULL OR "ends_at" > "starts_at"')
export class ServiceCustomer {
  @Field(() => ID) @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenant_id' }) tenant?: Tenant;
  @Field(() => ID) @Column({ type: 'uuid' }) serviceId: string;
  @ManyToOne(() => Service, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'service_id' }) service?: Service;
  @Field(() => ID) @Column({ type: 'uuid' }) customerId: string;
  @ManyToOne(() => Customer, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'customer_id' }) customer?: Customer;
  @Field({ description: 'When the service started serving the customer' })
  @Column({ type: 'timestamptz', default: () => 'now()' }) startsAt: Date;
  @Field(() => Date, { nullable: true, description: 'When it stopped (exclusive); null while it still does' })
  @Column({ type: 'timestamptz', nullable: true }) endsAt: Date | null;
  @Field(() => Float, { description: "The service's weight in the customer's weighted availability (revenue share, contract); above 0" })
  @Column({ type: 'numeric', default: 1, transformer: numeric }) weight: number;
}
