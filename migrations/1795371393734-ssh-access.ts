import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SshAccess1795371393734 implements MigrationInterface {
  name = 'SshAccess1795371393734';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"ssh_credentials\" (\"id\" uuid NOT NULL, \"tenant_id\" uuid NOT NULL, \"name\" text NOT NULL, \"public_key\" text NOT NULL, \"fingerprint\" text NOT NULL, \"private_key_sealed\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_2c31f9fd13c6f6fb29a4871b8cd\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_36d2ade7306ff82f2d0b37816f\" ON \"ssh_credentials\"  (\"tenant_id\", \"name\") ");
    await queryRunner.query("ALTER TABLE \"hosts\" ADD \"ssh_host_key\" text");
    await queryRunner.query("ALTER TABLE \"hosts\" ADD \"ssh_credential_id\" uuid");
    await queryRunner.query("ALTER TABLE \"ssh_credentials\" ADD CONSTRAINT \"FK_67e6247a678dfe51a82dff67983\" FOREIGN KEY (\"tenant_id\") REFERENCES \"tenants\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"hosts\" ADD CONSTRAINT \"FK_34fadf481a0685755083eae2940\" FOREIGN KEY (\"ssh_credential_id\") REFERENCES \"ssh_credentials\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"hosts\" DROP CONSTRAINT \"FK_34fadf481a0685755083eae2940\"");
    await queryRunner.query("ALTER TABLE \"ssh_credentials\" DROP CONSTRAINT \"FK_67e6247a678dfe51a82dff67983\"");
    await queryRunner.query("ALTER TABLE \"hosts\" DROP COLUMN \"ssh_credential_id\"");
    await queryRunner.query("ALTER TABLE \"hosts\" DROP COLUMN \"ssh_host_key\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_36d2ade7306ff82f2d0b37816f\"");
    await queryRunner.query("DROP TABLE \"ssh_credentials\"");
  }
}
