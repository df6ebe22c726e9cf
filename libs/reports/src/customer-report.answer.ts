import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { escapeHtml as esc, setPageSecurityHeaders } from '#lib/common';
import { type Customer, InventoryHistory } from '#lib/inventory';
import type { TenantProfile } from '#lib/tenancy';
import { CUSTOMER_PAGE_CSP, renderCustomerCsv, renderCustomerPage } from './customer-page.js';
import { renderCustomerPdf } from './customer-report.pdf.js';
import { CustomerReportSource, reportLanguage } from './customer-report.source.js';
import { type CustomerReportView, periodOver } from './customer-report.view.js';
import { HistoryLoader } from './history.loader.js';
import { localDate } from './periods.js';
import { ReportFormat } from './report-i18n.js';
import type { AvailabilityReport } from './report.types.js';

/** The JSON export: the raw figures, plus the local day of each bucket and the zone and language they are in. */
function customerJson(view: CustomerReportView, report: AvailabilityReport) {
  return {
    customer: view.customerName,
    month: view.month,
    timeZone: view.timeZone,
    language: view.language,
    computedAt: report.computedAt,
    asOf: report.asOf,
    periodOver: periodOver(report),
    policyVersion: report.policyVersion,
    totals: report.totals,
    series: report.series.map((d) => ({ ...d, day: view.format.isoDay(new Date((d.from.getTime() + d.to.getTime()) / 2)) })),
    sla: report.sla ?? null,
  };
}

const monthKey = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/** A month the customer may read about, and its name in the customer's language. */
export interface ReportMonth {
  month: string;
  label: string;
}

/**
 * A customer's monthly SLA report as a customer reaches it — by a signed link (`/reports/customers/…`) or signed in
 * to the customer's own status page (`…/reports/YYYY-MM`): one answer for both, in HTML, PDF, CSV or JSON.
 */
@Injectable()
export class CustomerReportAnswer {
  constructor(
    private readonly source: CustomerReportSource,
    private readonly inventory: InventoryHistory,
    private readonly history: HistoryLoader,
  ) {}

  /**
   * The months with something to report, newest first: from the month the customer was created or first served
   * (whichever is earlier: a link may be dated back), in the tenant's zone, to the month in progress. At most `max`.
   */
  async months(tenant: TenantProfile, customer: Customer, now: number, max = 12): Promise<ReportMonth[]> {
    const links = await this.history.customerLinksOf(tenant.id, customer.id);
    const first = localDate(Math.min(now, customer.createdAt.getTime(), ...links.map((l) => l.startsMs)), tenant.timeZone);
    const today = localDate(now, tenant.timeZone);
    const format = new ReportFormat(reportLanguage(customer, tenant), tenant.timeZone);
    const out: ReportMonth[] = [];
    for (let y = today.year, m = today.month; out.length < max && (y > first.year || (y === first.year && m >= first.month)); m === 1 ? ((m = 12), y--) : m--) {
      const month = monthKey(y, m);
      out.push({ month, label: format.month(month) });
    }
    return out;
  }

  /** Whether the customer may read `month` (see `months`, without its cap). */
  async reportable(tenant: TenantProfile, customer: Customer, month: string, now: number): Promise<boolean> {
    return (await this.months(tenant, customer, now, Number.POSITIVE_INFINITY)).some((m) => m.month === month);
  }

  /**
   * The live customer and its tenant, or null when either is gone. The tenant without its logo: a status page asks
   * this for its list of months on every render; the report's view reads the logo when it draws one.
   */
  async customerOf(tenantId: string, customerId: string): Promise<{ tenant: TenantProfile; customer: Customer } | null> {
    const customer = await this.inventory.liveCustomer(tenantId, customerId);
    const tenant = customer ? await this.source.tenant(tenantId) : null;
    return customer && tenant ? { tenant, customer } : null;
  }

  /**
   * Writes the month's report in the asked format (`format` query: html by default, pdf, csv, json). `linkQuery`: what
   * the page's own address carries before `format=` (a signed link's `t=…&m=…&e=…&s=…&`), for its PDF and CSV links.
   */
  async send(res: Response, tenant: TenantProfile, customer: Customer, month: string, format: unknown, linkQuery = ''): Promise<void> {
    setPageSecurityHeaders(res);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const report = await this.source.report(tenant, customer, month);
    const view = await this.source.view(tenant, customer, month, report);
    if (format === 'json') {
      res.type('application/json').send(customerJson(view, report));
    } else if (format === 'csv') {
      res.type('text/csv').attachment(`availability-${month}.csv`).send(renderCustomerCsv(report, view.format));
    } else if (format === 'pdf') {
      const pdf = await renderCustomerPdf(view);
      res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="availability-${month}.pdf"`).send(pdf);
    } else {
      res.setHeader('Content-Security-Policy', CUSTOMER_PAGE_CSP);
      res.type('text/html').send(renderCustomerPage(view, linkQuery));
    }
  }
}

/**
 * What a wrong report link answers: a page a customer can read (not a JSON error), the same for tampered, expired
 * and unknown links, so it tells a stranger nothing about which customers exist.
 */
export function sendReportNotFound(res: Response): void {
  setPageSecurityHeaders(res);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex');
  res.setHeader('Content-Security-Policy', CUSTOMER_PAGE_CSP);
  const title = 'This report link is not valid';
  const text = 'The link has expired, was changed, or points to a report that does not exist. Ask your provider for a new link.';
  res
    .status(404)
    .type('text/html')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;color:#101828;max-width:640px;margin:3rem auto;padding:0 1rem}</style></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>`);
}
