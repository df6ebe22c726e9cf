import { Inject } from '@nestjs/common';
import { Args, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { CLOCK, type Clock, QUERY_COST, VigiaException } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { CurrentPrincipal, type Principal, RequireRole, Role } from '#lib/tenancy';
import { CustomerReportAnswer } from './customer-report.answer.js';
import { MonthlyReportJob } from './monthly-report.job.js';
import { MONTH_PATTERN } from './periods.js';
import { ReportLinks } from './report-links.js';
import { SlaTarget } from './sla-target.entity.js';
import { AccountingPolicyInput, AvailabilityReport, AvailabilityReportInput } from './report.types.js';
import { ReportsService } from './reports.service.js';

@ObjectType()
export class MonthlyMailPreview {
  @Field(() => String, { nullable: true }) to: string | null;
  @Field() subject: string;
  @Field() html: string;
  @Field() text: string;
}

@Resolver(() => AvailabilityReport)
export class ReportsResolver {
  constructor(
    private readonly reports: ReportsService,
    private readonly links: ReportLinks,
    private readonly monthly: MonthlyReportJob,
    private readonly answer: CustomerReportAnswer,
    private readonly config: VigiaConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @RequireRole(Role.operator)
  @Mutation(() => MonthlyMailPreview, { description: "Render a customer's monthly report e-mail without sending it" })
  previewMonthlyReport(
    @CurrentPrincipal() principal: Principal,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('month') month: string,
  ): Promise<MonthlyMailPreview> {
    if (!MONTH_PATTERN.test(month)) throw VigiaException.invalid('month', 'must be YYYY-MM');
    return this.monthly.preview(principal, customerId, month);
  }

  @RequireRole(Role.admin)
  @Mutation(() => SlaTarget, { description: "Set a customer's availability target (percent, up to four decimals)" })
  setSlaTarget(
    @CurrentPrincipal() principal: Principal,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('targetPercent', { type: () => Float }) targetPercent: number,
    @Args('policy', { type: () => AccountingPolicyInput, nullable: true }) policy?: AccountingPolicyInput,
  ): Promise<SlaTarget> {
    return this.reports.setSlaTarget(principal, customerId, targetPercent, policy ?? {}).catch((error: unknown) => {
      if (error instanceof RangeError) throw VigiaException.invalid('targetPercent', error.message.replace(/^target: /, ''));
      throw error;
    });
  }

  @RequireRole(Role.operator)
  @Mutation(() => String, { description: "A signed, expiring link to a customer's SLA page for one month (YYYY-MM), absolute (VIGIA_PUBLIC_URL); append &format=csv or json for exports" })
  async customerReportLink(
    @CurrentPrincipal() principal: Principal,
    @Args('customerId', { type: () => ID }) customerId: string,
    @Args('month') month: string,
    @Args('expiresInDays', { type: () => Int, defaultValue: 30 }) expiresInDays: number,
  ): Promise<string> {
    if (!MONTH_PATTERN.test(month)) throw VigiaException.invalid('month', 'must be YYYY-MM');
    if (expiresInDays < 1 || expiresInDays > 400) throw VigiaException.invalid('expiresInDays', 'must be from 1 to 400');
    const customer = await this.reports.customerOf(principal, customerId);
    const now = this.clock.now().getTime();
    // A month before the customer was created or first served, or one not begun, has nothing to report.
    const months = await this.answer.months(await this.reports.tenantOf(principal), customer, now, Number.POSITIVE_INFINITY);
    if (!months.some((m) => m.month === month)) throw VigiaException.invalid('month', `must be from ${months.at(-1)!.month} (when ${customer.name} was created or first served) to ${months[0]!.month} (this month)`);
    return `${this.config.publicUrl}${this.links.sign({ tenantId: principal.tenantId, customerId, month, expires: Math.floor(now / 1000) + expiresInDays * 86_400 })}`;
  }

  @Query(() => AvailabilityReport, { description: 'Availability, downtime, MTBF, MTTR and SLA status of a monitor, service, host, customer or the tenant over [from, to)', complexity: QUERY_COST.report })
  availabilityReport(@CurrentPrincipal() principal: Principal, @Args('input') input: AvailabilityReportInput): Promise<AvailabilityReport> {
    return this.reports.availabilityReport(principal, input);
  }
}
