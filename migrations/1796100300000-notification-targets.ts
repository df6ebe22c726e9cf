import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Escalation steps that target a schedule or a person (libs/alerts): the target of a row, the person and schedule of a personal page, where it went, and the route (policy) that queued it, for the paging report. */
export class NotificationTargets1796100300000 implements MigrationInterface {
  name = 'NotificationTargets1796100300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"target_key\" text NOT NULL DEFAULT ''");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"user_id\" uuid");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"schedule_id\" uuid");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"contact_kind\" text");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"address\" text");
    await queryRunner.query("ALTER TABLE \"notifications\" ADD \"policy_id\" uuid");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_f6aa417ba9b1925132b5b63a44\" ON \"notifications\"  (\"incident_id\", \"kind\", \"step\", \"target_key\") WHERE target_key <> ''");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"IDX_f6aa417ba9b1925132b5b63a44\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"policy_id\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"address\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"contact_kind\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"schedule_id\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"user_id\"");
    await queryRunner.query("ALTER TABLE \"notifications\" DROP COLUMN \"target_key\"");
  }
}
