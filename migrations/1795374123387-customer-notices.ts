import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerNotices1795374123387 implements MigrationInterface {
  name = 'CustomerNotices1795374123387';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"tenants\" ADD \"customer_notices\" boolean NOT NULL DEFAULT false");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"recipient\" text");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_f28442741df7bbf101c130a40f\"");
    await queryRunner.query("ALTER TABLE \"notifications\" ALTER COLUMN \"channel_id\" DROP NOT NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_3ae137c8e02356a2e17774dbf8\" ON \"notifications\"  (\"incident_id\", \"recipient\", \"kind\") WHERE recipient IS NOT NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_f28442741df7bbf101c130a40f\" ON \"notifications\"  (\"channel_id\", \"incident_id\", \"kind\", \"step\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_f28442741df7bbf101c130a40f\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_3ae137c8e02356a2e17774dbf8\"");
    await queryRunner.query("ALTER TABLE \"notifications\" ALTER COLUMN \"channel_id\" SET NOT NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_f28442741df7bbf101c130a40f\" ON \"notifications\" USING btree (\"channel_id\", \"incident_id\", \"kind\", \"step\") ");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"recipient\"");
    await queryRunner.query("ALTER TABLE \"tenants\" DROP COLUMN \"customer_notices\"");
  }
}
