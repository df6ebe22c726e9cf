import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscribing on a private status page (issue 17): the page's auth version an e-mail subscriber signed up under (null:
 * on a public page, as every subscriber before this migration). Such a subscriber hears of the page only while the
 * page is still behind that same password, link or customer sign-in; a new password or visibility silences it.
 */
export class StatusSubscriberAccess1796150000000 implements MigrationInterface {
  name = 'StatusSubscriberAccess1796150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "status_subscribers" ADD "page_auth_version" integer');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "status_subscribers" DROP COLUMN "page_auth_version"');
  }
}
