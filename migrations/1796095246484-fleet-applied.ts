import type { MigrationInterface, QueryRunner } from 'typeorm';

/** fleet_applied: what a fleet apply last wrote per object (digest and spec), for plans and drift (libs/fleet). */
export class FleetApplied1796095246484 implements MigrationInterface {
  name = 'FleetApplied1796095246484';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"fleet_applied\" (\"tenant_id\" uuid NOT NULL, \"kind\" text NOT NULL, \"key\" text NOT NULL, \"digest\" text NOT NULL, \"spec\" jsonb NOT NULL, \"applied_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"applied_by\" text NOT NULL, CONSTRAINT \"PK_2ecb61db42e005585cee7117d13\" PRIMARY KEY (\"tenant_id\", \"kind\", \"key\"))");
    await queryRunner.query("ALTER TABLE \"fleet_applied\" ADD CONSTRAINT \"FK_c797bc7ea8ab076eba920b9ca46\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"fleet_applied\" DROP CONSTRAINT \"FK_c797bc7ea8ab076eba920b9ca46\"");
    await queryRunner.query("DROP TABLE \"fleet_applied\"");
  }
}
