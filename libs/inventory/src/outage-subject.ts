import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What an outage is about, as alerts describe and route it: the host, the service, the monitor's severity, the customers served now. */
export interface OutageSubject {
  host: { name: string; address: string | null; tags: string[]; /** The site, or the host itself when it has none: alerts group by it. */ siteKey: string } | null;
  /** `customerFacingName`: what the service's customers call it (null: its own name), for notices they read. */
  service: { name: string; type: string; customerFacingName: string | null } | null;
  severity: string | null;
  /** Customers the service serves now (link period open, customer not deleted), by name; at most 200. */
  customers: { id: string; name: string; email: string | null }[];
}

/**
 * The inventory's port for the libraries downstream (alerts, incidents): one read of the host, service, monitor and
 * linked customers of an outage. Inventory owns those tables; the others ask here instead of joining them.
 */
@Injectable()
export class OutageSubjects {
  constructor(private readonly dataSource: DataSource) {}

  async of(hostId: string, serviceId: string | null, monitorId: string): Promise<OutageSubject> {
    const [row]: { host: string | null; address: string | null; tags: string[] | null; site: string | null; service: string | null; service_type: string | null; customer_facing_name: string | null; severity: string | null; customers: OutageSubject['customers'] | null }[] =
      await this.dataSource.query(
        `SELECT h.name AS host, h.addresses[1] AS address, h.tags, coalesce(h.site_id::text, h.id::text) AS site, s.name AS service, s.type::text AS service_type, s.customer_facing_name,
                (SELECT severity FROM monitors WHERE id = $3) AS severity,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email) ORDER BY c.name), '[]')
                   FROM (SELECT c.id, c.name, c.email FROM service_customers sc JOIN customers c ON c.id = sc.customer_id
                          WHERE sc.service_id = s.id AND c.deleted_at IS NULL AND sc.starts_at <= now() AND (sc.ends_at IS NULL OR sc.ends_at > now())
                          ORDER BY c.name LIMIT 200) c) AS customers
           FROM (SELECT $1::uuid AS id) k LEFT JOIN hosts h ON h.id = k.id LEFT JOIN services s ON s.id = $2`,
        [hostId, serviceId, monitorId],
      );
    return {
      host: row?.host ? { name: row.host, address: row.address, tags: row.tags ?? [], siteKey: row.site ?? hostId } : null,
      service: row?.service ? { name: row.service, type: row.service_type ?? 'other', customerFacingName: row.customer_facing_name } : null,
      severity: row?.severity ?? null,
      customers: row?.customers ?? [],
    };
  }

  /** What an incident is about, as an operator names it: "host · service · monitor"; undefined once the monitor is gone. */
  async named(tenantId: string, monitorId: string): Promise<string | undefined> {
    const [row]: { host: string; service: string | null; monitor: string }[] = await this.dataSource.query(
      `SELECT h.name AS host, sv.name AS service, m.name AS monitor FROM monitors m JOIN hosts h ON h.id = m.host_id
         LEFT JOIN services sv ON sv.id = m.service_id WHERE m.id = $1 AND m.tenant_id = $2`,
      [monitorId, tenantId],
    );
    return row ? [row.host, row.service, row.monitor].filter(Boolean).join(' · ') : undefined;
  }
}

@Module({ providers: [OutageSubjects], exports: [OutageSubjects] })
export class OutageSubjectsModule {}
