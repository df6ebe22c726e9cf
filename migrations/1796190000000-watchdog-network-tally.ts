import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Watchdogs: each one's counts for the vantages' network rule, sent with its heartbeat (no scan of every state). */
export class WatchdogNetworkTally1796190000000 implements MigrationInterface {
  name = 'WatchdogNetworkTally1796190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "watchdog_instances" ADD "network_tally" jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "watchdog_instances" DROP COLUMN "network_tally"`);
  }
}
