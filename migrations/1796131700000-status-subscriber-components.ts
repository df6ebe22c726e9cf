import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status-page subscribers choose components (issue 17): the ids of the page's components a subscriber hears about
 * (a page's `status_components` ids; on a per-customer page, its services' ids), empty for all of them — which every
 * subscriber before this migration is.
 */
export class StatusSubscriberComponents1796131700000 implements MigrationInterface {
  name = 'StatusSubscriberComponents1796131700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_subscribers" ADD "component_ids" uuid array NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "status_subscribers" DROP COLUMN "component_ids"');
  }
}
