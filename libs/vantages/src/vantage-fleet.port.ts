import { Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { VigiaException } from '#lib/common';
import { InventoryModule } from '#lib/inventory';
import type { Principal } from '#lib/tenancy';
import { type AssignmentInputData, VantageAssignments, writeMonitorAssignment, writeTenantDefaults } from './assignments.service.js';
import { VantagesModule } from './vantages.module.js';

/** A monitor's own assignment as stored. */
export interface StoredAssignment {
  monitorId: string;
  vantageIds: string[] | null;
  quorum: number | null;
  count: number | null;
}

/**
 * Vantages' port for fleet as code (issue 16): monitors' own assignments read and written in the caller's
 * transaction, checked by the rules of `setMonitorVantages` (`VantageAssignments.validate`) and stored as it stores
 * them (`writeMonitorAssignment`). The table stays vantages'. Vantages are named: the live ones a tenant may use
 * (the platform's and its own; its own first when a name is both).
 */
@Injectable()
export class VantageFleetPort {
  constructor(private readonly assignments: VantageAssignments) {}

  async assignmentsOf(manager: EntityManager, tenantId: string): Promise<StoredAssignment[]> {
    const rows: { monitor_id: string; vantage_ids: string[] | null; quorum: number | null; vantage_count: number | null }[] = await manager.query(
      'SELECT monitor_id, vantage_ids, quorum, vantage_count FROM monitor_vantages WHERE tenant_id = $1',
      [tenantId],
    );
    return rows.map((r) => ({ monitorId: r.monitor_id, vantageIds: r.vantage_ids, quorum: r.quorum, count: r.vantage_count }));
  }

  /** The tenant's default assignment (for monitors without their own) and when it last changed; undefined: none. */
  async defaultsOf(manager: EntityManager, tenantId: string): Promise<(Omit<StoredAssignment, 'monitorId'> & { updatedAt: Date }) | undefined> {
    const rows: { vantage_ids: string[] | null; quorum: number | null; vantage_count: number | null; updated_at: Date }[] = await manager.query(
      'SELECT vantage_ids, quorum, vantage_count, updated_at FROM tenant_vantage_defaults WHERE tenant_id = $1',
      [tenantId],
    );
    const row = rows[0];
    return row && { vantageIds: row.vantage_ids, quorum: row.quorum, count: row.vantage_count, updatedAt: row.updated_at };
  }

  /**
   * Stores (null: removes) the tenant's default, as `setVantageDefaults` does (checked before by `problem`, the same
   * rules); the watchdogs' fingerprint reads its `updated_at`, so they reload.
   */
  setDefaults(manager: EntityManager, tenantId: string, input: AssignmentInputData | null): Promise<void> {
    return writeTenantDefaults(manager, tenantId, input);
  }

  /** The vantages this tenant may name, by name (its own win over the platform's of the same name). */
  async usable(manager: EntityManager, tenantId: string): Promise<Map<string, string>> {
    const rows: { id: string; name: string }[] = await manager.query(
      'SELECT id, name FROM vantages WHERE revoked_at IS NULL AND (tenant_id IS NULL OR tenant_id = $1) ORDER BY (tenant_id IS NULL) DESC, created_at',
      [tenantId],
    );
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  /** Why the assignment is refused (field: vantageIds[i], quorum, count), or undefined. */
  async problem(principal: Principal, input: AssignmentInputData): Promise<{ field: string; message: string } | undefined> {
    try {
      await this.assignments.validate(principal, input);
      return undefined;
    } catch (error) {
      if (!(error instanceof VigiaException)) throw error;
      return { field: (error.field ?? 'input.vantageIds').replace(/^input\./, ''), message: error.message.replace(/^[^:]*: /, '') };
    }
  }

  /** Stores (null: removes) a monitor's own assignment; the caller marks the monitor changed for the watchdogs. */
  set(manager: EntityManager, tenantId: string, monitorId: string, input: AssignmentInputData | null): Promise<void> {
    return writeMonitorAssignment(manager, tenantId, monitorId, input);
  }
}

@Module({ imports: [VantagesModule, InventoryModule], providers: [VantageFleetPort], exports: [VantageFleetPort] })
export class VantageFleetModule {}
