import { Controller, Get, Header, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource, Repository } from 'typeorm';
import { isUuid, setPageSecurityHeaders } from '#lib/common';
import { Customer } from '#lib/inventory';
import { Role, Tenant } from '#lib/tenancy';
import { renderCustomerCsv, renderCustomerPage } from './customer-page.js';
import { monthPeriod } from './periods.js';
import { ReportLinks } from './report-links.js';
import { ReportGranularity, SubjectKind } from './report.types.js';
import { ReportsService } from './reports.service.js';

/**
 * Customer SLA pages, reached by an expiring signed link. Anything wrong (tampered, expired, another customer)
 * answers the same 404: the page must not tell a stranger which customers exist.
 */
@Controller('reports/customers')
export class CustomerPagesController {
  constructor(
    private readonly links: ReportLinks,
    private readonly reports: ReportsService,
    private readonly dataSource: DataSource,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
  ) {}

  @Get(':customerId')
  @Header('Cache-Control', 'private, no-store')
  @Header('X-Robots-Tag', 'noindex')
  async page(@Param('customerId') customerId: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    setPageSecurityHeaders(res);
    const claims = isUuid(customerId) ? this.links.verify(customerId, query) : undefined;
    if (!claims || !isUuid(claims.tenantId)) throw new NotFoundException();
    const customer = await this.customers.findOne({ where: { id: customerId, tenantId: claims.tenantId } });
    const tenant = await this.tenants.findOne({ where: { id: claims.tenantId } });
    if (!customer || !tenant) throw new NotFoundException();
    const [year, month] = claims.month.split('-').map(Number) as [number, number];
    const period = monthPeriod(year, month, tenant.timeZone);
    const report = await this.reports.availabilityReport(
      { tenantId: tenant.id, role: Role.viewer, kind: 'token' },
      { subject: { kind: SubjectKind.customer, id: customer.id }, from: new Date(period.start), to: new Date(period.end), granularity: ReportGranularity.day },
    );
    const format = query.format;
    if (format === 'json') {
      res.type('application/json').send({ customer: customer.name, month: claims.month, totals: report.totals, series: report.series, sla: report.sla ?? null });
      return;
    }
    if (format === 'csv') {
      res.type('text/csv').attachment(`availability-${claims.month}.csv`).send(renderCustomerCsv(report));
      return;
    }
    const services: { id: string; name: string }[] = await this.dataSource.query('SELECT id, name FROM services WHERE tenant_id = $1', [tenant.id]);
    res.type('text/html').send(renderCustomerPage({ tenantName: tenant.name, customerName: customer.name, month: claims.month, report, serviceNames: new Map(services.map((s) => [s.id, s.name])) }));
  }
}
