import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox is claimed per vantage, in turns (fairness across tenants): each vantage's oldest results by one index range. */
export class VantageResultsByVantage1796095500000 implements MigrationInterface {
  name = 'VantageResultsByVantage1796095500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "IDX_vantage_results_vantage_id" ON "vantage_results" ("vantage_id", "id")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_vantage_results_vantage_id"');
  }
}
