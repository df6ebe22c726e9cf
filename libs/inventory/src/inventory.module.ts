import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersService, SitesService } from './customers.service.js';
import { INVENTORY_ENTITIES } from './entities/index.js';
import {
  CustomersResolver,
  HostsResolver,
  MonitorsResolver,
  ServicesResolver,
  SitesResolver,
} from './graphql/inventory.resolvers.js';
import { HostsService } from './hosts.service.js';
import { MonitorsService } from './monitors.service.js';
import { ServicesService } from './services.service.js';

@Module({
  imports: [TypeOrmModule.forFeature(INVENTORY_ENTITIES)],
  providers: [
    CustomersService, SitesService, HostsService, ServicesService, MonitorsService,
    CustomersResolver, SitesResolver, HostsResolver, ServicesResolver, MonitorsResolver,
  ],
  exports: [CustomersService, SitesService, HostsService, ServicesService, MonitorsService],
})
export class InventoryModule {}
