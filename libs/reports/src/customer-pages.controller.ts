import { Controller, Get, Header, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isUuid, setPageSecurityHeaders, CLOCK, type Clock } from '#lib/common';
import { InventoryHistory } from '#lib/inventory';
import { CUSTOMER_PAGE_CSP, renderCustomerCsv, renderCustomerPage } from './customer-page.js';
import { renderCustomerPdf } from './customer-report.pdf.js';
import { CustomerReportSource } from './customer-report.source.js';
import type { CustomerReportView } from './customer-report.view.js';
import { ReportLinks } from './report-links.js';
import type { AvailabilityReport } from './report.types.js';

/** The JSON export: the raw figures, plus the local day of each bucket and the zone and language they are in. */
function customerJson(view: CustomerReportView, report: AvailabilityReport) {
  return {
    customer: view.customerName,
    month: view.month,
    timeZone: view.timeZone,
    language: view.language,
    totals: report.totals,
    series: report.series.map((d) => ({ ...d, day: view.format.isoDay(new Date((d.from.getTime() + d.to.getTime()) / 2)) })),
    sla: report.sla ?? null,
  };
}

/**
 * Customer SLA pages, reached by an expiring signed link. Anything wrong (tampered, expired, another customer)
 * answers the same 404: the page must not tell a stranger which customers exist.
 */
@Controller('reports/customers')
export class CustomerPagesController {
  constructor(
    private readonly links: ReportLinks,
    private readonly source: CustomerReportSource,
    private readonly inventory: InventoryHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':customerId')
  @Header('Cache-Control', 'private, no-store')
  @Header('X-Robots-Tag', 'noindex')
  @Header('X-Content-Type-Options', 'nosniff')
  async page(@Param('customerId') customerId: string, @Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    setPageSecurityHeaders(res);
    const claims = isUuid(customerId) ? this.links.verify(customerId, query, Math.floor(this.clock.now().getTime() / 1000)) : undefined;
    if (!claims || !isUuid(claims.tenantId)) throw new NotFoundException();
    const customer = await this.inventory.liveCustomer(claims.tenantId, customerId);
    const tenant = await this.source.tenantWithLogo(claims.tenantId);
    if (!customer || !tenant) throw new NotFoundException();
    const report = await this.source.report(tenant, customer, claims.month);
    const view = await this.source.view(tenant, customer, claims.month, report);
    const format = query.format;
    if (format === 'json') {
      res.type('application/json').send(customerJson(view, report));
    } else if (format === 'csv') {
      res.type('text/csv').attachment(`availability-${claims.month}.csv`).send(renderCustomerCsv(report, view.format));
    } else if (format === 'pdf') {
      const pdf = await renderCustomerPdf(view);
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="availability-${claims.month}.pdf"`).send(pdf);
    } else {
      res.setHeader('Content-Security-Policy', CUSTOMER_PAGE_CSP);
      res.type('text/html').send(renderCustomerPage(view));
    }
  }
}
