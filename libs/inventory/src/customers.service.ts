import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CLOCK, type Clock, type Connection, type PageArgs, withDatabaseErrors } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Customer } from './entities/customer.entity.js';
import { Site } from './entities/site.entity.js';
import type { CreateCustomerInput, CreateSiteInput, NameFilter, UpdateCustomerInput, UpdateSiteInput } from './graphql/inventory.inputs.js';
import { keepNull, whereNameContains } from './search.js';
import { detachDeletedHosts, softDeleteCustomer } from './soft-delete.js';

@Injectable()
export class CustomersService {
  readonly scope: TenantScopedRepository<Customer>;

  constructor(
    @InjectRepository(Customer) repository: Repository<Customer>,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.scope = new TenantScopedRepository(repository, 'customer');
  }

  list(principal: Principal, page: PageArgs, filter: NameFilter = {}): Promise<Connection<Customer>> {
    return this.scope.list(principal, page, 'name', (q) => whereNameContains(q, filter.search));
  }

  create(principal: Principal, input: CreateCustomerInput): Promise<Customer> {
    const monthlyReports = input.monthlyReports ?? false;
    return this.scope.create(principal, { ...input, name: input.name.trim(), monthlyReports, monthlyReportsSince: monthlyReports ? this.clock.now() : null });
  }

  async update(principal: Principal, id: string, input: UpdateCustomerInput): Promise<Customer> {
    const patch: { [K in keyof Customer]?: Customer[K] | null } = { ...input, name: keepNull(input.name, (n) => n.trim()) };
    if (typeof input.monthlyReports === 'boolean') {
      const current = await this.scope.get(principal, id);
      // Switching on stamps the moment (no e-mail for a month already over); saving "on" again keeps the first stamp.
      if (input.monthlyReports !== current.monthlyReports) patch.monthlyReportsSince = input.monthlyReports ? this.clock.now() : null;
    }
    return this.scope.update(principal, id, patch);
  }

  /** Soft delete: hidden from now on, its running link periods end now; its reports over past periods stay. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const customer = await this.scope.get(principal, id);
    await this.tx.run((manager) => softDeleteCustomer(manager, principal.tenantId, customer.id));
    return true;
  }
}

@Injectable()
export class SitesService {
  readonly scope: TenantScopedRepository<Site>;

  constructor(
    @InjectRepository(Site) repository: Repository<Site>,
    private readonly tx: TransactionRunner,
  ) {
    this.scope = new TenantScopedRepository(repository, 'site');
  }

  list(principal: Principal, page: PageArgs, filter: NameFilter = {}): Promise<Connection<Site>> {
    return this.scope.list(principal, page, 'name', (q) => whereNameContains(q, filter.search));
  }

  create(principal: Principal, input: CreateSiteInput): Promise<Site> {
    return this.scope.create(principal, { ...input, name: input.name.trim() });
  }

  update(principal: Principal, id: string, input: UpdateSiteInput): Promise<Site> {
    return this.scope.update(principal, id, { ...input, name: keepNull(input.name, (n) => n.trim()) });
  }

  /** Refused (CONFLICT) while live hosts are in the site; deleted hosts only lose their site reference. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const site = await this.scope.get(principal, id);
    return this.tx.run(async (manager) => {
      await detachDeletedHosts(manager, 'site_id', site.id);
      await withDatabaseErrors(() => manager.delete(Site, { id: site.id }));
      return true;
    });
  }
}
