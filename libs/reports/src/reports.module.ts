import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentsModule } from '#lib/incidents';
import { InventoryHistoryModule, InventoryModule } from '#lib/inventory';
import { ObservationLog, StateHistory } from '#lib/detection';
import { TenancyPortsModule } from '#lib/tenancy';
import { HistoryLoader } from './history.loader.js';
import { CustomerSlaResolver } from './customer-sla.resolver.js';
import { ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';
import { CustomerPagesController } from './customer-pages.controller.js';
import { ReportLinks } from './report-links.js';
import { SlaTarget } from './sla-target.entity.js';
import { ReportMailing } from './report-mailing.entity.js';
import { MonthlyReportJob } from './monthly-report.job.js';
import { CustomerReportSource } from './customer-report.source.js';
import { CustomerReportAnswer } from './customer-report.answer.js';
import { reportsPurge } from './reports-purge.js';

export const REPORT_ENTITIES = [SlaTarget, ReportMailing];

@Module({
  imports: [TypeOrmModule.forFeature([SlaTarget, ReportMailing]), InventoryModule, InventoryHistoryModule, IncidentsModule, TenancyPortsModule],
  controllers: [CustomerPagesController],
  providers: [reportsPurge, HistoryLoader, ObservationLog, StateHistory, ReportsService, ReportsResolver, CustomerSlaResolver, ReportLinks, MonthlyReportJob, CustomerReportSource, CustomerReportAnswer],
  exports: [ReportsService, MonthlyReportJob, CustomerReportAnswer],
})
export class ReportsModule {}
