import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersService, SitesService } from './customers.service.js';
import { INVENTORY_ENTITIES } from './entities/index.js';
import {
  CustomersResolver,
  HostsResolver,
  MonitorsResolver,
  ServiceLinksResolver,
  ServicesResolver,
  SitesResolver,
} from './graphql/inventory.resolvers.js';
import { HostsService } from './hosts.service.js';
import { MonitorsService } from './monitors.service.js';
import { PurgeService } from './purge.service.js';
import { PurgeParticipantsModule } from './purge-participants.js';
import { ServiceLinksService } from './service-links.service.js';
import { ServicesService } from './services.service.js';
import { BulkService } from './bulk.service.js';
import { BulkResolver } from './graphql/bulk.resolver.js';
import { FleetSearchResolver } from './graphql/fleet-search.resolver.js';
import { ProbeTypesResolver } from './graphql/probe-types.resolver.js';
import { SshCredentialsResolver } from './graphql/ssh-credentials.resolver.js';
import { SshCredentialsService } from './ssh-credentials.service.js';
import { EgressModule } from '#lib/egress';
import { InventoryFleetPort } from './fleet.port.js';
import { InventoryLookup } from './inventory-lookup.js';
import { SyntheticSubjects } from './synthetic-subjects.js';

@Module({
  imports: [TypeOrmModule.forFeature(INVENTORY_ENTITIES), EgressModule, PurgeParticipantsModule],
  providers: [
    CustomersService, SitesService, HostsService, ServicesService, MonitorsService, SshCredentialsService, ServiceLinksService, PurgeService, InventoryFleetPort, InventoryLookup, SyntheticSubjects,
    CustomersResolver, ServiceLinksResolver, SitesResolver, HostsResolver, ServicesResolver, MonitorsResolver, SshCredentialsResolver, ProbeTypesResolver, FleetSearchResolver, BulkService, BulkResolver,
  ],
  exports: [CustomersService, SitesService, HostsService, ServicesService, MonitorsService, SshCredentialsService, InventoryFleetPort, InventoryLookup, SyntheticSubjects],
})
export class InventoryModule {}
