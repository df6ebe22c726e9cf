import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Incident } from '#lib/incidents';
import { InventoryModule } from '#lib/inventory';
import { Tenant } from '#lib/tenancy';
import { HistoryLoader } from './history.loader.js';
import { ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, Incident]), InventoryModule],
  providers: [HistoryLoader, ReportsService, ReportsResolver],
  exports: [ReportsService],
})
export class ReportsModule {}
