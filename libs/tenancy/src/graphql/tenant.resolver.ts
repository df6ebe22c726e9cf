import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Tenant } from '../entities/tenant.entity.js';
import { UsersService } from '../users.service.js';

/** Tenant fields loaded only when asked for: the logo can be ~350 KB, so it is not part of every tenant read. */
@Resolver(() => Tenant)
export class TenantResolver {
  constructor(private readonly users: UsersService) {}

  @ResolveField(() => String, { nullable: true, description: 'The logo as a data:image/png|jpeg;base64,… URL' })
  logo(@Parent() tenant: Tenant): Promise<string | null> {
    return tenant.logo !== undefined ? Promise.resolve(tenant.logo) : this.users.logoOf(tenant.id);
  }
}
