import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, withDatabaseErrors } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Customer } from './entities/customer.entity.js';
import { Service } from './entities/service.entity.js';
import type { CreateServiceInput, ServiceFilter, UpdateServiceInput } from './graphql/inventory.inputs.js';
import { whereNameContains } from './search.js';
import { CustomersService } from './customers.service.js';
import { HostsService } from './hosts.service.js';

@Injectable()
export class ServicesService {
  readonly scope: TenantScopedRepository<Service>;

  constructor(
    @InjectRepository(Service) private readonly repository: Repository<Service>,
    private readonly hosts: HostsService,
    private readonly customers: CustomersService,
    private readonly tx: TransactionRunner,
  ) {
    this.scope = new TenantScopedRepository(repository, 'service');
  }

  list(principal: Principal, page: PageArgs, filter: ServiceFilter = {}): Promise<Connection<Service>> {
    return this.scope.list(principal, page, 'name', (q) => {
      whereNameContains(q, filter.search);
      if (filter.hostId) q.andWhere('e.host_id = :hostId', { hostId: filter.hostId });
      if (filter.type) q.andWhere('e.type = :type', { type: filter.type });
      if (filter.customerId) {
        q.andWhere('EXISTS (SELECT 1 FROM service_customers sc WHERE sc.service_id = e.id AND sc.customer_id = :customerId)', {
          customerId: filter.customerId,
        });
      }
    });
  }

  async create(principal: Principal, input: CreateServiceInput): Promise<Service> {
    await this.hosts.scope.get(principal, input.hostId, 'input.hostId');
    const customers = await this.customers.scope.getMany(principal, input.customerIds ?? [], 'input.customerIds');
    const { customerIds: _ignored, ...fields } = input;
    return this.scope.create(principal, { ...fields, name: fields.name.trim(), customers });
  }

  async update(principal: Principal, id: string, input: UpdateServiceInput): Promise<Service> {
    this.scope.refuseNulls({ ...input, customerIds: undefined });
    if (input.hostId) await this.hosts.scope.get(principal, input.hostId, 'input.hostId');
    const customers = input.customerIds && (await this.customers.scope.getMany(principal, input.customerIds, 'input.customerIds'));
    const { customerIds: _ignored, ...fields } = input;
    return this.tx.run(async (manager) => {
      const service = await this.scope.get(principal, id);
      Object.assign(service, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
      if (typeof fields.name === 'string') service.name = fields.name.trim();
      if (customers) service.customers = customers;
      return withDatabaseErrors(() => manager.save(service));
    });
  }

  customersOf(principal: Principal, service: Service): Promise<Customer[]> {
    return this.customers.scope
      .query(principal, 'c')
      .innerJoin('service_customers', 'sc', 'sc.customer_id = c.id AND sc.service_id = :serviceId', { serviceId: service.id })
      .orderBy('c.name')
      .getMany();
  }
}
