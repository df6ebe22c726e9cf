import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionType } from '#lib/common';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';
import { CustomersService, SitesService } from '../customers.service.js';
import { Customer } from '../entities/customer.entity.js';
import { Host } from '../entities/host.entity.js';
import { Monitor } from '../entities/monitor.entity.js';
import { Service } from '../entities/service.entity.js';
import { Site } from '../entities/site.entity.js';
import { HostsService } from '../hosts.service.js';
import { MonitorsService } from '../monitors.service.js';
import { ServicesService } from '../services.service.js';
import { CrudResolver } from './crud.resolver.js';
import {
  CreateCustomerInput,
  CreateHostInput,
  CreateMonitorInput,
  CreateServiceInput,
  CreateSiteInput,
  HostFilter,
  MonitorFilter,
  NameFilter,
  ServiceFilter,
  UpdateCustomerInput,
  UpdateHostInput,
  UpdateMonitorInput,
  UpdateServiceInput,
  UpdateSiteInput,
} from './inventory.inputs.js';

const CustomerConnection = ConnectionType(Customer, 'Customer');
const SiteConnection = ConnectionType(Site, 'Site');
const HostConnection = ConnectionType(Host, 'Host');
const ServiceConnection = ConnectionType(Service, 'Service');
const MonitorConnection = ConnectionType(Monitor, 'Monitor');

@Resolver(() => Customer)
export class CustomersResolver extends CrudResolver({
  entity: Customer, connection: CustomerConnection, createInput: CreateCustomerInput, updateInput: UpdateCustomerInput,
  filter: NameFilter, singular: 'customer', plural: 'customers',
}) {
  constructor(protected readonly crud: CustomersService) {
    super();
  }
}

@Resolver(() => Site)
export class SitesResolver extends CrudResolver({
  entity: Site, connection: SiteConnection, createInput: CreateSiteInput, updateInput: UpdateSiteInput,
  filter: NameFilter, singular: 'site', plural: 'sites',
}) {
  constructor(protected readonly crud: SitesService) {
    super();
  }
}

@Resolver(() => Host)
export class HostsResolver extends CrudResolver({
  entity: Host, connection: HostConnection, createInput: CreateHostInput, updateInput: UpdateHostInput,
  filter: HostFilter, singular: 'host', plural: 'hosts',
}) {
  constructor(
    protected readonly crud: HostsService,
    private readonly sites: SitesService,
  ) {
    super();
  }

  @ResolveField(() => Site, { nullable: true })
  site(@CurrentPrincipal() principal: Principal, @Parent() host: Host): Promise<Site> | null {
    return host.siteId ? this.sites.scope.get(principal, host.siteId) : null;
  }
}

@Resolver(() => Service)
export class ServicesResolver extends CrudResolver({
  entity: Service, connection: ServiceConnection, createInput: CreateServiceInput, updateInput: UpdateServiceInput,
  filter: ServiceFilter, singular: 'service', plural: 'services',
}) {
  constructor(
    protected readonly crud: ServicesService,
    private readonly hosts: HostsService,
  ) {
    super();
  }

  @ResolveField(() => Host)
  host(@CurrentPrincipal() principal: Principal, @Parent() service: Service): Promise<Host> {
    return this.hosts.scope.get(principal, service.hostId);
  }

  @ResolveField(() => [Customer])
  customers(@CurrentPrincipal() principal: Principal, @Parent() service: Service): Promise<Customer[]> {
    return this.crud.customersOf(principal, service);
  }
}

@Resolver(() => Monitor)
export class MonitorsResolver extends CrudResolver({
  entity: Monitor, connection: MonitorConnection, createInput: CreateMonitorInput, updateInput: UpdateMonitorInput,
  filter: MonitorFilter, singular: 'monitor', plural: 'monitors',
}) {
  constructor(
    protected readonly crud: MonitorsService,
    private readonly hosts: HostsService,
    private readonly services: ServicesService,
  ) {
    super();
  }

  @ResolveField(() => Host)
  host(@CurrentPrincipal() principal: Principal, @Parent() monitor: Monitor): Promise<Host> {
    return this.hosts.scope.get(principal, monitor.hostId);
  }

  @ResolveField(() => Service, { nullable: true })
  service(@CurrentPrincipal() principal: Principal, @Parent() monitor: Monitor): Promise<Service> | null {
    return monitor.serviceId ? this.services.scope.get(principal, monitor.serviceId) : null;
  }
}
