import { Injectable, Logger, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { HostMaintenanceModule } from '#lib/detection';
import { InventoryModule } from '#lib/inventory';
import { PlanContextFactory } from '../engine/plan-context.js';
import { Resource } from '../entities/resource.entity.js';
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
    const members = await kind.checkMembers(resource, this.contexts.create(resource.tenantId, resource));
    // jsonb through a parameter (TypeORM's update would take the array for a nested patch).
    await this.dataSource.query('UPDATE resources SET members = $2 WHERE id = $1', [resource.id, JSON.stringify(members)]);
    return Object.assign(resource, { members });
  }

  /**
   * After a fleet apply committed (SSH takes seconds: never inside its transaction), the tenant's named resources
   * checked as a save checks them. A check that fails is logged; the apply has happened and stays.
   */
  async checkNamed(tenantId: string, names: string[]): Promise<void> {
    if (!names.length) return;
    const saved = await this.resources.find({ where: { tenantId, name: In(names) } });
    await Promise.all(saved.map((r) => this.check(r).catch((error: unknown) =>
      this.logger.warn(`checking the members of ${r.name}: ${error instanceof Error ? error.message : String(error)}`))));
  }
}

/** Members' save-time checks for other libraries (the fleet): with what planning a host over SSH needs. */
@Module({
  imports: [TypeOrmModule.forFeature([Resource]), InventoryModule, HostMaintenanceModule],
  providers: [PlanContextFactory, ResourceMemberChecks],
  exports: [ResourceMemberChecks],
})
export class ResourceMemberChecksModule {}
