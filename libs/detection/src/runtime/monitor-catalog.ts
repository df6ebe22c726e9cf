import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ProbeType } from '#lib/inventory';
import { GROUP_ROLES, type GroupRoleSource, type MysqlGroupRoles, withGroupRoles } from './group-roles.js';

/** What the watchdog needs of a monitor, read in one query across all tenants. */
export interface WatchedMonitor {
  id: string;
  tenantId: string;
  hostId: string;
  serviceId: string | null;
  name: string;
  type: ProbeType;
  config: Record<string, unknown>;
  /** The config's credentials, sealed; ProbeTargets opens them for the probe. */
  secretsSealed: string | null;
  intervalMs: number;
  timeoutMs: number;
  /** The host's first address: the default probe target. */
  address: string;
  /** A host-level check (no service): its outage is the host's. */
  hostLevel: boolean;
  sshPort: number;
  sshUser: string;
  sshHostKey: string | null;
  sshCredentialId: string | null;
}

/** Rendezvous hashing: each monitor belongs to the live watchdog with the highest score, so when one dies only its monitors move. */
export function ownerOf(monitorId: string, instanceIds: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const instance of instanceIds) {
    const score = createHash('sha1').update(`${instance}:${monitorId}`).digest().readUInt32BE(0);
    if (score > bestScore || (score === bestScore && instance < (best ?? ''))) {
      best = instance;
      bestScore = score;
    }
  }
  return best;
}

/** Of these monitor ids, the ones `self` owns among the live instances (itself counted live). */
export function ownedIds(ids: readonly string[], self: string, liveInstances: readonly string[]): string[] {
  const instances = liveInstances.includes(self) ? [...liveInstances] : [...liveInstances, self];
  return instances.length === 1 ? [...ids] : ids.filter((id) => ownerOf(id, instances) === self);
}

/**
 * `ownerOf` over one set of live instances, remembered per monitor: the API routes every agent result to its owner
 * and the same monitors come back every interval, while the set of watchdogs changes rarely.
 */
export class OwnerRouter {
  private instances: string[] = [];
  private key = '';
  private readonly cache = new Map<string, string | null>();

  /** The live instances now; a different set forgets every remembered owner. */
  setLive(ids: readonly string[]): void {
    const sorted = [...new Set(ids)].sort();
    const key = sorted.join(',');
    if (key === this.key) return;
    this.key = key;
    this.instances = sorted;
    this.cache.clear();
  }

  get live(): string[] {
    return this.instances;
  }

  readonly ownerOf = (monitorId: string): string | null => {
    let owner = this.cache.get(monitorId);
    if (owner === undefined) {
      owner = ownerOf(monitorId, this.instances) ?? null;
      // Bounded: ids that stop coming (deleted monitors) must not accumulate for ever.
      if (this.cache.size >= 1_000_000) this.cache.clear();
      this.cache.set(monitorId, owner);
    }
    return owner;
  };
}

const SELECT_WATCHED = `SELECT m.id, m.tenant_id AS "tenantId", m.host_id AS "hostId", m.service_id AS "serviceId", m.name, m.type,
       m.config, m.secrets_sealed AS "secretsSealed", m.interval_ms AS "intervalMs", m.timeout_ms AS "timeoutMs", h.addresses[1] AS address,
       (m.service_id IS NULL) AS "hostLevel", h.ssh_port AS "sshPort", h.ssh_user AS "sshUser",
       h.ssh_host_key AS "sshHostKey", h.ssh_credential_id AS "sshCredentialId"
  FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id`;

@Injectable()
export class MonitorCatalog {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(GROUP_ROLES) private readonly groupRoles?: GroupRoleSource,
  ) {}

  /**
   * A cheap summary of the enabled monitors (count and last edit of monitors and hosts), computed by PostgreSQL:
   * the watchdog reloads the fleet only when it changed, instead of parsing every monitor every few seconds.
   */
  async fingerprint(): Promise<string> {
    const [row]: { n: number; m: Date | null; h: Date | null }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, max(m.updated_at) AS m, max(h.updated_at) AS h
         FROM inventory_monitor_catalog m JOIN inventory_host_catalog h ON h.id = m.host_id WHERE m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL`,
    );
    // A MySQL group's primary change changes what its members' monitors expect (group-roles.ts): reload then too.
    const roles = (await this.groupRoles?.fingerprint()) ?? '';
    return `${row?.n}:${row?.m?.toISOString()}:${row?.h?.toISOString()}:${roles}`;
  }

  /**
   * Enabled monitors this watchdog owns among the live ones (all of them when it is alone), and the ids of every
   * enabled monitor: when only the live set changes later, `ownedIds` says which are its own without reading the fleet.
   */
  async owned(self: string, liveInstances: string[]): Promise<{ monitors: WatchedMonitor[]; fleetIds: string[] }> {
    const rows: WatchedMonitor[] = await this.dataSource.query(`${SELECT_WATCHED} WHERE m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL`);
    const fleetIds = rows.map((m) => m.id);
    const mine = new Set(ownedIds(fleetIds, self, liveInstances));
    return { monitors: withGroupRoles(rows.filter((m) => mine.has(m.id)), await this.mysqlGroups()), fleetIds };
  }

  /** These enabled monitors (an agent's assignment), as the watchdog would probe them. */
  async byIds(ids: string[]): Promise<WatchedMonitor[]> {
    if (!ids.length) return [];
    const rows: WatchedMonitor[] = await this.dataSource.query(
      `${SELECT_WATCHED} WHERE m.id = ANY($1::uuid[]) AND m.enabled AND m.deleted_at IS NULL AND h.deleted_at IS NULL`,
      [ids],
    );
    return withGroupRoles(rows, await this.mysqlGroups());
  }

  /** MySQL groups (from their owner, the runbooks library, through GROUP_ROLES): their members' monitors take their role from who is primary now. */
  private async mysqlGroups(): Promise<MysqlGroupRoles[]> {
    return (await this.groupRoles?.groups()) ?? [];
  }
}
