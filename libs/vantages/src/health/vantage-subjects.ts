import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VigiaConfig } from '#lib/config';
import { SyntheticSubjects } from '#lib/inventory';
import { TenantFacts } from '#lib/tenancy';

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
    private readonly tenants: TenantFacts,
    private readonly inventory: SyntheticSubjects,
  ) {}

  /** The vantage's subject, made on first use; undefined when it has no home tenant (platform vantage, VIGIA_PLATFORM_TENANT unset). */
  async of(vantage: { id: string; tenantId: string | null; name: string; subjectMonitorId: string | null }): Promise<VantageSubject | undefined> {
    if (vantage.subjectMonitorId) {
      const found = await this.inventory.liveMonitor(vantage.subjectMonitorId);
      if (found) return found;
    }
    const tenantId = vantage.tenantId ?? (await this.platformTenantId());
    if (!tenantId) return undefined;
    const hostName = `vantage-${vantage.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63);
    const monitorName = `vantage ${vantage.name}`;
    return this.dataSource.transaction(async (manager) => {
      // The host and monitor are inventory's (made through its port), the link from the vantage ours: one transaction.
      const { hostId, monitorId } = await this.inventory.ensure(manager, tenantId, { hostName, monitorName, tag: VANTAGE_SUBJECT_TAG });
      await manager.query('UPDATE vantages SET subject_monitor_id = $2 WHERE id = $1', [vantage.id, monitorId]);
      return { id: monitorId, tenantId, hostId, serviceId: null, name: monitorName };
    });
  }

  private async platformTenantId(): Promise<string | undefined> {
    if (!this.config.platformTenant) return undefined;
    return this.tenants.idOfSlug(this.config.platformTenant);
  }
}
