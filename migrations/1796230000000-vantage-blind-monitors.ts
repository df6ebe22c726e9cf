import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How many monitors an impaired vantage leaves undecidable while every vantage left sees them down (paged once). */
export class VantageBlindMonitors1796230000000 implements MigrationInterface {
  name = 'VantageBlindMonitors1796230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE vantages ADD COLUMN blind_monitors integer NOT NULL DEFAULT 0');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE vantages DROP COLUMN blind_monitors');
  }
}
