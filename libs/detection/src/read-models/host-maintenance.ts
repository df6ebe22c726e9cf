import { Injectable, Module } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { MaintenanceWindow } from '../entities/maintenance-window.entity.js';
import { MaintenanceCalendar } from '../maintenance/maintenance-calendar.js';

/**
 * Detection's port for maintenance windows from other libraries: putting a host in maintenance (runbooks: a
 * hypervisor drained of its VMs), and reading the windows a status page announces.
 * The window is detection's table; incidents opened on the host inside it are planned (no alerts, no runbooks).
 */
@Injectable()
export class HostMaintenance {
  constructor(private readonly dataSource: DataSource) {}

  /** A window on one host from `startsAt` to `endsAt`; its id. */
  async open(tenantId: string, hostId: string, name: string, startsAt: Date, endsAt: Date): Promise<string> {
    const windows = this.dataSource.getRepository(MaintenanceWindow);
    return (await windows.save(windows.create({ tenantId, name, startsAt, endsAt, recursUntil: endsAt, hostIds: [hostId] }))).id;
  }

  /** Windows of a tenant by id (status pages: the windows a tenant chose to announce). */
  async windowsOf(tenantId: string, ids: string[]): Promise<MaintenanceWindow[]> {
    if (!ids.length) return [];
    return this.dataSource.getRepository(MaintenanceWindow).find({ where: { tenantId, id: In(ids) } });
  }

  /**
   * Of these hosts, those inside a maintenance window at `at` (a recurring window's occurrence included: the one
   * calendar the detector reads), each with the window's name — placement never chooses them.
   */
  async hostsIn(tenantId: string, hostIds: readonly string[], at: Date): Promise<Map<string, string>> {
    const inside = new Map<string, string>();
    if (!hostIds.length) return inside;
    const active = await new MaintenanceCalendar(this.dataSource).activeAt(tenantId, at);
    for (const w of active) for (const id of w.host_ids) if (hostIds.includes(id) && !inside.has(id)) inside.set(id, w.name);
    return inside;
  }
}

@Module({ providers: [HostMaintenance], exports: [HostMaintenance] })
export class HostMaintenanceModule {}
