import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, type Principal } from '#lib/tenancy';
import { AvailabilityReport, AvailabilityReportInput } from './report.types.js';
import { ReportsService } from './reports.service.js';

@Resolver(() => AvailabilityReport)
export class ReportsResolver {
  constructor(private readonly reports: ReportsService) {}

  @Query(() => AvailabilityReport, { description: 'Availability, downtime, MTBF, MTTR and SLA status of a monitor, service, host, customer or the tenant over [from, to)' })
  availabilityReport(@CurrentPrincipal() principal: Principal, @Args('input') input: AvailabilityReportInput): Promise<AvailabilityReport> {
    return this.reports.availabilityReport(principal, input);
  }
}
