import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** A live monitor as an incident needs it (the shape of incidents' MonitorRef, without a service). */
export interface SubjectMonitor {
  id: string;
  tenantId: string;
  hostId: string;
  serviceId: null;
  name: string;
}

/** The config that marks a synthetic subject's monitor (never probed: it is never resumed either). */
export const SYNTHETIC_CONFIG = '{"vantage": true}';
export const isSyntheticConfig = (config: Record<string, unknown>): boolean => config.vantage === true;

/**
 * Inventory's port for subjects Vigia makes itself: a synthetic host with one *disabled* monitor (never probed, never
 * in a watchdog's catalog), on which another library records incidents about something that is not a customer's
 * machine — a vantage (libs/vantages, `VantageSubjects`). Inventory owns hosts and monitors; the vantages ask here.
 */
@Injectable()
export class SyntheticSubjects {
  constructor(private readonly dataSource: DataSource) {}

  /** The monitor while it exists (not deleted), else undefined. */
  async liveMonitor(monitorId: string): Promise<SubjectMonitor | undefined> {
    const [found]: SubjectMonitor[] = await this.dataSource.query(
      'SELECT id, tenant_id AS "tenantId", host_id AS "hostId", NULL AS "serviceId", name FROM monitors WHERE id = $1 AND deleted_at IS NULL',
      [monitorId],
    );
    return found;
  }

  /**
   * The tenant's synthetic host `hostName` (tagged `tag`, no addresses) and its disabled monitor `monitorName`, made
   * if missing (the live ones of those names are reused), in the caller's transaction.
   */
  async ensure(manager: EntityManager, tenantId: string, names: { hostName: string; monitorName: string; tag: string }): Promise<{ hostId: string; monitorId: string }> {
    const [host]: { id: string }[] = await manager.query(
      `INSERT INTO hosts (tenant_id, name, addresses, tags) VALUES ($1, $2, '{}', ARRAY[$3])
       ON CONFLICT (tenant_id, name) WHERE deleted_at IS NULL DO UPDATE SET name = hosts.name RETURNING id`,
      [tenantId, names.hostName, names.tag],
    );
    const [monitor]: { id: string }[] = await manager.query(
      `INSERT INTO monitors (tenant_id, name, type, host_id, config, interval_ms, timeout_ms, enabled)
       VALUES ($1, $2, 'tcp', $3, '${SYNTHETIC_CONFIG}', 60000, 1000, false)
       ON CONFLICT (host_id, name) WHERE deleted_at IS NULL DO UPDATE SET name = monitors.name RETURNING id`,
      [tenantId, names.monitorName, host!.id],
    );
    return { hostId: host!.id, monitorId: monitor!.id };
  }
}
