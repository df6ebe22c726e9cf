import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What an outage is about, as alerts describe and route it: the host, the service, the monitor's severity, the customers served now. */
export interface OutageSubject {
  host: { name: string; address: string | null; tags: string[]; /** The site, or the host itself when it has none: alerts group by it. */ siteKey: string } | null;
  /** `customerFacingName`: what the service's customers call it (null: its own name), for notices they read. */
  service: { name: string; type: string; customerFacingName: string | null } | null;
  severity: string | null;
  /**
   * Customers the service serves now (link period open, customer not deleted), by name; at most 200. For a host-level
   * outage (no service), the customers of every service on the host: they are the ones a host down leaves without.
   */
  customers: { id: string; name: string; email: string | null }[];
  /** For a host-level outage, the services on the host (their own outages are grouped under it), by name; at most 50. */
  hostServices: string[];
}

/**
 * The inventory's port for the libraries downstream (alerts, incidents): one read of the host, service, monitor and
 * linked customers of an outage. Inventory owns those tables; the others ask here instead of joining them.
 */
@Injectable()
export class OutageSubjects {
  constructor(private readonly dataSource: DataSource) {}

  async of(hostId: string, serviceId: string | null, monitorId: string): Promise<OutageSubject> {
    const [row]: { host: string | null; address: string | null; tags: string[] | null; site: string | null; service: string | null; service_type: string | null; customer_facing_name: string | null; severity: string | null; customers: OutageSubject['customers'] | null; host_services: string[] | null }[] =
      await this.dataSource.query(
        `SELECT h.name AS host, h.addresses[1] AS address, h.tags, coalesce(h.site_id::text, h.id::text) AS site, s.name AS service, s.type::text AS service_type, s.customer_facing_name,
                (SELECT severity FROM monitors WHERE id = $3) AS severity,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'name', c.name, 'email', c.email) ORDER BY c.name), '[]')
                   FROM (SELECT DISTINCT c.id, c.name, c.email FROM service_customers sc JOIN customers c ON c.id = sc.customer_id
                          WHERE (CASE WHEN $2::uuid IS NULL THEN sc.service_id IN (SELECT id FROM services WHERE host_id = k.id AND deleted_at IS NULL) ELSE sc.service_id = s.id END)
                            AND c.deleted_at IS NULL AND sc.starts_at <= now() AND (sc.ends_at IS NULL OR sc.ends_at > now())
                          ORDER BY c.name LIMIT 200) c) AS customers,
                CASE WHEN $2::uuid IS NULL THEN ARRAY(SELECT name FROM services WHERE host_id = k.id AND deleted_at IS NULL ORDER BY name LIMIT 50) END AS host_services
           FROM (SELECT $1::uuid AS id) k LEFT JOIN hosts h ON h.id = k.id LEFT JOIN services s ON s.id = $2`,
        [hostId, serviceId, monitorId],
      );
    return {
      host: row?.host ? { name: row.host, address: row.address, tags: row.tags ?? [], siteKey: row.site ?? hostId } : null,
      service: row?.service ? { name: row.service, type: row.service_type ?? 'other', customerFacingName: row.customer_facing_name } : null,
      severity: row?.severity ?? null,
      customers: row?.customers ?? [],
      hostServices: row?.host_services ?? [],
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
