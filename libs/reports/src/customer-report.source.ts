import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '#lib/common';
import { type Customer, InventoryHistory } from '#lib/inventory';
import { isReportLanguage, type ReportLanguage, Role, TenantFacts, type TenantProfile } from '#lib/tenancy';
import { buildCustomerReportView, type CustomerReportView } from './customer-report.view.js';
import { monthPeriod } from './periods.js';
import { type AvailabilityReport, ReportGranularity, SubjectKind } from './report.types.js';
import { ReportsService } from './reports.service.js';

/** The customer's language, else the tenant's default, else English. */
export function reportLanguage(customer: Pick<Customer, 'language'>, tenant: Pick<TenantProfile, 'defaultLanguage'>): ReportLanguage {
  if (isReportLanguage(customer.language)) return customer.language;
  return isReportLanguage(tenant.defaultLanguage) ? tenant.defaultLanguage : 'en';
}

/**
 * One customer's month as the customer sees it (page, CSV, JSON, PDF, e-mail): the report, the display names of the
 * services, the tenant's branding and the customer's language, gathered in one place so every surface agrees.
 */
@Injectable()
export class CustomerReportSource {
  constructor(
    private readonly reports: ReportsService,
    private readonly inventory: InventoryHistory,
    private readonly tenants: TenantFacts,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The tenant without its logo, through tenancy's port; null for an unknown id. */
  async tenant(tenantId: string): Promise<TenantProfile | null> {
    return (await this.tenants.profile(tenantId)) ?? null;
  }

  /** The tenant with its logo (not read by default), through tenancy's port; null for an unknown id. */
  async tenantWithLogo(tenantId: string): Promise<TenantProfile | null> {
    return (await this.tenants.profile(tenantId, { logo: true })) ?? null;
  }

  async report(tenant: TenantProfile, customer: Customer, month: string, now = this.clock.now().getTime()): Promise<AvailabilityReport> {
    const [year, m] = month.split('-').map(Number) as [number, number];
    const period = monthPeriod(year, m, tenant.timeZone);
    return this.reports.availabilityReport(
      { tenantId: tenant.id, role: Role.viewer, kind: 'token' },
      { subject: { kind: SubjectKind.customer, id: customer.id }, from: new Date(period.start), to: new Date(period.end), granularity: ReportGranularity.day },
      now,
    );
  }

  /**
   * What a customer may read as a service's name: its customer-facing name, else its name. Deleted services included:
   * a past month's page still names what served the customer then.
   */
  async serviceDisplayNames(tenantId: string): Promise<Map<string, string>> {
    const services = await this.inventory.serviceDisplayNames(tenantId);
    return new Map(services.map((s) => [s.id, s.name]));
  }

  async view(tenant: TenantProfile, customer: Customer, month: string, report: AvailabilityReport): Promise<CustomerReportView> {
    const logo = tenant.logo !== undefined ? tenant.logo : ((await this.tenantWithLogo(tenant.id))?.logo ?? null);
    return buildCustomerReportView({
      tenantName: tenant.name,
      customerName: customer.name,
      month,
      report,
      serviceNames: await this.serviceDisplayNames(tenant.id),
      language: reportLanguage(customer, tenant),
      branding: { primaryColor: tenant.primaryColor, logoDataUrl: logo },
    });
  }
}
