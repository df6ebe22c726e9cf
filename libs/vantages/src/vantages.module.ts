import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InventoryModule } from '#lib/inventory';
import { TenancyPortsModule } from '#lib/tenancy';
import { VantageAssignments } from './assignments.service.js';
import { VANTAGE_ENTITIES } from './entities/index.js';
import { VantageSubjects } from './health/vantage-subjects.js';
import { VantageHealthRecords } from './health/vantage-records.js';
import { ResultInbox } from './result-inbox.js';
import { MonitorVantagesResolver, VantagesResolver } from './vantages.resolver.js';
import { VantagesService } from './vantages.service.js';

/** Vantages, their tokens, assignments and the result inbox: what the watchdog and the agent gateway use. */
@Module({
  imports: [TypeOrmModule.forFeature(VANTAGE_ENTITIES), InventoryModule, TenancyPortsModule],
  providers: [VantagesService, VantageAssignments, ResultInbox, VantageSubjects, VantageHealthRecords],
  exports: [VantagesService, VantageAssignments, ResultInbox, VantageSubjects, VantageHealthRecords],
})
export class VantagesModule {}

/** The GraphQL surface of vantages (API role). */
@Module({
  imports: [VantagesModule, InventoryModule],
  providers: [VantagesResolver, MonitorVantagesResolver],
})
export class VantagesApiModule {}
