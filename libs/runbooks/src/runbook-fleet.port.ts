import { Injectable, Module } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { withDatabaseErrors } from '#lib/common';
import { parseRunbook } from './document/runbook-document.js';
import { Resource } from './entities/resource.entity.js';
import { Runbook, RunbookVersion } from './entities/runbook.entity.js';
import { addRunbookVersion, insertRunbook, scheduleFields, scheduleProblem } from './runbooks.service.js';
import { ResourceFleetPort } from './resource-fleet.port.js';

/** A runbook as a fleet file sees it: its name and the source of its current version. */
export interface FleetRunbookRow {
  id: string;
  name: string;
  source: string;
  updatedAt: Date;
  /** Who saved the current version (`createdBy` of runbook_versions: an e-mail, a token's name, `fleet apply (…)`). */
  savedBy: string | null;
  /** Its schedule (`setRunbookSchedule`): every N minutes, for a resource (its id) or none; null: not scheduled. */
  schedule: { everyMinutes: number; resourceId: string | null } | null;
}

/**
 * Runbooks' port for fleet as code (issue 16): a tenant's runbooks read and saved in the caller's transaction,
 * parsed and stored as `createRunbook` / `updateRunbook` do (`parseRunbook`, `insertRunbook`, `addRunbookVersion`:
 * every save a new immutable version). The tables stay runbooks'.
 */
@Injectable()
export class RunbookFleetPort {
  async runbooks(manager: EntityManager, tenantId: string): Promise<FleetRunbookRow[]> {
    const runbooks = await manager.find(Runbook, { where: { tenantId }, order: { name: 'ASC' } });
    if (!runbooks.length) return [];
    const versions = await manager.find(RunbookVersion, { where: { runbookId: In(runbooks.map((r) => r.id)) }, select: { runbookId: true, version: true, source: true, createdBy: true } });
    const current = new Map(versions.map((v) => [`${v.runbookId}:${v.version}`, v]));
    return runbooks.map((r) => {
      const version = current.get(`${r.id}:${r.version}`);
      const schedule = r.scheduleEveryMinutes === null ? null : { everyMinutes: r.scheduleEveryMinutes, resourceId: r.scheduleResourceId };
      return { id: r.id, name: r.name, source: version?.source ?? '', updatedAt: r.updatedAt, savedBy: version?.createdBy ?? null, schedule };
    });
  }

  /** Why a schedule is refused, by `setRunbookSchedule`'s rule (the resource is the caller's: one of the file). */
  scheduleProblem(everyMinutes: number | null): string | undefined {
    return scheduleProblem(everyMinutes);
  }

  /** Sets (null: removes) a runbook's schedule as `setRunbookSchedule` stores it; the resource is the tenant's. */
  async setSchedule(manager: EntityManager, tenantId: string, id: string, schedule: { everyMinutes: number; resourceId: string | null } | null, now: Date): Promise<void> {
    await manager.update(Runbook, { id, tenantId }, scheduleFields(schedule?.everyMinutes ?? null, schedule?.resourceId ?? null, now));
  }

  /** The document's problems (`{ path, message }`, path as `steps[2].with.to`) and the name it gives the runbook. */
  check(source: string): { name?: string; errors: { path: string; message: string }[] } {
    const parsed = parseRunbook(source);
    return parsed.ok ? { name: parsed.definition.name, errors: [] } : { errors: parsed.errors.filter((e) => e.severity !== 'warning') };
  }

  /** Creates (id given) or adds a version to a runbook; the source has been checked. */
  async save(manager: EntityManager, tenantId: string, runbook: { id: string; exists: boolean }, source: string, actor: string): Promise<void> {
    const parsed = parseRunbook(source);
    if (!parsed.ok) throw new Error(`runbook source not checked before saving: ${parsed.errors[0]?.message}`);
    await withDatabaseErrors(() => (runbook.exists ? addRunbookVersion(manager, tenantId, runbook.id, parsed, source, actor) : insertRunbook(manager, tenantId, parsed, source, actor, false, runbook.id)), '');
  }

  /** The resources that use each of these runbooks (a runbook in use is not deleted, as `deleteRunbook` refuses). */
  async usedBy(manager: EntityManager, tenantId: string, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const resources = await manager.find(Resource, { where: [{ tenantId, runbookId: In(ids) }, { tenantId, recoveryRunbookId: In(ids) }] });
    const used = new Map<string, string>();
    for (const r of resources) for (const id of [r.runbookId, r.recoveryRunbookId]) if (id && ids.includes(id) && !used.has(id)) used.set(id, r.name);
    return used;
  }

  async remove(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.delete(Runbook, { id, tenantId });
  }
}

@Module({ providers: [RunbookFleetPort, ResourceFleetPort], exports: [RunbookFleetPort, ResourceFleetPort] })
export class RunbookFleetModule {}
