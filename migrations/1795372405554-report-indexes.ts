import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportIndexes1795372405554 implements MigrationInterface {
  name = 'ReportIndexes1795372405554';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE INDEX \"IDX_20bb67f4674c68159a6e2bef2a\" ON \"incidents\"  (\"monitor_id\", \"opened_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_24e5f0e4115f3bc0b8511173a3\" ON \"monitor_state_changes\"  (\"monitor_id\", \"effective_at\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_24e5f0e4115f3bc0b8511173a3\"");
    await queryRunner.query("DROP INDEX \"public\".\"IDX_20bb67f4674c68159a6e2bef2a\"");
  }
}
