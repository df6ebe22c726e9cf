import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EscalationAndAck1795373413881 implements MigrationInterface {
  name = 'EscalationAndAck1795373413881';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_9365707e4bda910d456c3ff4e5\"");
    await queryRunner.query("CREATE TABLE \"escalation_policies\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"match\" jsonb NOT NULL, \"steps\" jsonb NOT NULL, \"priority\" integer NOT NULL DEFAULT '100', \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_aea3f30839009e0efd350e4cbc7\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_33364bec6fc0128922e75433f8\" ON \"escalation_policies\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("ALTER TABLE \"incidents\" ADD \"acknowledged_at\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"incidents\" ADD \"acknowledged_by\" text");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"step\" integer NOT NULL DEFAULT '0'");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_f28442741df7bbf101c130a40f\" ON \"notifications\"  (\"channel_id\", \"incident_id\", \"kind\", \"step\") ");
    await queryRunner.query("ALTER TABLE \"escalation_policies\" ADD CONSTRAINT \"FK_783aaff150ad01be736b8394dc0\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"escalation_policies\" DROP CONSTRAINT \"FK_783aaff150ad01be736b8394dc0\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_f28442741df7bbf101c130a40f\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"step\"");
    await queryRunner.query("ALTER TABLE \"incidents\" DROP COLUMN \"acknowledged_by\"");
    await queryRunner.query("ALTER TABLE \"incidents\" DROP COLUMN \"acknowledged_at\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_33364bec6fc0128922e75433f8\"");
    await queryRunner.query("DROP TABLE \"escalation_policies\"");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_9365707e4bda910d456c3ff4e5\" ON \"notifications\" USING btree (\"channel_id\", \"incident_id\", \"kind\") ");
  }
}
