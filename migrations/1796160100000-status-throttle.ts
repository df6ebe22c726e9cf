import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public status-page forms' per-minute limits (subscribe, customer sign-in) shared by every API process (issue
 * 17): one row per counted key (a SHA-256 of a client address or a page id) and its current one-minute window.
 * Windows over for two minutes are deleted by the API, so the table stays small.
 */
export class StatusThrottle1796160100000 implements MigrationInterface {
  name = 'StatusThrottle1796160100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "status_throttle" ("key" text NOT NULL, "window_start" timestamptz NOT NULL, "count" int NOT NULL,
      CONSTRAINT "PK_status_throttle" PRIMARY KEY ("key"))`);
    await queryRunner.query('CREATE INDEX "IDX_status_throttle_window" ON "status_throttle" ("window_start")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "status_throttle"');
  }
}
