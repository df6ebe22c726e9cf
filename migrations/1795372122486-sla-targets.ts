import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SlaTargets1795372122486 implements MigrationInterface {
  name = 'SlaTargets1795372122486';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"sla_targets\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"customer_id\" uuid NOT NULL, \"target_percent\" numeric(7,4) NOT NULL, \"policy\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_41fc50a6ca71daeb352ad54ec07\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_87fcb899a8b3bffb24e91a1339\" ON \"sla_targets\"  (\"customer_id\") ");
    await queryRunner.query("ALTER TABLE \"sla_targets\" ADD CONSTRAINT \"FK_87fcb899a8b3bffb24e91a13391\" FOREIGN KEY (\"customer_id\") REFERENCES \"customers\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"sla_targets\" DROP CONSTRAINT \"FK_87fcb899a8b3bffb24e91a13391\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_87fcb899a8b3bffb24e91a1339\"");
    await queryRunner.query("DROP TABLE \"sla_targets\"");
  }
}
