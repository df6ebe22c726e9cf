import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Impaired vantages (since, why, by which rule; the monitor their vantage incidents are recorded on) and k-of-N assignment. */
export class ImpairedVantages1796072731971 implements MigrationInterface {
  name = 'ImpairedVantages1796072731971';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"monitor_vantages\" ADD \"vantage_count\" integer");
    await queryRunner.query("ALTER TABLE \"tenant_vantage_defaults\" ADD \"vantage_count\" integer");
    await queryRunner.query("ALTER TABLE \"vantages\" ADD \"impaired_since\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"vantages\" ADD \"impaired_reason\" text");
    await queryRunner.query("ALTER TABLE \"vantages\" ADD \"impaired_by\" text array NOT NULL DEFAULT '{}'");
    await queryRunner.query("ALTER TABLE \"vantages\" ADD \"subject_monitor_id\" uuid");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"vantages\" DROP COLUMN \"subject_monitor_id\"");
    await queryRunner.query("ALTER TABLE \"vantages\" DROP COLUMN \"impaired_by\"");
    await queryRunner.query("ALTER TABLE \"vantages\" DROP COLUMN \"impaired_reason\"");
    await queryRunner.query("ALTER TABLE \"vantages\" DROP COLUMN \"impaired_since\"");
    await queryRunner.query("ALTER TABLE \"tenant_vantage_defaults\" DROP COLUMN \"vantage_count\"");
    await queryRunner.query("ALTER TABLE \"monitor_vantages\" DROP COLUMN \"vantage_count\"");
  }
}
