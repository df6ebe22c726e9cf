import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RunStepOutputs1795381489551 implements MigrationInterface {
  name = 'RunStepOutputs1795381489551';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"runbook_run_steps\" ADD \"outputs\" jsonb NOT NULL DEFAULT '{}'");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"runbook_run_steps\" DROP COLUMN \"outputs\"");
  }
}
