import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AlertGrouping1795373639171 implements MigrationInterface {
  name = 'AlertGrouping1795373639171';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"group_key\" text");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"grouped_into\" uuid");
    await queryRunner.query("CREATE INDEX \"IDX_5fc9a54c203ff11bb106033d71\" ON \"notifications\"  (\"group_key\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_5fc9a54c203ff11bb106033d71\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"grouped_into\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"group_key\"");
  }
}
