import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { VigiaConfig } from '#lib/config';
import { Customer } from '#lib/inventory';
import { Mailer } from '#lib/mail';
import { type Principal, Role, Tenant } from '#lib/tenancy';
import { type MonthlyMail, renderMonthlyMail } from './monthly-mail.js';
import { monthPeriod, zoneOffsetMs } from './periods.js';
import { ReportLinks } from './report-links.js';
import { ReportGranularity, SubjectKind } from './report.types.js';
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
 * Monthly report e-mails: every ten minutes each API process looks for tenants whose month has turned (in their own
 * time zone) and sends last month's report to each customer with an address, exactly once across processes.
 */
@Injectable()
export class MonthlyReportJob {
  private readonly logger = new Logger('MonthlyReports');

  constructor(
    private readonly reports: ReportsService,
    private readonly links: ReportLinks,
    private readonly mailer: Mailer,
    private readonly config: VigiaConfig,
    private readonly dataSource: DataSource,
    @InjectRepository(Tenant) private readonly tenants: Repository<Tenant>,
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
  ) {}

  @Cron(CronExpression.EVERY_10_MINUTES, { name: 'monthly-reports' })
  async tick(): Promise<void> {
    if (!this.config.smtp.url) return;
    await this.runDue(Date.now()).catch((error: unknown) => this.logger.warn(`monthly reports: ${String(error)}`));
  }

  /** Sends what is due at `now`; returns how many e-mails this process sent. */
  async runDue(now: number): Promise<number> {
    let sent = 0;
    for (const tenant of await this.tenants.find()) {
      const month = previousMonth(now, tenant.timeZone);
      const customers = await this.customers.createQueryBuilder('c').where('c.tenant_id = :t AND c.email IS NOT NULL', { t: tenant.id }).getMany();
      for (const customer of customers) {
        if (!(await this.claim(tenant.id, customer.id, month))) continue;
        try {
          const mail = await this.render(tenant, customer, month, now);
          const info = await this.mailer.send({ to: customer.email!, ...mail, headers: { 'X-Vigia-Report': `${customer.id}/${month}` } });
          await this.mark(customer.id, month, 'sent', info.response);
          sent++;
        } catch (error) {
          await this.mark(customer.id, month, 'failed', error instanceof Error ? error.message : String(error));
        }
      }
    }
    return sent;
  }

  async preview(principal: Principal, customerId: string, month: string): Promise<MonthlyMail & { to: string | null }> {
    const tenant = await this.tenants.findOneByOrFail({ id: principal.tenantId });
    await this.reports.assertCustomer(principal, customerId);
    const customer = await this.customers.findOneByOrFail({ id: customerId, tenantId: principal.tenantId });
    return { ...(await this.render(tenant, customer, month, Date.now())), to: customer.email };
  }

  private async render(tenant: Tenant, customer: Customer, month: string, now: number): Promise<MonthlyMail> {
    const [year, m] = month.split('-').map(Number) as [number, number];
    const period = monthPeriod(year, m, tenant.timeZone);
    const principal: Principal = { tenantId: tenant.id, role: Role.viewer, kind: 'token' };
    const report = await this.reports.availabilityReport(
      principal,
      { subject: { kind: SubjectKind.customer, id: customer.id }, from: new Date(period.start), to: new Date(period.end), granularity: ReportGranularity.day },
      now,
    );
    const path = this.links.sign({ tenantId: tenant.id, customerId: customer.id, month, expires: Math.floor(now / 1000) + LINK_DAYS * 86_400 });
    return renderMonthlyMail({ tenantName: tenant.name, customerName: customer.name, month, report, link: `${this.config.publicUrl}${path}` });
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
