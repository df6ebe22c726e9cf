import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EscalationRepeatQuiet1795373923446 implements MigrationInterface {
  name = 'EscalationRepeatQuiet1795373923446';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"escalation_policies\" ADD \"repeat_minutes\" integer");
    await queryRunner.query("ALTER TABLE \"escalation_policies\" ADD \"quiet_hours\" jsonb");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"escalation_policies\" DROP COLUMN \"quiet_hours\"");
    await queryRunner.query("ALTER TABLE \"escalation_policies\" DROP COLUMN \"repeat_minutes\"");
  }
}
