import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertFleetModule } from '#lib/alerts';
import { MaintenanceFleetModule } from '#lib/detection';
import { InventoryModule } from '#lib/inventory';
import { OnCallModule } from '#lib/oncall';
import { SlaFleetModule } from '#lib/reports';
import { ResourceMemberChecksModule, RunbookFleetModule } from '#lib/runbooks';
import { TenancyPortsModule } from '#lib/tenancy';
import { VantageFleetModule } from '#lib/vantages';
import { FLEET_ENTITIES } from './fleet-applied.entity.js';
import { FleetService } from './fleet.service.js';
import { FleetResolver } from './graphql/fleet.resolver.js';

/** Fleet as code on the API: plan, apply, export (the CLI's `vigia plan|apply|export`). */
@Module({
  imports: [TypeOrmModule.forFeature(FLEET_ENTITIES), InventoryModule, MaintenanceFleetModule, SlaFleetModule, VantageFleetModule, RunbookFleetModule, ResourceMemberChecksModule, AlertFleetModule, OnCallModule, TenancyPortsModule],
  providers: [FleetService, FleetResolver],
})
export class FleetModule {}
