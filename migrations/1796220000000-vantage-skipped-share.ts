import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A vantage's share of due probe slots skipped or shed over the last minute: "overloaded" on its health. */
export class VantageSkippedShare1796220000000 implements MigrationInterface {
  name = 'VantageSkippedShare1796220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE vantages ADD COLUMN skipped_share real');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE vantages DROP COLUMN skipped_share');
  }
}
