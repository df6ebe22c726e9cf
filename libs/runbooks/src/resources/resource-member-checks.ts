import { Injectable, Logger, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { HostMaintenanceModule } from '#lib/detection';
import { InventoryModule } from '#lib/inventory';
import { PlanContextFactory } from '../engine/plan-context.js';
import { Resource, type ResourceMember } from '../entities/resource.entity.js';
import { kindOf } from './resource-kinds.js';

/**
 * The check a resource kind runs on its members when a resource is saved (a MySQL group's boot configuration over
 * SSH), each member's verdict kept as its warning. One place for the dashboard's save and a fleet apply, so a group
 * written by a file carries the same warnings as one saved in the dashboard.
 */
@Injectable()
export class ResourceMemberChecks {
  private readonly logger = new Logger('ResourceMemberChecks');

  constructor(
    private readonly contexts: PlanContextFactory,
    private readonly dataSource: DataSource,
    @InjectRepository(Resource) private readonly resources: Repository<Resource>,
  ) {}

  async check(resource: Resource): Promise<Resource> {
    const kind = kindOf(resource);
    if (!kind.checkMembers) return resource;
    const checked = await kind.checkMembers(resource, this.contexts.create(resource.tenantId, resource));
    const warnings = new Map(checked.map((m) => [m.hostId, m.warning]));
    // The check took seconds: write only the warnings, onto the members as they are now (locked), so an edit saved
    // meanwhile (the dashboard, another apply) is kept; a member added since keeps what it has.
    const members = await this.dataSource.transaction(async (manager) => {
      const [row]: { members: ResourceMember[] }[] = await manager.query('SELECT members FROM resources WHERE id = $1 FOR UPDATE', [resource.id]);
      if (!row) return undefined;
      const merged = row.members.map((m) => (warnings.has(m.hostId) ? { ...m, warning: warnings.get(m.hostId) } : m));
      // jsonb through a parameter (TypeORM's update would take the array for a nested patch).
      await manager.query('UPDATE resources SET members = $2 WHERE id = $1', [resource.id, JSON.stringify(merged)]);
      return merged;
    });
    return members ? Object.assign(resource, { members }) : resource;
  }

  /**
   * After a fleet apply committed (SSH takes seconds: never inside its transaction), the tenant's named resources
   * checked as a save checks them. A check that fails is logged; the apply has happened and stays.
   */
  async checkNamed(tenantId: string, names: string[]): Promise<void> {
    if (!names.length) return;
    const failed = (what: string) => (error: unknown) => this.logger.warn(`checking the members of ${what}: ${error instanceof Error ? error.message : String(error)}`);
    const saved = await this.resources.find({ where: { tenantId, name: In(names) } }).catch((error: unknown) => (failed(names.join(', '))(error), []));
    await Promise.all(saved.map((r) => this.check(r).catch(failed(r.name))));
  }
}

/** Members' save-time checks for other libraries (the fleet): with what planning a host over SSH needs. */
@Module({
  imports: [TypeOrmModule.forFeature([Resource]), InventoryModule, HostMaintenanceModule],
  providers: [PlanContextFactory, ResourceMemberChecks],
  exports: [ResourceMemberChecks],
})
export class ResourceMemberChecksModule {}
