import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { withDatabaseErrors } from '#lib/common';
import { MaintenanceWindow } from '../entities/maintenance-window.entity.js';
import { normalized, windowProblem, type WindowParts } from './maintenance.service.js';

/** A window as a fleet file gives it, names already resolved to ids by the caller. */
export type FleetWindow = WindowParts & { name: string; hostIds: string[]; serviceIds: string[]; monitorIds: string[] };

/**
 * Detection's port for fleet as code (issue 16): a tenant's maintenance windows read and written in the caller's
 * transaction (a fleet apply: all or nothing), checked by the rules `createMaintenanceWindow` uses (`windowProblem`)
 * and stored as it stores them (`normalized`: the recurrence's last end computed). The table stays detection's.
 */
@Injectable()
export class MaintenanceFleetPort {
  windows(manager: EntityManager, tenantId: string): Promise<MaintenanceWindow[]> {
    return manager.find(MaintenanceWindow, { where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Why the window cannot be stored (field: startsAt, endsAt, recurrence, timeZone, hostIds), or undefined. */
  problem(window: WindowParts): { field: keyof WindowParts; message: string } | undefined {
    return windowProblem(window);
  }

  async insert(manager: EntityManager, tenantId: string, rows: (FleetWindow & { id: string })[]): Promise<void> {
    if (!rows.length) return;
    await withDatabaseErrors(() => manager.insert(MaintenanceWindow, rows.map((r) => ({ ...normalized(r), id: r.id, tenantId }))));
  }

  /** An update replaces the whole window, as the API's does. */
  async update(manager: EntityManager, tenantId: string, id: string, window: FleetWindow): Promise<void> {
    await withDatabaseErrors(() => manager.update(MaintenanceWindow, { id, tenantId }, normalized(window)));
  }

  async remove(manager: EntityManager, tenantId: string, id: string): Promise<void> {
    await manager.delete(MaintenanceWindow, { id, tenantId });
  }
}

@Module({ providers: [MaintenanceFleetPort], exports: [MaintenanceFleetPort] })
export class MaintenanceFleetModule {}
