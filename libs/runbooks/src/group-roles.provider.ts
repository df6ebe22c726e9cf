import { Global, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GROUP_ROLES, type GroupRoleSource, type MysqlGroupRoles } from '#lib/detection';

/**
 * MySQL groups as the watchdog needs them to probe their members for their roles (detection's `GroupRoleSource`
 * port): read here, by the library that owns `resources`, and handed up through detection's token.
 */
@Injectable()
export class MysqlGroupRoleSource implements GroupRoleSource {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async fingerprint(): Promise<string> {
    const [groups]: { roles: string | null }[] = await this.dataSource.query(
      `SELECT md5(string_agg(id::text || ':' || coalesce(primary_host_id::text, '') || ':' || fence_pending::text || ':' || members::text, ',' ORDER BY id)) AS roles
         FROM resources WHERE kind = 'mysql_group'`,
    );
    return groups?.roles ?? '';
  }

  groups(): Promise<MysqlGroupRoles[]> {
    return this.dataSource.query(
      `SELECT tenant_id AS "tenantId", members, primary_host_id AS "primaryHostId", fence_pending AS "fencePending"
         FROM resources WHERE kind = 'mysql_group'`,
    );
  }
}

/** Global, so detection's MonitorCatalog finds it under its own token without importing runbooks (the watchdog and the API's agent gateway). */
@Global()
@Module({ providers: [{ provide: GROUP_ROLES, useClass: MysqlGroupRoleSource }], exports: [GROUP_ROLES] })
export class GroupRolesModule {}
