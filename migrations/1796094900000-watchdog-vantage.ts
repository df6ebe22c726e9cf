import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each watchdog process records the vantage it votes under (so a replica that stops reporting is its vantage's
 * incident) and, while its own probes have stopped completing, since when and why (so an API in another process
 * shows it on the banner).
 */
export class WatchdogVantage1796094900000 implements MigrationInterface {
  name = 'WatchdogVantage1796094900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "watchdog_instances" ADD "vantage" text');
    await queryRunner.query('ALTER TABLE "watchdog_instances" ADD "blind_since" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "watchdog_instances" ADD "blind_reason" text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "watchdog_instances" DROP COLUMN "blind_reason"');
    await queryRunner.query('ALTER TABLE "watchdog_instances" DROP COLUMN "blind_since"');
    await queryRunner.query('ALTER TABLE "watchdog_instances" DROP COLUMN "vantage"');
  }
}
