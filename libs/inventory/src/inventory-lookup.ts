import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { Host } from './entities/host.entity.js';
import { Monitor } from './entities/monitor.entity.js';

/** A site, host or service as the dashboard's fleet lists it (a host with its site). */
export interface FleetNoun {
  id: string;
  name: string;
}

/** The live nouns of a tenant the dashboard's fleet groups monitors under, unordered. */
export interface FleetNouns {
  sites: FleetNoun[];
  hosts: (FleetNoun & { site_id: string | null })[];
  services: FleetNoun[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Inventory's lookup port for code that acts on a tenant's hosts and monitors without a principal (a runbook run's
 * planning, the failover reconciler): always inside the given tenant, live rows only (a deleted host or monitor is
 * unknown), by id or by name (a monitor's: `host/name`). Inventory owns those tables; runbooks ask here instead of holding repositories of them.
 * Also what detection's dashboard fleet lists beside the monitors: sites, live hosts and services, the live count.
 */
@Injectable()
export class InventoryLookup {
  constructor(
    @InjectRepository(Host) private readonly hosts: Repository<Host>,
    @InjectRepository(Monitor) private readonly monitors: Repository<Monitor>,
    private readonly dataSource: DataSource,
  ) {}

  /** The tenant's sites, live hosts and live services (three queries at once, as the fleet ran them). */
  async fleetNouns(tenantId: string): Promise<FleetNouns> {
    const tenant = [tenantId];
    const [sites, hosts, services]: [FleetNoun[], (FleetNoun & { site_id: string | null })[], FleetNoun[]] = await Promise.all([
      this.dataSource.query('SELECT id, name FROM sites WHERE tenant_id = $1', tenant),
      this.dataSource.query('SELECT id, name, site_id FROM hosts WHERE tenant_id = $1 AND deleted_at IS NULL', tenant),
      this.dataSource.query('SELECT id, name FROM services WHERE tenant_id = $1 AND deleted_at IS NULL', tenant),
    ]);
    return { sites, hosts, services };
  }

  /** How many live monitors the tenant has (enabled or not). */
  async liveMonitorCount(tenantId: string): Promise<number> {
    const [{ total }]: [{ total: number }] = await this.dataSource.query('SELECT count(*)::int AS total FROM monitors WHERE tenant_id = $1 AND deleted_at IS NULL', [tenantId]);
    return total;
  }

  /** The tenant's host with this id (a UUID) or else this name; null when there is none. */
  host(tenantId: string, idOrName: string): Promise<Host | null> {
    return this.hosts.findOne({ where: UUID.test(idOrName) ? { tenantId, id: idOrName } : { tenantId, name: idOrName } });
  }

  /** The tenant's hosts among `ids`, in one query; ids of another tenant or of deleted hosts are absent. */
  async hostsByIds(tenantId: string, ids: string[]): Promise<Host[]> {
    // An empty list must answer nothing: TypeORM reads `where: []` as no condition at all (every tenant's hosts).
    if (!ids.length) return [];
    return this.hosts.find({ where: { tenantId, id: In(ids) } });
  }

  /**
   * The tenant's live monitor by id (a UUID), by `host/name`, or by a bare name when one host only has a monitor of
   * that name (names are unique per host); null when there is none; the hosts' names when a bare name is on several.
   */
  async monitor(tenantId: string, ref: string): Promise<Monitor | { hosts: string[] } | null> {
    if (UUID.test(ref)) return this.monitors.findOne({ where: { tenantId, id: ref } });
    const slash = ref.indexOf('/');
    if (slash > 0) {
      const found = await this.monitors.findOne({ where: { tenantId, name: ref.slice(slash + 1), host: { tenantId, name: ref.slice(0, slash) } }, relations: { host: true } });
      // Else a bare name with a slash in it ("api/v2"), looked up as one below.
      if (found) return found;
    }
    const named = await this.monitors.find({ where: { tenantId, name: ref }, relations: { host: true }, take: 10 });
    if (named.length > 1) return { hosts: named.map((m) => m.host!.name).sort() };
    return named[0] ?? null;
  }
}
