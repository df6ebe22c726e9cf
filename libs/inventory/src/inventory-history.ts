import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Customer } from './entities/customer.entity.js';

/** A monitor as reports see it: deleted ones included, since they count in the periods they existed. */
export interface MonitorRow {
  id: string;
  host_id: string;
  service_id: string | null;
  created_at: Date;
  /** When it was deleted (directly, or with its service or host); null while it exists. Observed time ends there. */
  deleted_at: Date | null;
}

/** One period during which a service served a customer (`service_customers`); a pair may have several, never overlapping. */
export interface CustomerLinkRow {
  customer_id: string;
  service_id: string;
  /** Start, ms since the epoch (numbers, not Dates: 25,000 links of a tenant are read for a month's mailing). */
  startsMs: number;
  /** Exclusive end; null while the service still serves the customer. */
  endsMs: number | null;
  /** Above 0; the service's weight in the customer's weighted availability. */
  weight: number;
}

const LINK_COLUMNS = `sc.customer_id, sc.service_id, round(extract(epoch FROM sc.starts_at) * 1000)::float8 AS "startsMs",
  round(extract(epoch FROM sc.ends_at) * 1000)::float8 AS "endsMs", sc.weight::float8 AS weight`;

/**
 * The inventory's read port for reports: monitors with their lifetimes (deleted ones included), customer link
 * periods, the names a customer may read, and the customers a report page or monthly e-mail is for. Inventory owns those tables; reports ask here instead of reading them.
 */
@Injectable()
export class InventoryHistory {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Deleted monitors included (with `deleted_at`): raw SQL, so TypeORM's soft-delete filter does not apply here.
   * `where` is a condition on `m` whose parameters start at $2 ($1 is the tenant).
   */
  async monitorsOf(tenantId: string, where: string, params: unknown[]): Promise<MonitorRow[]> {
    return this.dataSource.query(
      `SELECT m.id, m.host_id, m.service_id, m.created_at, m.deleted_at FROM monitors m WHERE m.tenant_id = $1 AND ${where}`,
      [tenantId, ...params],
    );
  }

  /** The link periods of one customer (a one-customer report must not read the whole tenant's links). */
  async customerLinksOf(tenantId: string, customerId: string): Promise<CustomerLinkRow[]> {
    return this.dataSource.query(`SELECT ${LINK_COLUMNS} FROM service_customers sc WHERE sc.tenant_id = $1 AND sc.customer_id = $2`, [tenantId, customerId]);
  }

  /** Every link period of the tenant, ended ones and those of deleted customers or services included. */
  async customerLinks(tenantId: string): Promise<CustomerLinkRow[]> {
    return this.dataSource.query(`SELECT ${LINK_COLUMNS} FROM service_customers sc WHERE sc.tenant_id = $1`, [tenantId]);
  }

  /** Every service's name as a customer may read it (customer-facing name, else name), deleted services included. */
  async serviceDisplayNames(tenantId: string): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query('SELECT id, coalesce(customer_facing_name, name) AS name FROM services WHERE tenant_id = $1', [tenantId]);
  }

  /** A customer that exists now (not deleted) in the tenant, else null: a customer's report page and e-mail. */
  liveCustomer(tenantId: string, customerId: string): Promise<Customer | null> {
    return this.dataSource.getRepository(Customer).findOne({ where: { id: customerId, tenantId } });
  }

  /** The tenant's live customers who opted in to monthly e-mails before `end`, existed before it, and have an address. */
  customersDueMonthly(tenantId: string, end: Date): Promise<Customer[]> {
    return this.dataSource
      .getRepository(Customer)
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId AND c.email IS NOT NULL AND c.monthly_reports', { tenantId })
      .andWhere('c.created_at < :end AND c.monthly_reports_since < :end', { end })
      .getMany();
  }
}

@Module({ providers: [InventoryHistory], exports: [InventoryHistory] })
export class InventoryHistoryModule {}
