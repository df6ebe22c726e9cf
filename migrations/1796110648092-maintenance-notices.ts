import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MaintenanceNotices1796110648092 implements MigrationInterface {
  name = 'MaintenanceNotices1796110648092';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"status_maintenance_notices\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"window_id\" uuid NOT NULL, \"title\" text NOT NULL, \"body\" text NOT NULL DEFAULT '', CONSTRAINT \"PK_29afe3bb1936b55af0ae59c0282\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_50988f068acef34b8014db09d7\" ON \"status_maintenance_notices\"  (\"tenant_id\", \"window_id\") ");
    await queryRunner.query("ALTER TABLE \"status_maintenance_notices\" ADD CONSTRAINT \"FK_8a0dacfd4cb3b41ba81a0747cc2\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"status_maintenance_notices\" DROP CONSTRAINT \"FK_8a0dacfd4cb3b41ba81a0747cc2\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_50988f068acef34b8014db09d7\"");
    await queryRunner.query("DROP TABLE \"status_maintenance_notices\"");
  }
}
