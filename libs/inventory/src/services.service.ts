import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { type Connection, type PageArgs, withDatabaseErrors } from '#lib/common';
import { TransactionRunner } from '#lib/persistence';
import { type Principal, TenantScopedRepository } from '#lib/tenancy';
import { Customer } from './entities/customer.entity.js';
import { Service } from './entities/service.entity.js';
import type { CreateServiceInput, ServiceFilter, UpdateServiceInput } from './graphql/inventory.inputs.js';
import { keepNull, whereNameContains } from './search.js';
import { CustomersService } from './customers.service.js';
import { HostsService } from './hosts.service.js';
import { ServiceLinksService } from './service-links.service.js';
import { softDeleteService } from './soft-delete.js';

@Injectable()
export class ServicesService {
  readonly scope: TenantScopedRepository<Service>;

  constructor(
    @InjectRepository(Service) repository: Repository<Service>,
    private readonly hosts: HostsService,
    private readonly customers: CustomersService,
    private readonly links: ServiceLinksService,
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
        // The services serving the customer now: an ended link period is history, not a current service.
        q.andWhere(
          `EXISTS (SELECT 1 FROM service_customers sc WHERE sc.service_id = e.id AND sc.customer_id = :customerId
                      AND sc.starts_at <= now() AND (sc.ends_at IS NULL OR sc.ends_at > now()))`,
          { customerId: filter.customerId },
        );
      }
    });
  }

  async create(principal: Principal, input: CreateServiceInput): Promise<Service> {
    await this.hosts.scope.get(principal, input.hostId, 'input.hostId');
    const customers = await this.customers.scope.getMany(principal, input.customerIds ?? [], 'input.customerIds');
    const { customerIds: _ignored, ...fields } = input;
    return this.tx.run(async (manager) => {
      const entity = manager.create(Service, { ...fields, name: fields.name.trim(), customerFacingName: trimmed(fields.customerFacingName), tenantId: principal.tenantId });
      const service = await withDatabaseErrors(() => manager.save(entity));
      await this.links.replaceCurrent(manager, principal.tenantId, service.id, customers.map((c) => c.id));
      return service;
    });
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
      if (fields.customerFacingName !== undefined) service.customerFacingName = trimmed(fields.customerFacingName);
      const saved = await withDatabaseErrors(() => manager.save(service));
      if (customers) await this.links.replaceCurrent(manager, principal.tenantId, service.id, customers.map((c) => c.id));
      return saved;
    });
  }

  /** Soft delete: hidden from now on, with its monitors (same instant); incidents, state changes and link periods stay. */
  async delete(principal: Principal, id: string): Promise<boolean> {
    const service = await this.scope.get(principal, id);
    await this.tx.run((manager) => softDeleteService(manager, principal.tenantId, service.id));
    return true;
  }

  customersOf(principal: Principal, service: Service): Promise<Customer[]> {
    return this.links.currentCustomers(principal, service.id);
  }
}

function trimmed(value: string | null | undefined): string | null {
  return keepNull(value, (v) => v.trim()) ?? null;
}
