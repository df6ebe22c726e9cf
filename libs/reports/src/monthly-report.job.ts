import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '#lib/common';
import { VigiaConfig } from '#lib/config';
import { type Customer, InventoryHistory } from '#lib/inventory';
import { Mailer } from '#lib/mail';
import { type Principal, TenantFacts, type TenantProfile } from '#lib/tenancy';
import { CustomerReportSource } from './customer-report.source.js';
import { type MonthlyMail, renderMonthlyMail } from './monthly-mail.js';
import { monthPeriod, zoneOffsetMs } from './periods.js';
import { ReportLinks } from './report-links.js';
import { ReportsService } from './reports.service.js';

const MAX_ATTEMPTS = 3;
const LINK_DAYS = 90;

/** The month before the one `now` falls in, in the time zone: what is due on the 1st. */
export function previousMonth(now: number, timeZone: string): string {
  const local = new Date(now + zoneOffsetMs(now, timeZone));
  const year = local.getUTCMonth() === 0 ? local.getUTCFullYear() - 1 : local.getUTCFullYear();
  const month = local.getUTCMonth() === 0 ? 12 : local.getUTCMonth();
  return `${year}-${String(month).padStart(2, '0')}`;
}

/**
 * Monthly report e-mails, opt-in twice: every ten minutes each API process looks for tenants that send them and whose
 * month has turned (in their own time zone), and sends last month's report to each customer that opted in and has an
 * address, exactly once across processes. Never for a month that ended before the customer existed or before the
 * tenant or the customer switched the e-mails on: a report of a month nobody asked for is a surprise, not a service.
 */
@Injectable()
export class MonthlyReportJob {
  private readonly logger = new Logger('MonthlyReports');

  constructor(
    private readonly reports: ReportsService,
    private readonly source: CustomerReportSource,
    private readonly links: ReportLinks,
    private readonly mailer: Mailer,
    private readonly config: VigiaConfig,
    private readonly dataSource: DataSource,
    private readonly tenants: TenantFacts,
    private readonly inventory: InventoryHistory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'monthly-reports' })
  async tick(): Promise<void> {
    if (!this.config.smtp.url) return;
    await this.runDue(this.clock.now().getTime()).catch((error: unknown) => this.logger.warn(`monthly reports: ${String(error)}`));
  }

  /** Sends what is due at `now`; returns how many e-mails this process sent. */
  async runDue(now: number): Promise<number> {
    let sent = 0;
    for (const tenant of await this.tenants.sendingMonthlyReports()) {
      const month = previousMonth(now, tenant.timeZone);
      const [year, m] = month.split('-').map(Number) as [number, number];
      const end = new Date(monthPeriod(year, m, tenant.timeZone).end);
      if (!tenant.monthlyReportsSince || tenant.monthlyReportsSince >= end) continue;
      for (const customer of await this.inventory.customersDueMonthly(tenant.id, end)) {
        if (await this.sendOne(tenant, customer, month, now)) sent++;
      }
    }
    return sent;
  }

  private async sendOne(tenant: TenantProfile, customer: Customer, month: string, now: number): Promise<boolean> {
    if (!(await this.claim(tenant.id, customer.id, month))) return false;
    try {
      const mail = await this.render(tenant, customer, month, now, 'inline');
      const info = await this.mailer.send({ tenantId: tenant.id, to: customer.email!, ...mail, headers: { 'X-Vigia-Report': `${customer.id}/${month}` } });
      await this.mark(customer.id, month, 'sent', info.response);
      return true;
    } catch (error) {
      await this.mark(customer.id, month, 'failed', error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  /** The e-mail as it would be sent, whatever the opt-ins say (the dashboard shows it before anyone switches them on). */
  async preview(principal: Principal, customerId: string, month: string): Promise<MonthlyMail & { to: string | null }> {
    const tenant = await this.reports.tenantOf(principal);
    const customer = await this.reports.customerOf(principal, customerId);
    const { subject, html, text } = await this.render(tenant, customer, month, this.clock.now().getTime(), 'data-url');
    return { subject, html, text, to: customer.email };
  }

  private async render(tenant: TenantProfile, customer: Customer, month: string, now: number, logo: 'inline' | 'data-url'): Promise<MonthlyMail> {
    const report = await this.source.report(tenant, customer, month, now);
    const view = await this.source.view(tenant, customer, month, report);
    const path = this.links.sign({ tenantId: tenant.id, customerId: customer.id, month, expires: Math.floor(now / 1000) + LINK_DAYS * 86_400 });
    return renderMonthlyMail(view, `${this.config.publicUrl}${path}`, logo);
  }

  /** True for exactly one caller per (customer, month): the one whose insert lands, or who retakes a failed send. */
  private async claim(tenantId: string, customerId: string, month: string): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO report_mailings (tenant_id, customer_id, month, status) VALUES ($1, $2, $3, 'sending')
       ON CONFLICT (customer_id, month) DO NOTHING RETURNING id`,
      [tenantId, customerId, month],
    );
    if (inserted.length) return true;
    const [retaken]: [unknown[], number] = await this.dataSource.query(
      `UPDATE report_mailings SET status = 'sending', attempts = attempts + 1
        WHERE customer_id = $1 AND month = $2 AND status = 'failed' AND attempts < $3 RETURNING id`,
      [customerId, month, MAX_ATTEMPTS],
    );
    return retaken.length > 0;
  }

  private async mark(customerId: string, month: string, status: 'sent' | 'failed', detail: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE report_mailings SET status = $3, detail = $4, sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE NULL END WHERE customer_id = $1 AND month = $2`,
      [customerId, month, status, detail.slice(0, 500)],
    );
  }
}
