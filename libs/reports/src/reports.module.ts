import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Incident } from '#lib/incidents';
import { Customer } from '#lib/inventory';
import { InventoryModule } from '#lib/inventory';
import { Tenant } from '#lib/tenancy';
import { HistoryLoader } from './history.loader.js';
import { ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';
import { CustomerPagesController } from './customer-pages.controller.js';
import { ReportLinks } from './report-links.js';
import { SlaTarget } from './sla-target.entity.js';

export const REPORT_ENTITIES = [SlaTarget];

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, Incident, Customer, SlaTarget]), InventoryModule],
  controllers: [CustomerPagesController],
  providers: [HistoryLoader, ReportsService, ReportsResolver, ReportLinks],
  exports: [ReportsService],
})
export class ReportsModule {}
