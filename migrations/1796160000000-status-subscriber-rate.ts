import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sending rate per status-page subscriber (issue 17): at most N sends an hour, counted from the queue's own rows
 * (so it holds across API processes). A row over the limit is held — `held_at` says when it first was — and sent
 * later; a held post update followed by a newer held one of the same post is `coalesced` (not sent: the newer one
 * carries the post's latest state). The index counts one subscriber's recent sends.
 */
export class StatusSubscriberRate1796160000000 implements MigrationInterface {
  name = 'StatusSubscriberRate1796160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "status_notifications" ADD "held_at" timestamptz');
    await queryRunner.query('CREATE INDEX "IDX_status_notifications_subscriber_sent" ON "status_notifications" ("subscriber_id", "sent_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_status_notifications_subscriber_sent"');
    await queryRunner.query('ALTER TABLE "status_notifications" DROP COLUMN "held_at"');
  }
}
