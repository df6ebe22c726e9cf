import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Connection, PageArgs } from '#lib/common';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Customer } from './entities/customer.entity.js';
import { Site } from './entities/site.entity.js';
import type { CreateCustomerInput, CreateSiteInput, NameFilter, UpdateCustomerInput, UpdateSiteInput } from './graphql/inventory.inputs.js';
import { keepNull, whereNameContains } from './search.js';

@Injectable()
export class CustomersService {
  readonly scope: TenantScopedRepository<Customer>;

  constructor(@InjectRepository(Customer) repository: Repository<Customer>) {
    this.scope = new TenantScopedRepository(repository, 'customer');
  }

  list(principal: Principal, page: PageArgs, filter: NameFilter = {}): Promise<Connection<Customer>> {
    return this.scope.list(principal, page, 'name', (q) => whereNameContains(q, filter.search));
  }

  create(principal: Principal, input: CreateCustomerInput): Promise<Customer> {
    return this.scope.create(principal, { ...input, name: input.name.trim() });
  }

  update(principal: Principal, id: string, input: UpdateCustomerInput): Promise<Customer> {
    return this.scope.update(principal, id, { ...input, name: keepNull(input.name, (n) => n.trim()) });
  }
}

@Injectable()
export class SitesService {
  readonly scope: TenantScopedRepository<Site>;

  constructor(@InjectRepository(Site) repository: Repository<Site>) {
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
}
