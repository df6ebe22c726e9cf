import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from './auth/principal.js';
import { ApiToken, Tenant, User } from './entities/index.js';

/**
 * The name a person's or a token's act is recorded under (timelines, runs, runbook versions): the user's e-mail or
 * the API token's name. Tenancy owns those tables; other libraries ask here instead of reading them.
 */
@Injectable()
export class ActorNames {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
  ) {}

  async of(principal: Principal): Promise<string> {
    if (principal.userId) return (await this.users.findOne({ where: { id: principal.userId }, select: { email: true } }))?.email ?? 'unknown';
    if (principal.tokenId) return (await this.tokens.findOne({ where: { id: principal.tokenId }, select: { name: true } }))?.name ?? 'unknown';
    return 'unknown';
  }
}

/** What other libraries may know of a tenant: its name, time zone, and whether its customers get outage notices. */
export interface TenantFact {
  name: string;
  timeZone: string;
  customerNotices: boolean;
}

@Injectable()
export class TenantFacts {
  constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}

  async of(tenantId: string): Promise<TenantFact | undefined> {
    const tenant = await this.tenants.findOne({ where: { id: tenantId }, select: { name: true, timeZone: true, customerNotices: true } });
    return tenant ? { name: tenant.name, timeZone: tenant.timeZone, customerNotices: tenant.customerNotices } : undefined;
  }
}

/** Tenancy's ports for other libraries (actor names, tenant facts): no resolvers, no guard. */
@Module({
  imports: [TypeOrmModule.forFeature([User, ApiToken, Tenant])],
  providers: [ActorNames, TenantFacts],
  exports: [ActorNames, TenantFacts],
})
export class TenancyPortsModule {}
