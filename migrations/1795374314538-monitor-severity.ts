import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MonitorSeverity1795374314538 implements MigrationInterface {
  name = 'MonitorSeverity1795374314538';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"monitors\" ADD \"severity\" text NOT NULL DEFAULT 'critical'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"monitors\" DROP COLUMN \"severity\"");
  }
}
