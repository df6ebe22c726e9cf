import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VigiaConfig } from '#lib/config';

/** What the incidents library needs to record an outage on a vantage's subject (the shape of its MonitorRef). */
export interface VantageSubject {
  id: string;
  tenantId: string;
  hostId: string;
  serviceId: null;
  name: string;
}

/** Tags the synthetic host, so operators (and queries) can tell it from their own. */
export const VANTAGE_SUBJECT_TAG = 'vigia-vantage';

/**
 * The subject a vantage's incidents are recorded on. Incidents are keyed by monitor (one open per monitor, by a
 * partial unique index) and everything downstream — the outbox, alert routing and escalation, acknowledgement,
 * the timeline, the dashboard — reads them that way. Rather than a second incident kind with its own path through
 * all of that, each vantage gets one synthetic host and one *disabled* monitor (never probed, never in a watchdog's
 * catalog) in its home tenant: the platform tenant (VIGIA_PLATFORM_TENANT) for a platform vantage, its own tenant
 * for a private one. Its incident then pages through the same outbox and routes as any host outage.
 */
@Injectable()
export class VantageSubjects {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: VigiaConfig,
  ) {}

  /** The vantage's subject, made on first use; undefined when it has no home tenant (platform vantage, VIGIA_PLATFORM_TENANT unset). */
  async of(vantage: { id: string; tenantId: string | null; name: string; subjectMonitorId: string | null }): Promise<VantageSubject | undefined> {
    if (vantage.subjectMonitorId) {
      const [found]: VantageSubject[] = await this.dataSource.query(
        'SELECT id, tenant_id AS "tenantId", host_id AS "hostId", NULL AS "serviceId", name FROM monitors WHERE id = $1 AND deleted_at IS NULL',
        [vantage.subjectMonitorId],
      );
      if (found) return found;
    }
    const tenantId = vantage.tenantId ?? (await this.platformTenantId());
    if (!tenantId) return undefined;
    const hostName = `vantage-${vantage.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63);
    const monitorName = `vantage ${vantage.name}`;
    return this.dataSource.transaction(async (manager) => {
      const [host]: { id: string }[] = await manager.query(
        `INSERT INTO hosts (tenant_id, name, addresses, tags) VALUES ($1, $2, '{}', ARRAY[$3])
         ON CONFLICT (tenant_id, name) WHERE deleted_at IS NULL DO UPDATE SET name = hosts.name RETURNING id`,
        [tenantId, hostName, VANTAGE_SUBJECT_TAG],
      );
      const [monitor]: { id: string }[] = await manager.query(
        `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms, enabled)
         VALUES ($1, $2, 'tcp', $3, '{"vantage": true}', 60000, 1000, false)
         ON CONFLICT (tenant_id, name) WHERE deleted_at IS NULL DO UPDATE SET name = monitors.name RETURNING id`,
        [tenantId, monitorName, host!.id],
      );
      await manager.query('UPDATE vantages SET subject_monitor_id = $2 WHERE id = $1', [vantage.id, monitor!.id]);
      return { id: monitor!.id, tenantId, hostId: host!.id, serviceId: null, name: monitorName };
    });
  }

  private async platformTenantId(): Promise<string | undefined> {
    if (!this.config.platformTenant) return undefined;
    const [row]: { id: string }[] = await this.dataSource.query('SELECT id FROM tenants WHERE slug = $1', [this.config.platformTenant]);
    return row?.id;
  }
}
