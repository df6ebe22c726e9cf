import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionType, VigiaValidationPipe } from '#lib/common';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { CustomersService, SitesService } from '../customers.service.js';
import { Customer } from '../entities/customer.entity.js';
import { Host } from '../entities/host.entity.js';
import { Monitor } from '../entities/monitor.entity.js';
import { Service } from '../entities/service.entity.js';
import { ServiceCustomer } from '../entities/service-customer.entity.js';
import { Site } from '../entities/site.entity.js';
import { HostsService } from '../hosts.service.js';
import { MonitorsService } from '../monitors.service.js';
import { PurgeResult, PurgeService } from '../purge.service.js';
import { ServiceLinksService } from '../service-links.service.js';
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
  PurgeInput,
  ServiceFilter,
  SetServiceCustomerLinkInput,
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

const KEEPS_HISTORY = 'Past reports still count it for the time it existed (its incidents and state changes are kept); purge removes it for good.';

@Resolver(() => Customer)
export class CustomersResolver extends CrudResolver({
  entity: Customer, connection: CustomerConnection, createInput: CreateCustomerInput, updateInput: UpdateCustomerInput,
  filter: NameFilter, singular: 'customer', plural: 'customers',
  deleteDescription: `Hides the customer from the inventory and ends its running service links now. ${KEEPS_HISTORY}`,
}) {
  constructor(
    protected readonly crud: CustomersService,
    private readonly links: ServiceLinksService,
  ) {
    super();
  }

  @ResolveField(() => [ServiceCustomer], { description: 'Every period a service served this customer, oldest first (deleted services left out)' })
  serviceLinks(@CurrentPrincipal() principal: Principal, @Parent() customer: Customer): Promise<ServiceCustomer[]> {
    return this.links.ofCustomer(principal, customer.id);
  }
}

@Resolver(() => Site)
export class SitesResolver extends CrudResolver({
  entity: Site, connection: SiteConnection, createInput: CreateSiteInput, updateInput: UpdateSiteInput,
  filter: NameFilter, singular: 'site', plural: 'sites',
  deleteDescription: 'Removes the site; refused while hosts are in it. Sites carry no history of their own.',
}) {
  constructor(protected readonly crud: SitesService) {
    super();
  }
}

@Resolver(() => Host)
export class HostsResolver extends CrudResolver({
  entity: Host, connection: HostConnection, createInput: CreateHostInput, updateInput: UpdateHostInput,
  filter: HostFilter, singular: 'host', plural: 'hosts',
  deleteDescription: `Hides the host, its services and its monitors (one instant); they are never probed again. ${KEEPS_HISTORY}`,
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
  deleteDescription: `Hides the service and its monitors (one instant) and ends its running customer links now. ${KEEPS_HISTORY}`,
}) {
  constructor(
    protected readonly crud: ServicesService,
    private readonly hosts: HostsService,
    private readonly links: ServiceLinksService,
  ) {
    super();
  }

  @ResolveField(() => [ServiceCustomer], { description: 'Every period this service served a customer, oldest first (deleted customers left out)' })
  customerLinks(@CurrentPrincipal() principal: Principal, @Parent() service: Service): Promise<ServiceCustomer[]> {
    return this.links.ofService(principal, service.id);
  }

  @ResolveField(() => Host)
  host(@CurrentPrincipal() principal: Principal, @Parent() service: Service): Promise<Host> {
    return this.hosts.scope.get(principal, service.hostId);
  }

  @ResolveField(() => [Customer], { description: 'The customers it serves now (a running link period)' })
  customers(@CurrentPrincipal() principal: Principal, @Parent() service: Service): Promise<Customer[]> {
    return this.crud.customersOf(principal, service);
  }
}

@Resolver(() => Monitor)
export class MonitorsResolver extends CrudResolver({
  entity: Monitor, connection: MonitorConnection, createInput: CreateMonitorInput, updateInput: UpdateMonitorInput,
  filter: MonitorFilter, singular: 'monitor', plural: 'monitors',
  deleteDescription: `Hides the monitor; it is never probed again. ${KEEPS_HISTORY}`,
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

/** Link periods with explicit dates and weights, and the one irreversible removal. */
@Resolver(() => ServiceCustomer)
export class ServiceLinksResolver {
  constructor(
    private readonly links: ServiceLinksService,
    private readonly services: ServicesService,
    private readonly customers: CustomersService,
    private readonly purges: PurgeService,
  ) {}

  @RequireRole(Role.operator)
  @Mutation(() => ServiceCustomer, {
    description: 'Adds a period during which a service serves a customer (no id), or changes one (id): start, end, weight. Periods of one pair never overlap.',
  })
  async setServiceCustomerLink(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => SetServiceCustomerLinkInput }, new VigiaValidationPipe(SetServiceCustomerLinkInput)) input: SetServiceCustomerLinkInput,
  ): Promise<ServiceCustomer> {
    const service = await this.services.scope.get(principal, input.serviceId, 'input.serviceId');
    const customer = await this.customers.scope.get(principal, input.customerId, 'input.customerId');
    return this.links.set(principal, input, service.id, customer.id);
  }

  @ResolveField(() => Service)
  service(@CurrentPrincipal() principal: Principal, @Parent() link: ServiceCustomer): Promise<Service> {
    return this.services.scope.get(principal, link.serviceId);
  }

  @ResolveField(() => Customer)
  customer(@CurrentPrincipal() principal: Principal, @Parent() link: ServiceCustomer): Promise<Customer> {
    return this.customers.scope.get(principal, link.customerId);
  }

  @RequireRole(Role.owner)
  @Mutation(() => PurgeResult, {
    description:
      'Owner only, irreversible: removes a monitor, service, host or customer (live or deleted) with its history — its monitors, services, ' +
      'incidents, state changes and customer link periods. Past reports will no longer count them; the answer says how much went. ' +
      'Deleting (deleteMonitor…) keeps history instead.',
  })
  purge(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => PurgeInput }, new VigiaValidationPipe(PurgeInput)) input: PurgeInput,
  ): Promise<PurgeResult> {
    return this.purges.purge(principal, input);
  }
}
