import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recurring maintenance windows (issue 21): an RRULE body and the zone it repeats in; `recurs_until` is the end of
 * the last occurrence (a one-off window's own end; null: repeats for ever), so queries skip finished windows unexpanded.
 */
export class RecurringMaintenance1796100100000 implements MigrationInterface {
  name = 'RecurringMaintenance1796100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "maintenance_windows" ADD "recurrence" text, ADD "time_zone" text, ADD "recurs_until" TIMESTAMP WITH TIME ZONE,
      ADD CONSTRAINT "ck_maintenance_recurrence_zone" CHECK ("recurrence" IS NULL OR "time_zone" IS NOT NULL)`);
    await queryRunner.query(`UPDATE "maintenance_windows" SET "recurs_until" = "ends_at"`);
    await queryRunner.query(`CREATE INDEX "IDX_maintenance_windows_tenant_until" ON "maintenance_windows" ("tenant_id", "recurs_until")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_maintenance_windows_tenant_until"`);
    await queryRunner.query(`DELETE FROM "maintenance_windows" WHERE "recurrence" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "maintenance_windows" DROP CONSTRAINT "ck_maintenance_recurrence_zone", DROP COLUMN "recurrence", DROP COLUMN "time_zone", DROP COLUMN "recurs_until"`);
  }
}
