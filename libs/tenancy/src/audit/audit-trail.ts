import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { ActorNames } from '../actor-names.js';
import { AuditEntry } from './audit-entry.entity.js';

/**
 * The mutations that change what they name, by their verb: `createHost`, `updateMonitor`, `setSlaTarget`, `deleteHosts`,
 * `pinSshHostKey`… An allow-list on purpose: a new mutation that only reads or acts (`probeNow`, `testAlertChannel`,
 * `customerReportLink`, `startRun`) can never make drift name the wrong person; at worst "an unknown user".
 */
const CHANGES = /^(create|update|delete|set|add|remove|pin|revoke|publish|withdraw|generate|map|unmap)[A-Z]/;

/** Who last changed an object through the API, and when. */
export interface LastChange {
  by: string;
  at: Date;
  action: string;
}

/**
 * Tenancy's port for "who did it": every successful GraphQL mutation is recorded by `AuditInterceptor`; readers (the
 * fleet's drift) ask for the last change of their objects here instead of keeping a "changed by" column on every
 * table and every write path.
 */
@Injectable()
export class AuditTrail {
  constructor(
    @InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>,
    private readonly actors: ActorNames,
  ) {}

  /** One row per object (a bulk edit names each), or one without an object. */
  async record(principal: Principal, action: string, objectIds: string[]): Promise<void> {
    const actor = await this.actors.of(principal);
    const ids = objectIds.length ? objectIds : [null];
    await this.entries.insert(ids.map((objectId) => ({ tenantId: principal.tenantId, actor, action, objectId })));
  }

  /**
   * The last recorded *change* of each of `objectIds` in the tenant (objects with none are absent): mutations that
   * only act with an object (probe it now, test a channel, make a report link, start a run) never count as changing it.
   */
  async lastChanges(tenantId: string, objectIds: string[]): Promise<Map<string, LastChange>> {
    if (!objectIds.length) return new Map();
    const rows: { object_id: string; actor: string; action: string; at: Date }[] = await this.entries.query(
      `SELECT DISTINCT ON (object_id) object_id, actor, action, at FROM audit_log
        WHERE tenant_id = $1 AND object_id = ANY($2::text[]) AND action ~ $3 ORDER BY object_id, at DESC, id DESC`,
      [tenantId, objectIds, CHANGES.source],
    );
    return new Map(rows.map((r) => [r.object_id, { by: r.actor, at: r.at, action: r.action }]));
  }

  /** The last time a tenant-wide mutation (one with no object, e.g. `setVantageDefaults`) succeeded, and by whom. */
  async lastOfAction(tenantId: string, action: string): Promise<LastChange | undefined> {
    const row = await this.entries.findOne({ where: { tenantId, action }, order: { at: 'DESC', id: 'DESC' } });
    return row ? { by: row.actor, at: row.at, action: row.action } : undefined;
  }

  /** The tenant's newest entries, optionally of one object; newest first. */
  recent(tenantId: string, { objectId, limit }: { objectId?: string; limit: number }): Promise<AuditEntry[]> {
    return this.entries.find({ where: { tenantId, ...(objectId ? { objectId } : {}) }, order: { at: 'DESC', id: 'DESC' }, take: limit });
  }
}
