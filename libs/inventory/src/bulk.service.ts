import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { VigiaException } from '#lib/common';
import { EgressPolicy } from '#lib/egress';
import { type Principal } from '#lib/tenancy';
import type { ProbeType } from './entities/enums.js';
import { validateMonitorConfig } from './monitor-config.validator.js';
import { detachDeletedHosts, softDeleteHost, softDeleteMonitors } from './soft-delete.js';
import { isSyntheticConfig, SYNTHETIC_CONFIG } from './synthetic-subjects.js';

/** At most this many objects in one bulk action: a selection on a screen, not a way around paging. */
export const BULK_LIMIT = 1000;

/** As many tags as a host may have (the single update's rule). */
const MAX_TAGS = 32;

const TAG = /^[a-z0-9][a-z0-9_.:=-]{0,62}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Actions on a selection of monitors or hosts, each all or nothing: every id is checked to be this tenant's live
 * object first (the first one that is not is named, `ids[3]`), then the whole change is one transaction.
 */
@Injectable()
export class BulkService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly egress: EgressPolicy,
  ) {}

  async setMonitorsEnabled(principal: Principal, ids: string[], enabled: boolean): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await this.checkIds(manager, principal, 'monitors', ids, 'monitor');
      // Resuming checks each monitor as a single update would: its settings, and the egress policy for its target as
      // it stands now. A vantage's synthetic monitor (the subject of its incidents, never probed) stays as it is: the
      // Fleet's "Select the N shown" takes it with the rest, and its settings (no target) failed the whole resume.
      if (enabled) {
        const rows: { id: string; type: ProbeType; config: Record<string, unknown> }[] = await manager.query('SELECT id, type, config FROM monitors WHERE id = ANY($1::uuid[])', [ids]);
        const guard = this.egress.guard({ tenantId: principal.tenantId, vantage: 'platform' });
        const byId = new Map(rows.map((r) => [r.id, r]));
        ids.forEach((id, i) => {
          const row = byId.get(id)!;
          if (!isSyntheticConfig(row.config)) validateMonitorConfig(row.type, row.config, `ids[${i}].config`, guard);
        });
      }
      const [, count] = (await manager.query(
        `UPDATE monitors SET enabled = $3, updated_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL AND NOT (config @> '${SYNTHETIC_CONFIG}')`,
        [principal.tenantId, ids, enabled],
      )) as [unknown, number];
      return count;
    });
  }

  async deleteMonitors(principal: Principal, ids: string[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await this.checkIds(manager, principal, 'monitors', ids, 'monitor');
      await softDeleteMonitors(manager, principal.tenantId, 'id = ANY($2::uuid[])', [ids]);
      return ids.length;
    });
  }

  /** Tags added and removed, and (when given) the site: null takes the hosts out of their site. */
  async updateHosts(principal: Principal, ids: string[], change: { addTags?: string[]; removeTags?: string[]; siteId?: string | null }): Promise<number> {
    const add = normalize(change.addTags ?? [], 'addTags');
    const remove = normalize(change.removeTags ?? [], 'removeTags');
    return this.dataSource.transaction(async (manager) => {
      await this.checkIds(manager, principal, 'hosts', ids, 'host');
      if (change.siteId) {
        const [site] = await manager.query('SELECT id FROM sites WHERE id = $1 AND tenant_id = $2', [change.siteId, principal.tenantId]);
        if (!site) throw VigiaException.notFound('site', 'siteId');
      }
      // Tags: the hosts' own, plus the added, minus the removed; in the order they were, lower case, once each.
      await manager.query(
        `UPDATE hosts h SET tags = ARRAY(
            SELECT t FROM (SELECT t, min(o) AS o FROM unnest(h.tags || $3::text[]) WITH ORDINALITY AS x(t, o) GROUP BY t) y
             WHERE t <> ALL($4::text[]) ORDER BY o),
          site_id = CASE WHEN $5::boolean THEN $6::uuid ELSE site_id END, updated_at = now()
          WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL`,
        [principal.tenantId, ids, add, remove, change.siteId !== undefined, change.siteId ?? null],
      );
      const [crowded]: { name: string }[] = await manager.query('SELECT name FROM hosts WHERE id = ANY($1::uuid[]) AND cardinality(tags) > $2 ORDER BY name LIMIT 1', [ids, MAX_TAGS]);
      if (crowded) throw new VigiaException('VALIDATION_FAILED', `Tags: ${crowded.name} would have more than ${MAX_TAGS}`, 'addTags');
      return ids.length;
    });
  }

  /** Hosts hidden with their services and monitors, at one instant; refused while a host left alive reaches SSH through one of them. */
  async deleteHosts(principal: Principal, ids: string[]): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await this.checkIds(manager, principal, 'hosts', ids, 'host');
      const [dependant]: { name: string; jump: string }[] = await manager.query(
        `SELECT h.name, j.name AS jump FROM hosts h JOIN hosts j ON j.id = h.ssh_jump_host_id
          WHERE h.tenant_id = $1 AND h.deleted_at IS NULL AND h.ssh_jump_host_id = ANY($2::uuid[]) AND NOT h.id = ANY($2::uuid[]) ORDER BY h.name LIMIT 1`,
        [principal.tenantId, ids],
      );
      if (dependant) throw new VigiaException('CONFLICT', `Hosts: ${dependant.jump} is the SSH jump host of ${dependant.name}, which is not deleted; change that first`, 'ids');
      for (const id of ids) {
        await detachDeletedHosts(manager, 'ssh_jump_host_id', id);
        await softDeleteHost(manager, principal.tenantId, id);
      }
      return ids.length;
    });
  }

  private async checkIds(manager: EntityManager, principal: Principal, table: 'monitors' | 'hosts', ids: string[], what: string): Promise<void> {
    if (ids.length === 0) throw new VigiaException('VALIDATION_FAILED', 'Selection: choose at least one', 'ids');
    if (ids.length > BULK_LIMIT) throw new VigiaException('VALIDATION_FAILED', `Selection: at most ${BULK_LIMIT} at a time`, 'ids');
    const malformed = ids.findIndex((id) => !UUID.test(id));
    if (malformed >= 0) throw VigiaException.notFound(what, `ids[${malformed}]`);
    const twice = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (twice >= 0) throw new VigiaException('VALIDATION_FAILED', `Selection: the ${what} at ${twice + 1} is listed twice`, `ids[${twice}]`);
    const rows: { id: string }[] = await manager.query(`SELECT id FROM ${table} WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL FOR UPDATE`, [principal.tenantId, ids]);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.findIndex((id) => !found.has(id));
    if (missing >= 0) throw VigiaException.notFound(what, `ids[${missing}]`);
  }
}

function normalize(tags: string[], field: string): string[] {
  const bad = tags.findIndex((t) => !TAG.test(t));
  if (bad >= 0) throw new VigiaException('VALIDATION_FAILED', `Tag ${JSON.stringify(tags[bad])}: must be 1-63 letters, digits or _.:=-`, `${field}[${bad}]`);
  return [...new Set(tags.map((t) => t.toLowerCase()))];
}
