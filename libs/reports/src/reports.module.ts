import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Incident } from '#lib/incidents';
import { Customer } from '#lib/inventory';
import { InventoryModule } from '#lib/inventory';
import { ObservationLog } from '#lib/detection';
import { Tenant } from '#lib/tenancy';
import { HistoryLoader } from './history.loader.js';
import { ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';
import { CustomerPagesController } from './customer-pages.controller.js';
import { ReportLinks } from './report-links.js';
import { SlaTarget } from './sla-target.entity.js';
import { ReportMailing } from './report-mailing.entity.js';
import { MonthlyReportJob } from './monthly-report.job.js';
import { CustomerReportSource } from './customer-report.source.js';

export const REPORT_ENTITIES = [SlaTarget, ReportMailing];

@Module({
  imports: [TypeOrmModule.forFeature([Tenant, Incident, Customer, SlaTarget, ReportMailing]), InventoryModule],
  controllers: [CustomerPagesController],
  providers: [HistoryLoader, ObservationLog, ReportsService, ReportsResolver, ReportLinks, MonthlyReportJob, CustomerReportSource],
  exports: [ReportsService, MonthlyReportJob],
})
export class ReportsModule {}
