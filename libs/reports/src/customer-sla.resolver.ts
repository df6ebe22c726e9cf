import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Customer } from '#lib/inventory';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';
import { SlaTarget } from './sla-target.entity.js';

/**
 * A customer's SLA target read beside the customer: the dashboard lists it per customer and edits it on the
 * customer's page, and an availability report (the only other way to see it) computes a month of history per row.
 * The table stays reports'; inventory knows nothing of targets.
 */
@Resolver(() => Customer)
export class CustomerSlaResolver {
  constructor(@InjectRepository(SlaTarget) private readonly targets: Repository<SlaTarget>) {}

  @ResolveField(() => SlaTarget, { nullable: true, description: 'Its availability target and accounting policy (setSlaTarget); null: none set' })
  slaTarget(@CurrentPrincipal() principal: Principal, @Parent() customer: Customer): Promise<SlaTarget | null> {
    return this.targets.findOne({ where: { tenantId: principal.tenantId, customerId: customer.id } });
  }
}
