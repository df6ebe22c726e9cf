import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A resource's standing failover decision (held, unconfirmed, refused…), kept until the service is whole. */
export class FailoverDecisions1796060000000 implements MigrationInterface {
  name = 'FailoverDecisions1796060000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resources" ADD "decision_kind" text, ADD "decision" text, ADD "decision_incident_id" uuid,
      ADD "decision_since" TIMESTAMP WITH TIME ZONE, ADD "decision_paged_at" TIMESTAMP WITH TIME ZONE, ADD "act_now_incident_id" uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "resources" DROP COLUMN "decision_kind", DROP COLUMN "decision", DROP COLUMN "decision_incident_id",
      DROP COLUMN "decision_since", DROP COLUMN "decision_paged_at", DROP COLUMN "act_now_incident_id"`);
  }
}
